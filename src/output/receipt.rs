//! `upload --receipt FILE`: the writer of the JSON Lines proof of what a run stored, fed from
//! the run's events as files finish. The format (and its reader) is [`crate::receipt`].

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::sinks::Sink;
use crate::receipt::read_lines;
use crate::transfer::stdin::StdinOptions;
use crate::transfer::{Event, FilesFrom, Shard, Summary, UploadOptions};

/// Receipt format version (`"v"`).
pub const RECEIPT_VERSION: u32 = 1;

/// What identifies a run, written in its `run` line.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub api_base: String,
    pub workspace_id: String,
    /// Destination folder under the workspace root (clean, `/`-joined; `""` = root).
    pub destination: String,
    /// The sources as absolute paths (part of the run key).
    pub sources: Vec<String>,
    pub shard: Option<Shard>,
    /// The command line, secrets redacted ([`redacted_command`]).
    pub command: Vec<String>,
}

impl RunInfo {
    /// A hash of everything that makes two runs "the same command".
    pub fn key(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.api_base, &self.workspace_id, &self.destination] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(self.shard.map(|s| s.to_string()).unwrap_or_default());
        h.update([0]);
        for s in &self.sources {
            h.update(s.as_bytes());
            h.update([0]);
        }
        hex::encode(&h.finalize()[..16])
    }
}

/// The command line for a receipt: values of `--token`, `--lock-token` and `--share-password`
/// (either spelling)
/// become `***`, and credentials inside URLs are dropped.
pub fn redacted_command(args: impl IntoIterator<Item = OsString>) -> Vec<String> {
    const SECRET: [&str; 3] = ["--token", "--lock-token", "--share-password"];
    let mut out = Vec::new();
    let mut hide_next = false;
    for a in args {
        let a = a.to_string_lossy().into_owned();
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
            continue;
        }
        if SECRET.contains(&a.as_str()) {
            hide_next = true;
            out.push(a);
            continue;
        }
        if let Some((flag, _)) = a.split_once('=')
            && SECRET.contains(&flag)
        {
            out.push(format!("{flag}=***"));
            continue;
        }
        out.push(strip_url_credentials(&a));
    }
    out
}

fn strip_url_credentials(a: &str) -> String {
    if a.contains("://")
        && a.contains('@')
        && let Ok(mut u) = url::Url::parse(a)
        && (!u.username().is_empty() || u.password().is_some())
    {
        let _ = u.set_username("");
        let _ = u.set_password(None);
        return u.to_string();
    }
    a.to_string()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `run` line of an upload of `opts` (or of standard input, `stdin`): what the receipt is
/// of, so a rerun of the same command continues it and another run is refused.
pub fn run_info(opts: &UploadOptions, stdin: Option<&StdinOptions>) -> RunInfo {
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut sources: Vec<String> = opts
        .paths
        .iter()
        .map(|p| {
            let mut s = absolute(p).to_string_lossy().into_owned();
            if p.to_string_lossy().ends_with('/') && !s.ends_with('/') {
                s.push('/');
            }
            s
        })
        .collect();
    match &opts.files_from {
        Some(FilesFrom::Stdin) => sources.push("files-from:-".into()),
        Some(FilesFrom::File(p)) => sources.push(format!("files-from:{}", absolute(p).display())),
        None => {}
    }
    if let Some(s) = stdin {
        sources.push(format!("stdin:{}", s.name));
    }
    RunInfo {
        api_base: opts.api_base.clone(),
        workspace_id: opts.workspace_id.clone(),
        destination: opts.dest_clean(),
        sources,
        shard: opts.shard,
        command: redacted_command(std::env::args_os()),
    }
}

/// How [`ReceiptWriter::open`] found the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A new receipt.
    Fresh,
    /// An earlier run of the same command left this receipt: continued, `files` recorded.
    Resumed { files: usize },
}

/// A file already recorded: (size, node id).
type Recorded = HashMap<String, (u64, Option<String>)>;

