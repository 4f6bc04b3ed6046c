//! The upload index: what this machine last uploaded (or verified by hash) to each remote path
//! of one destination, so a rerun can skip an untouched file without reading it.
//!
//! One file per (workspace, destination) under the state directory
//! (`$XDG_STATE_HOME/fastio/index/<key>.idx`), one text line per file, appended in batches:
//!
//! ```text
//! <key> <fingerprint> <size> <mtime_ns> <file_id> <node_id> <remote_content> <sha256> <check>
//! ```
//!
//! (`sha256` is `=` when it is the remote content's digest; a line is about 190 bytes.)
//!
//! `key` is a hash of the local file's absolute path and its remote path; `fingerprint` a hash of
//! everything the skip rule compares: the local size, modification time and identity (device
//! and inode), and the remote node's id and content (its reported hash, else its version).
//! `check` is a hash of the rest of the line: a torn or edited line does not match it and is
//! ignored, never trusted. The rest of the line (node, hash sent) is for people reading it.
//!
//! Memory: a run keeps only `(key, fingerprint)` of each record, 16 bytes, sorted (a million
//! files: 16 MB). When the file holds more than twice as many lines as live records, it is
//! rewritten with the live ones when it is opened. Losing the file (or records not yet
//! written when a run is killed) only costs a hash of the files concerned on the next run.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::hash::Algo;
use super::plan::{self, PlannedFile};
use crate::api::Node;

/// Bytes of records kept before they are appended to the file.
const BATCH_BYTES: usize = 64 * 1024;

/// The index of one destination (see the module docs).
pub struct Index {
    /// `(key, fingerprint)`, sorted by key, the latest record of each key.
    entries: Vec<(u64, u64)>,
    /// Where this run's records go (`None`: nothing is written, e.g. a dry run).
    writer: Option<Mutex<Writer>>,
}

struct Writer {
    path: PathBuf,
    pending: String,
    /// A write failed: the rest of the run's records are dropped (they would only save hashing).
    broken: bool,
}

/// What the remote node holds, as the listing tells it: `sha256:<hex>` (its reported hash, in
/// its algorithm), else `v:<version>`; `None` when it reports neither (nothing to compare).
pub fn remote_content(node: &Node) -> Option<String> {
    if let (Some(hash), Some(algo)) = (&node.hash, &node.hash_algo) {
        let algo = match Algo::parse(algo) {
            Some(a) => a.label().to_ascii_lowercase().replace('-', ""),
            None => algo.to_ascii_lowercase(),
        };
        return Some(format!("{algo}:{}", hash.to_ascii_lowercase()));
    }
    node.version.as_ref().map(|v| format!("v:{v}"))
}

fn h64(parts: &[&[u8]]) -> u64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    u64::from_be_bytes(h.finalize()[..8].try_into().expect("8 bytes"))
}

/// The record key of a local file going to its remote path.
fn key_of(f: &PlannedFile) -> u64 {
    let abs = std::path::absolute(&f.local).unwrap_or_else(|_| f.local.clone());
    h64(&[plan::show(&abs).as_bytes(), f.remote_path().as_bytes()])
}

fn fingerprint(f: &PlannedFile, node_id: &str, content: &str) -> u64 {
    h64(&[
        &f.size.to_le_bytes(),
        &f.mtime_ns.to_le_bytes(),
        &f.file_id.to_le_bytes(),
        node_id.as_bytes(),
        content.as_bytes(),
    ])
}

/// A field of a record line: no whitespace inside (the line is split on it), never empty.
fn field(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    if s.is_empty() { "-".into() } else { s }
}

fn check_of(body: &str) -> String {
    hex::encode(&Sha256::digest(body.as_bytes())[..4])
}

