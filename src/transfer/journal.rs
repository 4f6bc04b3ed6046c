//! The resume journal: an append-only JSON-lines file under the XDG state dir
//! (`$XDG_STATE_HOME/fastio/journal/<key>.jsonl`), one per (sources, workspace, destination,
//! server). Records:
//!
//! ```text
//! {"k":"open","p":"/abs/a.bin","size":104857600,"mtime":1763...,"session":"5abcd-...","chunk":1048576}
//! {"k":"done","p":"/abs/a.bin","size":104857600,"mtime":1763...}
//! ```
//!
//! A rerun skips `done` files whose size and mtime still match, and resumes `open` sessions from
//! the server's `chunks` map. Lines are written by one thread; a torn last line (kill -9 during a
//! write) is ignored on load. The file is removed after a clean run, and after any run that left
//! nothing in it.
//!
//! One run at a time: the journal file is locked (exclusive: `flock` on Unix, `LockFileEx` on
//! Windows) while a run uses it, so a second run of the same job (same key) is refused
//! ([`OpenError::Busy`]) instead of uploading everything a second time and writing to a journal
//! the first run is about to remove. The lock goes with the process (also after `kill -9`). A
//! run that finds the file it locked already unlinked by the previous holder opens it again.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    k: String,
    p: String,
    size: u64,
    mtime: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chunk: Option<u64>,
}

/// An open chunked session recorded earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    pub id: String,
    pub chunk: u64,
}

#[derive(Debug, Default, Clone)]
struct FileState {
    size: u64,
    mtime: u64,
    done: bool,
    session: Option<OpenSession>,
}

/// What an earlier run left, plus the writer for this run.
pub struct Journal {
    path: PathBuf,
    prior: HashMap<String, FileState>,
    tx: Option<mpsc::Sender<String>>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// The open journal file, holding the run's lock until the journal is finished.
    locked: Option<std::fs::File>,
    /// This run uses the records (not `--no-resume`): a clean finish may remove the file.
    writes: bool,
}

/// Why a journal could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process holds the lock: the same job is running now.
    #[error("journal `{}` is in use by another run", .0.display())]
    Busy(PathBuf),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Called (once) when a journal record cannot be written.
pub type OnWriteError = Box<dyn Fn(&Path, &std::io::Error) + Send>;

