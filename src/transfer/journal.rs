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
//! write) is ignored on load. The file is removed after a clean run.

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

/// The default journal directory: `$XDG_STATE_HOME/fastio/journal` (or the platform's
/// equivalent; the data dir where there is no state dir).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("fastio").join("journal"));
    }
    let dirs = directories::ProjectDirs::from("io", "Fast", "fastio")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("journal"),
    )
}

fn path_key(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

impl Journal {
    /// Open (and load) the journal at `dir/<key>.jsonl`. `write = false` loads nothing and
    /// writes nothing (`--no-resume`, dry runs).
    pub fn open(dir: &Path, key: &str, load: bool, write: bool) -> std::io::Result<Journal> {
        let path = dir.join(format!("{key}.jsonl"));
        let mut prior: HashMap<String, FileState> = HashMap::new();
        if load && let Ok(text) = std::fs::read_to_string(&path) {
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
            std::fs::create_dir_all(dir)?;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)?;
            let (tx, rx) = mpsc::channel::<String>();
            let writer = std::thread::Builder::new()
                .name("fastio-journal".into())
                .spawn(move || write_loop(file, rx))?;
            (Some(tx), Some(writer))
        } else {
            (None, None)
        };
        Ok(Journal {
            path,
            prior,
            tx,
            writer,
        })
    }

    /// A journal that neither reads nor writes.
    pub fn disabled() -> Journal {
        Journal {
            path: PathBuf::new(),
            prior: HashMap::new(),
            tx: None,
            writer: None,
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

    /// Flush and close. `clean`: the run finished with nothing left to do, so remove the file.
    pub fn finish(mut self, clean: bool) {
        self.tx.take();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        if clean && !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Write lines as they come; flush whenever the queue is momentarily empty, so a record is on
/// disk within moments of the event even when the process is killed later.
fn write_loop(file: std::fs::File, rx: mpsc::Receiver<String>) {
    let mut w = std::io::BufWriter::new(file);
    while let Ok(line) = rx.recv() {
        let _ = writeln!(w, "{line}");
        while let Ok(more) = rx.try_recv() {
            let _ = writeln!(w, "{more}");
        }
        let _ = w.flush();
    }
    let _ = w.flush();
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
}