/// `(key, fingerprint)` of a record line, when its check matches.
fn parse(line: &str) -> Option<(u64, u64)> {
    let line = line.trim_end_matches(['\n', '\r']);
    let (body, check) = line.rsplit_once(' ')?;
    if check_of(body) != check {
        return None;
    }
    let mut it = body.split(' ');
    let key = u64::from_str_radix(it.next()?, 16).ok()?;
    let fp = u64::from_str_radix(it.next()?, 16).ok()?;
    (it.count() == 6).then_some((key, fp))
}

impl Index {
    /// An index that knows nothing and records nothing.
    pub fn disabled() -> Index {
        Index {
            entries: Vec::new(),
            writer: None,
        }
    }

    /// Read `dir/<key>.idx` (missing: empty) unless `!read` (the run never asks: nothing is
    /// loaded); with `write`, this run's records are appended to it (and a file mostly made
    /// of stale lines is compacted first).
    pub fn open(dir: &Path, key: &str, read: bool, write: bool) -> std::io::Result<Index> {
        let path = dir.join(format!("{key}.idx"));
        let (entries, lines) = match std::fs::File::open(&path) {
            Ok(file) if read => load(file)?,
            Ok(_) => (Vec::new(), 0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), 0),
            Err(e) => return Err(e),
        };
        if write {
            std::fs::create_dir_all(dir)?;
            if lines > 2 * entries.len() + 1024 {
                compact(&path, &entries)?;
            }
        }
        Ok(Index {
            entries,
            writer: write.then(|| {
                Mutex::new(Writer {
                    path,
                    pending: String::new(),
                    broken: false,
                })
            }),
        })
    }

    /// `f` is as the index last saw it, and so is its remote twin `node`: same local size,
    /// modification time and identity, same node, same remote content.
    pub fn unchanged(&self, f: &PlannedFile, node: &Node) -> bool {
        let Some(content) = remote_content(node) else {
            return false;
        };
        let key = key_of(f);
        match self.entries.binary_search_by_key(&key, |e| e.0) {
            Ok(i) => self.entries[i].1 == fingerprint(f, &node.id, &content),
            Err(_) => false,
        }
    }

    /// Remember that `f` (as walked) is stored as `node_id` holding `content`
    /// ([`remote_content`]); `sha256` is the local digest sent or compared.
    pub fn record(&self, f: &PlannedFile, node_id: &str, content: &str, sha256: &str) {
        let Some(w) = &self.writer else { return };
        // The digest sent is usually the remote content's: written once.
        let sha256 = match content.strip_prefix("sha256:") {
            Some(h) if h.eq_ignore_ascii_case(sha256) => "=",
            _ => sha256,
        };
        let body = format!(
            "{:016x} {:016x} {} {} {:x} {} {} {}",
            key_of(f),
            fingerprint(f, node_id, content),
            f.size,
            f.mtime_ns,
            f.file_id,
            field(node_id),
            field(content),
            field(sha256),
        );
        let mut w = w.lock().unwrap();
        if w.broken {
            return;
        }
        let check = check_of(&body);
        w.pending.push_str(&body);
        w.pending.push(' ');
        w.pending.push_str(&check);
        w.pending.push('\n');
        if w.pending.len() >= BATCH_BYTES {
            w.flush();
        }
    }

    /// Append the records not written yet.
    pub fn flush(&self) {
        if let Some(w) = &self.writer {
            w.lock().unwrap().flush();
        }
    }
}

impl Drop for Index {
    fn drop(&mut self) {
        self.flush();
    }
}

impl Writer {
    fn flush(&mut self) {
        if self.pending.is_empty() || self.broken {
            return;
        }
        // One write of whole lines, appended: runs of other shards may append beside it.
        let r = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(self.pending.as_bytes()));
        if r.is_err() {
            self.broken = true;
        }
        self.pending.clear();
    }
}