/// Try to take the exclusive lock on `file` without waiting: `Ok(false)` when another process
/// holds it. std's file lock: `flock` on Unix, `LockFileEx` on Windows.
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Is `file` (open) still the file at `path`? (The previous holder may have removed it between
/// our open and our lock.)
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// The locked file's records: as many bytes as it holds now, read from the locked handle (what
/// a torn or non-UTF-8 tail spoils is skipped line by line).
fn read_all(file: &std::fs::File) -> std::io::Result<String> {
    use std::io::{Read, Seek};
    let len = file.metadata()?.len();
    let mut r = file;
    r.seek(std::io::SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    r.take(len).read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Open (creating) and lock the journal file at `path`.
fn open_locked(path: &Path) -> Result<std::fs::File, OpenError> {
    for _ in 0..8 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        match try_lock(&file) {
            Ok(true) => {}
            Ok(false) => return Err(OpenError::Busy(path.to_path_buf())),
            // A file system without locks (some network mounts): the journal still works,
            // only the one-run-at-a-time guard is gone.
            Err(_) => return Ok(file),
        }
        if still_at(&file, path) {
            return Ok(file);
        }
    }
    Err(OpenError::Busy(path.to_path_buf()))
}

/// The journal key: a hash of everything that identifies "the same command".
pub fn key(sources: &[String], workspace_id: &str, dest: &str, api_base: &str) -> String {
    let mut h = Sha256::new();
    for part in [api_base, workspace_id, dest] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for s in sources {
        h.update(s.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

/// A file's key in the journal: its absolute path, shown unambiguously (two names that differ
/// only in bytes that are not UTF-8 keep apart).
fn path_key(p: &Path) -> String {
    super::plan::show(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

impl Journal {
    /// Open, lock and (with `load`) read the journal at `dir/<key>.jsonl`; with `write`, this
    /// run's records are appended to it. `load = write = false` (`--no-resume`) only takes the
    /// lock. A write error is reported once through `on_error`; later records are dropped.
    pub fn open(dir: &Path, key: &str, load: bool, write: bool) -> Result<Journal, OpenError> {
        Journal::open_with(dir, key, load, write, Box::new(|_, _| {}))
    }

    /// [`Journal::open`] with a handler for write errors.
    pub fn open_with(
        dir: &Path,
        key: &str,
        load: bool,
        write: bool,
        on_error: OnWriteError,
    ) -> Result<Journal, OpenError> {
        let path = dir.join(format!("{key}.jsonl"));
        std::fs::create_dir_all(dir)?;
        let locked = open_locked(&path)?;
        let mut prior: HashMap<String, FileState> = HashMap::new();
        if load && let Ok(text) = read_all(&locked) {
            for line in text.lines() {
                let Ok(r) = serde_json::from_str::<Record>(line) else {
                    continue;
                };
                let st = prior.entry(r.p).or_default();
                if st.size != r.size || st.mtime != r.mtime {
                    *st = FileState {
                        size: r.size,
                        mtime: r.mtime,
                        ..Default::default()
                    };
                }
                match r.k.as_str() {
                    "done" => {
                        st.done = true;
                        st.session = None;
                    }
                    "open" => {
                        if let Some(id) = r.session {
                            st.session = Some(OpenSession {
                                id,
                                chunk: r.chunk.unwrap_or(0),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        let (tx, writer) = if write {
            let file = locked.try_clone()?;
            let (tx, rx) = mpsc::channel::<String>();
            let shown = path.clone();
            let writer = std::thread::Builder::new()
                .name("fastio-journal".into())
                .spawn(move || write_loop(file, rx, &shown, on_error))?;
            (Some(tx), Some(writer))
        } else {
            (None, None)
        };
        Ok(Journal {
            path,
            prior,
            tx,
            writer,
            locked: Some(locked),
            writes: load || write,
        })
    }

    /// A journal that neither reads nor writes.
    pub fn disabled() -> Journal {
        Journal {
            path: PathBuf::new(),
            prior: HashMap::new(),
            tx: None,
            writer: None,
            locked: None,
            writes: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prior_for(&self, local: &Path, size: u64, mtime: u64) -> Option<&FileState> {
        self.prior
            .get(&path_key(local))
            .filter(|s| s.size == size && s.mtime == mtime)
    }

    /// Did an earlier run finish this file (same size and mtime)?
    pub fn is_done(&self, local: &Path, size: u64, mtime: u64) -> bool {
        self.prior_for(local, size, mtime).is_some_and(|s| s.done)
    }

    /// The session an earlier run left open for this file, if the file is unchanged.
    pub fn open_session(&self, local: &Path, size: u64, mtime: u64) -> Option<OpenSession> {
        self.prior_for(local, size, mtime)
            .and_then(|s| s.session.clone())
    }

    fn append(&self, r: &Record) {
        if let Some(tx) = &self.tx
            && let Ok(line) = serde_json::to_string(r)
        {
            let _ = tx.send(line);
        }
    }

    pub fn record_open(&self, local: &Path, size: u64, mtime: u64, session: &str, chunk: u64) {
        self.append(&Record {
            k: "open".into(),
            p: path_key(local),
            size,
            mtime,
            session: Some(session.into()),
            chunk: Some(chunk),
        });
    }

    pub fn record_done(&self, local: &Path, size: u64, mtime: u64) {
        self.append(&Record {
            k: "done".into(),
            p: path_key(local),
            size,
            mtime,
            session: None,
            chunk: None,
        });
    }

    /// Flush, close and unlock. `clean`: the run finished with nothing left to do, so remove
    /// the file; it is also removed when it holds nothing (a run that failed before finishing
    /// any file, or `--no-resume`), so empty journals do not pile up.
    pub fn finish(mut self, clean: bool) {
        self.close(clean);
    }

    fn close(&mut self, clean: bool) {
        self.tx.take();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        // Removed while still locked, so a run waiting on this file sees it gone and reopens.
        if let Some(file) = self.locked.take() {
            let empty = file.metadata().is_ok_and(|m| m.len() == 0);
            // A run that only took the lock (`--no-resume`) leaves an earlier run's records.
            if (clean && self.writes) || empty {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

impl Drop for Journal {
    /// A run that ends early (an error before its summary) keeps what it wrote, drops an empty
    /// file, and releases the lock.
    fn drop(&mut self) {
        self.close(false);
    }
}

/// Write lines as they come; flush whenever the queue is momentarily empty, so a record is on
/// disk within moments of the event even when the process is killed later. The first write
/// error is reported through `on_error`; after it nothing more is written (a journal with holes
/// would be worse than none).
fn write_loop(
    file: std::fs::File,
    rx: mpsc::Receiver<String>,
    path: &Path,
    on_error: OnWriteError,
) {
    let mut w = std::io::BufWriter::new(file);
    let mut failed = false;
    let check = |r: std::io::Result<()>, failed: &mut bool| {
        if let Err(e) = r
            && !*failed
        {
            *failed = true;
            on_error(path, &e);
        }
    };
    while let Ok(line) = rx.recv() {
        if failed {
            continue;
        }
        let mut r = writeln!(w, "{line}");
        while let Ok(more) = rx.try_recv() {
            if r.is_ok() {
                r = writeln!(w, "{more}");
            }
        }
        let r = r.and_then(|()| w.flush());
        check(r, &mut failed);
    }
    if !failed {
        let r = w.flush();
        check(r, &mut failed);
    } else {
        // Drop what is buffered without another (failing) attempt.
        let (_file, _) = w.into_parts();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_reopen_and_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path(), "k", true, true).unwrap();
        let a = dir.path().join("a.bin");
        let b = dir.path().join("b.bin");
        j.record_open(&a, 10, 5, "s1", 4);
        j.record_done(&b, 3, 7);
        j.finish(false);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("k.jsonl"))
            .unwrap();
        f.write_all(b"{\"k\":\"done\",\"p\":").unwrap();
        let j = Journal::open(dir.path(), "k", true, false).unwrap();
        assert_eq!(
            j.open_session(&a, 10, 5),
            Some(OpenSession {
                id: "s1".into(),
                chunk: 4
            })
        );
        assert_eq!(j.open_session(&a, 11, 5), None);
        assert!(j.is_done(&b, 3, 7));
        assert!(!j.is_done(&b, 3, 8));
        assert!(!j.is_done(&a, 10, 5));
        j.finish(true);
        assert!(!dir.path().join("k.jsonl").exists());
    }

    #[test]
    fn key_depends_on_every_part() {
        let k = key(&["a".into()], "1", "d", "u");
        assert_ne!(k, key(&["a".into()], "2", "d", "u"));
        assert_ne!(k, key(&["a".into()], "1", "e", "u"));
        assert_ne!(k, key(&["b".into()], "1", "d", "u"));
        assert_eq!(k, key(&["a".into()], "1", "d", "u"));
    }

    #[test]
    fn a_second_open_of_the_same_journal_is_refused_until_the_first_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let first = Journal::open(dir.path(), "k", true, true).unwrap();
        first.record_done(&dir.path().join("a"), 1, 1);
        match Journal::open(dir.path(), "k", true, true) {
            Err(OpenError::Busy(p)) => assert!(p.ends_with("k.jsonl")),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("opened twice"),
        }
        first.finish(false);
        let again = Journal::open(dir.path(), "k", true, true).unwrap();
        assert!(again.is_done(&dir.path().join("a"), 1, 1));
        again.finish(true);
        assert!(!dir.path().join("k.jsonl").exists());
    }

    #[test]
    fn empty_journals_are_removed_and_write_errors_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path(), "e", true, true).unwrap();
        drop(j);
        assert!(
            !dir.path().join("e.jsonl").exists(),
            "empty journal removed"
        );
        let j = Journal::open(dir.path(), "n", false, false).unwrap();
        j.finish(false);
        assert!(!dir.path().join("n.jsonl").exists());
        // Lock only (`--no-resume`): an earlier run's records stay, even after a clean run.
        std::fs::write(dir.path().join("n.jsonl"), b"{}\n").unwrap();
        Journal::open(dir.path(), "n", false, false)
            .unwrap()
            .finish(true);
        assert!(dir.path().join("n.jsonl").exists());

        #[cfg(target_os = "linux")]
        {
            use std::sync::{Arc, Mutex};
            std::os::unix::fs::symlink("/dev/full", dir.path().join("f.jsonl")).unwrap();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let s2 = seen.clone();
            let j = Journal::open_with(
                dir.path(),
                "f",
                true,
                true,
                Box::new(move |_, e| s2.lock().unwrap().push(e.to_string())),
            )
            .unwrap();
            for i in 0..3 {
                j.record_done(&dir.path().join(format!("x{i}")), 1, 1);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            j.finish(false);
            assert_eq!(seen.lock().unwrap().len(), 1, "{:?}", seen.lock().unwrap());
        }
    }
}