/// Writes the receipt on its own thread (hashing a skipped file must not hold up the run).
pub struct ReceiptWriter {
    tx: Option<mpsc::Sender<Event>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ReceiptWriter {
    /// Open `path` for the run `info` and write its `run` line: a fresh receipt, or the
    /// continuation of one an earlier run of the same command left. Refused (with the reason)
    /// when the file is the receipt of another run or not a receipt at all.
    pub fn open(path: &Path, info: &RunInfo) -> Result<(ReceiptWriter, Opened), String> {
        let shown = path.display();
        let key = info.key();
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("--receipt `{shown}`: {e}"))?;
        let read = read_lines(&mut file)
            .map_err(|e| format!("--receipt `{shown}` is not a fastio receipt: {e}"))?;
        let mut recorded = Recorded::new();
        let opened = if read.lines.is_empty() && !read.torn {
            file.set_len(0)
                .map_err(|e| format!("--receipt `{shown}`: {e}"))?;
            Opened::Fresh
        } else {
            // A torn last line (a run killed mid-write) is cut off before appending.
            let keep = read.keep;
            let mut lines = read.lines;
            if read.unterminated {
                lines.pop();
            }
            match lines.first() {
                Some((_, run)) if run["type"] == "run" => {
                    if run["run_key"].as_str() != Some(key.as_str()) {
                        return Err(format!(
                            "--receipt `{shown}` is the receipt of another run (other sources, \
                             workspace, destination, shard or server); remove it or choose \
                             another file"
                        ));
                    }
                }
                _ => {
                    return Err(format!(
                        "--receipt `{shown}` is not a fastio receipt (its first line is not a \
                         `run` line)"
                    ));
                }
            }
            for (_, v) in &lines {
                let local = v["local"].as_str().unwrap_or_default().to_string();
                match v["type"].as_str() {
                    Some("file") => {
                        let size = v["size"].as_u64().unwrap_or(0);
                        let node = v["node_id"].as_str().map(str::to_string);
                        recorded.insert(local, (size, node));
                    }
                    Some("failed") => {
                        recorded.remove(&local);
                    }
                    _ => {}
                }
            }
            file.set_len(keep)
                .map_err(|e| format!("--receipt `{shown}`: {e}"))?;
            Opened::Resumed {
                files: recorded.len(),
            }
        };
        file.seek(std::io::SeekFrom::End(0))
            .map_err(|e| format!("--receipt `{shown}`: {e}"))?;
        let run = json!({
            "v": RECEIPT_VERSION, "type": "run", "tool": "fastio",
            "version": env!("CARGO_PKG_VERSION"), "api_base": info.api_base,
            "workspace": info.workspace_id, "destination": info.destination,
            "shard": info.shard.map(|s| s.to_string()), "command": info.command,
            "cwd": std::env::current_dir().ok().map(|d| d.display().to_string()),
            "started_at": now(), "run_key": key,
            "resumed": opened != Opened::Fresh,
        });
        let mut state = State {
            file,
            path: path.to_path_buf(),
            workspace: info.workspace_id.clone(),
            recorded,
            failed_write: false,
        };
        state.write(&run);
        if state.failed_write {
            return Err(format!("--receipt `{shown}`: cannot write"));
        }
        let (tx, rx) = mpsc::channel::<Event>();
        let thread = std::thread::Builder::new()
            .name("fastio-receipt".into())
            .spawn(move || {
                while let Ok(e) = rx.recv() {
                    state.on_event(&e);
                }
                let _ = state.file.sync_all();
            })
            .map_err(|e| format!("--receipt: {e}"))?;
        Ok((
            ReceiptWriter {
                tx: Some(tx),
                thread: Some(thread),
            },
            opened,
        ))
    }
}

impl Sink for ReceiptWriter {
    fn event(&mut self, e: &Event) {
        let wanted = matches!(
            e,
            Event::FileDone { .. }
                | Event::FileSkipped { .. }
                | Event::FileFailed { .. }
                | Event::Deleted { dry_run: false, .. }
                | Event::Summary(_)
        );
        if wanted && let Some(tx) = &self.tx {
            let _ = tx.send(e.clone());
        }
    }

    fn finish(mut self: Box<Self>) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct State {
    file: std::fs::File,
    path: PathBuf,
    workspace: String,
    recorded: Recorded,
    failed_write: bool,
}

impl State {
    /// One line, one `write`.
    fn write(&mut self, v: &Value) {
        let mut line = v.to_string();
        line.push('\n');
        if let Err(e) = self.file.write_all(line.as_bytes())
            && !self.failed_write
        {
            self.failed_write = true;
            eprintln!(
                "fastio: warning: writing the receipt `{}` failed: {e}",
                self.path.display()
            );
            super::stdout::lost(format!(
                "the receipt `{}` is incomplete: writing it failed ({e})",
                self.path.display()
            ));
        }
    }