/// The latest `(key, fingerprint)` of each key in `file`, sorted, and the number of lines.
fn load(file: std::fs::File) -> std::io::Result<(Vec<(u64, u64)>, usize)> {
    let len = file.metadata()?.len();
    // About 190 bytes a line: sized once, not doubled on the way.
    let mut entries: Vec<(u64, u64)> = Vec::with_capacity((len / 150).min(1 << 24) as usize);
    let mut r = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let mut lines = 0;
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        lines += 1;
        if let Ok(line) = std::str::from_utf8(&buf)
            && line.ends_with('\n')
            && let Some(e) = parse(line)
        {
            entries.push(e);
        }
    }
    // The latest record of a key wins: reversed, then a stable sort keeps it first.
    entries.reverse();
    entries.sort_by_key(|e| e.0);
    entries.dedup_by_key(|e| e.0);
    entries.shrink_to_fit();
    Ok((entries, lines))
}

/// Rewrite `path` with only the live record of each key (through a temporary file and a
/// rename, so a crash leaves the old file or the new one).
fn compact(path: &Path, entries: &[(u64, u64)]) -> std::io::Result<()> {
    let tmp = path.with_extension("idx.tmp");
    let mut kept = vec![false; entries.len()];
    {
        let r = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for line in r.split(b'\n') {
            let line = line?;
            let Ok(text) = std::str::from_utf8(&line) else {
                continue;
            };
            let Some((key, fp)) = parse(text) else {
                continue;
            };
            if let Ok(i) = entries.binary_search_by_key(&key, |e| e.0)
                && entries[i].1 == fp
                && !kept[i]
            {
                kept[i] = true;
                w.write_all(&line)?;
                w.write_all(b"\n")?;
            }
        }
        w.flush()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(local: &str, size: u64, mtime_ns: u64) -> PlannedFile {
        PlannedFile {
            local: PathBuf::from(local),
            remote_dir: "d".into(),
            name: "f".into(),
            size,
            mtime_ns,
            file_id: 7,
        }
    }

    fn node(id: &str, hash: &str) -> Node {
        Node {
            id: id.into(),
            name: "f".into(),
            kind: "file".into(),
            size: Some(3),
            hash: Some(hash.into()),
            hash_algo: Some("sha256".into()),
            ..Node::default()
        }
    }

    /// The skip rule's memory: the latest record wins, any change (local or remote) misses,
    /// torn and edited lines are ignored, and stale lines are compacted away.
    #[test]
    fn records_survive_and_torn_lines_are_never_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let f = file("/src/a", 3, 100);
        let n = node("n1", "AB");
        {
            let idx = Index::open(dir.path(), "k", true, true).unwrap();
            assert!(!idx.unchanged(&f, &n));
            idx.record(&f, "n1", &remote_content(&n).unwrap(), "ab");
        }
        let idx = Index::open(dir.path(), "k", true, false).unwrap();
        assert!(idx.unchanged(&f, &n));
        assert!(!idx.unchanged(&file("/src/a", 3, 101), &n), "mtime");
        assert!(!idx.unchanged(&f, &node("n1", "cd")), "remote content");
        assert!(!idx.unchanged(&f, &node("n2", "ab")), "another node");
        assert!(!idx.unchanged(&file("/src/b", 3, 100), &n), "another file");

        // A torn last line and an edited one: ignored; the earlier record still holds.
        let path = dir.path().join("k.idx");
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen(" 3 100 ", " 3 101 ", 1);
        let torn = &text[..text.len() - 5];
        std::fs::write(&path, format!("{text}{edited}{torn}")).unwrap();
        let idx = Index::open(dir.path(), "k", true, false).unwrap();
        assert!(idx.unchanged(&f, &n));
        assert!(!idx.unchanged(&file("/src/a", 3, 101), &n));

        // Many stale lines: compacted to one line per key when opened for writing.
        std::fs::write(&path, text.repeat(3000)).unwrap();
        let idx = Index::open(dir.path(), "k", true, true).unwrap();
        assert!(idx.unchanged(&f, &n));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
