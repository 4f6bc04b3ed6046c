//! Standard output, where results go (NDJSON, `verify` lines, tokens, answers): every byte any
//! command prints there goes through [`write`], which keeps the first failure. A closed pipe
//! (`fastio … | head -1`) is quiet, as coreutils are; any other failure (a full disk, an I/O
//! error) means the report was lost: [`finish`] says so once, and the process does not exit 0.
//! Other outputs the user asked for (a `--receipt`) report a lost write with [`lost`], to the
//! same end.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output is gone (a closed pipe, or an error already recorded): nothing more is
/// written.
static GONE: AtomicBool = AtomicBool::new(false);
/// The first failure that is not a closed pipe.
static FAILURE: Mutex<Option<String>> = Mutex::new(None);

fn record(e: &std::io::Error) {
    GONE.store(true, Ordering::Relaxed);
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        lost(format!(
            "writing to standard output: {e}; the output is incomplete"
        ));
    }
}

/// An output the user asked for could not be written in full (`what` says which and why):
/// said at the end by [`finish`], and the exit code is not 0.
pub fn lost(what: String) {
    FAILURE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert(what);
}

/// Write `text` to standard output and flush it (one lock, so lines of several tasks never
/// mix).
pub fn write(text: &str) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        record(&e);
    }
}

/// [`write`] `text` and a newline.
pub fn line(text: &str) {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    s.push('\n');
    write(&s);
}

/// Standard output as an [`std::io::Write`] (for generators that write there themselves);
/// failures are recorded as with [`write`].
pub struct Stdout;

impl std::io::Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if GONE.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        let r = std::io::stdout().lock().write_all(buf);
        if let Err(e) = &r {
            record(e);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Err(e) = std::io::stdout().lock().flush() {
            record(&e);
        }
        Ok(())
    }
}

/// At the end of the command: flush, and the failure to report, if standard output (not for a
/// closed pipe) or another output could not be written.
pub fn finish() -> Option<String> {
    if !GONE.load(Ordering::Relaxed)
        && let Err(e) = std::io::stdout().lock().flush()
    {
        record(&e);
    }
    FAILURE.lock().unwrap_or_else(|p| p.into_inner()).clone()
}