    fn on_event(&mut self, e: &Event) {
        match e {
            Event::FileDone {
                local,
                remote_path,
                node_id,
                size,
                sha256,
                upload_id,
                ..
            } => {
                let mut v = json!({
                    "v": RECEIPT_VERSION, "type": "file", "status": "uploaded", "local": local,
                    "remote_path": remote_path, "workspace": self.workspace,
                    "node_id": node_id, "size": size, "sha256": sha256,
                    "stored_at": now(), "checked_at": now(),
                });
                if let Some(u) = upload_id {
                    v["upload_id"] = json!(u);
                }
                self.write(&v);
                self.recorded
                    .insert(local.clone(), (*size, node_id.clone()));
            }
            Event::FileSkipped {
                local,
                remote_path,
                size,
                reason,
                node_id,
                sha256,
                ..
            } => {
                let known = self.recorded.get(local).is_some_and(|(s, n)| {
                    s == size && (node_id.is_none() || n.as_ref() == node_id.as_ref())
                });
                // A second mention of a file of this run: recorded where the first put it.
                let twice = node_id.is_none() && reason.starts_with(crate::transfer::LISTED_TWICE);
                if known || twice {
                    return;
                }
                let sha = sha256.clone().or_else(|| sha256_of(Path::new(local)));
                self.write(&json!({
                    "v": RECEIPT_VERSION, "type": "file", "status": "skipped", "local": local,
                    "remote_path": remote_path, "workspace": self.workspace,
                    "node_id": node_id, "size": size, "sha256": sha, "stored_at": null,
                    "checked_at": now(), "reason": reason,
                }));
                self.recorded
                    .insert(local.clone(), (*size, node_id.clone()));
            }
            Event::FileFailed {
                local,
                remote_path,
                error,
                ..
            } => {
                self.write(&json!({
                    "v": RECEIPT_VERSION, "type": "failed", "local": local,
                    "remote_path": remote_path, "workspace": self.workspace, "error": error,
                    "at": now(),
                }));
                self.recorded.remove(local);
            }
            Event::Deleted {
                remote_path,
                node_id,
                folder,
                count,
                ..
            } => self.write(&json!({
                "v": RECEIPT_VERSION, "type": "deleted", "remote_path": remote_path,
                "workspace": self.workspace, "node_id": node_id,
                "kind": if *folder { "folder" } else { "file" }, "count": count, "at": now(),
            })),
            Event::Summary(s) => {
                let v = summary_line(s);
                self.write(&v);
                let _ = self.file.sync_all();
            }
            _ => {}
        }
    }
}

fn summary_line(s: &Summary) -> Value {
    let mut v = super::summary_json(s);
    v["v"] = json!(RECEIPT_VERSION);
    v["complete"] = json!(s.failed == 0 && !s.interrupted && s.fatal.is_none());
    v["finished_at"] = json!(now());
    v
}

fn sha256_of(p: &Path) -> Option<String> {
    let mut f = std::fs::File::open(p).ok()?;
    crate::transfer::Algo::Sha256.digest_reader(&mut f).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::read;

    fn info(dest: &str) -> RunInfo {
        RunInfo {
            api_base: "http://127.0.0.1:1/current".into(),
            workspace_id: "42".into(),
            destination: dest.into(),
            sources: vec!["/src/tree".into()],
            shard: None,
            command: vec!["fastio".into(), "upload".into()],
        }
    }

    fn done(local: &str, node: &str) -> Event {
        Event::FileDone {
            id: 1,
            local: local.into(),
            remote_path: format!("d/{local}"),
            node_id: Some(node.into()),
            size: 3,
            sha256: "ab".into(),
            resumed: false,
            upload_id: Some("5up".into()),
        }
    }

    #[test]
    fn secrets_are_redacted_from_the_command_line() {
        let args = [
            "fastio",
            "--token",
            "s3cret",
            "upload",
            "--lock-token=abc",
            "--api-base",
            "https://user:pw@example.com/current",
            "./x",
        ]
        .map(OsString::from);
        let got = redacted_command(args);
        assert_eq!(got[2], "***");
        assert_eq!(got[4], "--lock-token=***");
        assert_eq!(got[6], "https://example.com/current");
        assert!(!got.join(" ").contains("s3cret"));
        assert_eq!(got[7], "./x");
    }

    #[test]
    fn a_rerun_continues_the_receipt_and_another_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.jsonl");
        let (mut w, opened) = ReceiptWriter::open(&p, &info("d")).unwrap();
        assert_eq!(opened, Opened::Fresh);
        w.event(&done("a.txt", "2a"));
        Box::new(w).finish();
        // A torn line, as a kill during a write would leave.
        let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"v\":1,\"type\":\"fi").unwrap();
        assert!(read(&p).unwrap().torn);

        let (mut w, opened) = ReceiptWriter::open(&p, &info("d")).unwrap();
        assert_eq!(opened, Opened::Resumed { files: 1 });
        // Already recorded: not repeated.
        w.event(&Event::FileSkipped {
            id: 1,
            local: "a.txt".into(),
            remote_path: "d/a.txt".into(),
            size: 3,
            reason: "journal".into(),
            node_id: Some("2a".into()),
            sha256: None,
        });
        w.event(&done("b.txt", "2b"));
        w.event(&Event::Summary(Summary::default()));
        Box::new(w).finish();
        let text = std::fs::read_to_string(&p).unwrap();
        for line in text.lines() {
            serde_json::from_str::<Value>(line).unwrap();
        }
        let r = read(&p).unwrap();
        assert!(!r.torn && r.finished);
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[1].node_id.as_deref(), Some("2b"));
        assert_eq!(text.matches("\"type\":\"run\"").count(), 2);

        let err = ReceiptWriter::open(&p, &info("other")).err().unwrap();
        assert!(err.contains("another run"), "{err}");
        std::fs::write(&p, "hello\n").unwrap();
        assert!(ReceiptWriter::open(&p, &info("d")).is_err());
    }
}
