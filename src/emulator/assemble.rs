//! Chunked sessions are assembled while their chunks arrive, so `complete` → `stored` costs
//! only the chunks that came last rather than a second pass over the whole file.
//!
//! Each session keeps a running prefix: chunks `1..next` already appended, in order, to
//! `assembled` in the session's folder, with the SHA-256 of those bytes. After a chunk is stored
//! the prefix is extended (on a blocking thread, off the chunk's answer) as far as the chunks
//! are contiguous. Each appended chunk file's identity (inode and size) is remembered: a chunk
//! re-sent after it was appended is a new file, so at `complete` the prefix is used only if
//! every chunk file is still the one appended; otherwise (and after any error) assembly falls
//! back to one full pass, as before.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

const FILE: &str = "assembled";

#[derive(Default)]
struct Prefix {
    /// The next chunk order to append (0 = nothing appended yet; orders start at 1).
    next: u32,
    size: u64,
    sha: Sha256,
    out: Option<std::fs::File>,
    broken: bool,
    /// Identity of each appended chunk file, by order − 1.
    appended: Vec<(u64, u64)>,
}

/// What identifies one chunk file: its inode (where there are inodes) and size.
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(m);
    #[cfg(not(unix))]
    let ino = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (ino, m.len())
}

/// The running prefix of one session.
#[derive(Default)]
pub struct Assembler(Mutex<Prefix>);

impl Assembler {
    /// Append every chunk file `dir/{next}`, `dir/{next+1}`, … among `stored` (the session's
    /// orders) to the prefix, in order. Blocking.
    pub fn extend(&self, dir: &Path, stored: &[u32]) {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(_e) = extend_locked(&mut p, dir, stored) {
            p.broken = true;
            p.out = None;
        }
    }

    /// Finish the assembly of a session whose chunks are `orders` (sorted): the assembled file
    /// (moved to `dest`), its size and SHA-256. `None` when the prefix cannot be used (broken,
    /// or orders not `1..=n`): assemble in one full pass instead. Blocking.
    pub fn finish(
        &self,
        dir: &Path,
        orders: &[u32],
        dest: &Path,
    ) -> Option<std::io::Result<(u64, String)>> {
        let contiguous = orders.iter().enumerate().all(|(i, o)| *o == i as u32 + 1);
        if !contiguous {
            return None;
        }
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if p.broken {
            return None;
        }
        if let Err(e) = extend_locked(&mut p, dir, orders) {
            p.broken = true;
            p.out = None;
            return Some(Err(e));
        }
        if p.next as usize != orders.len() + 1 {
            return None;
        }
        // Every chunk file must still be the one appended (a re-sent chunk is a new file).
        for (i, want) in p.appended.iter().enumerate() {
            match std::fs::metadata(dir.join((i + 1).to_string())) {
                Ok(m) if identity(&m) == *want => {}
                _ => return None,
            }
        }
        let mut out = p.out.take()?;
        let r = (|| {
            out.flush()?;
            drop(out);
            std::fs::rename(dir.join(FILE), dest)?;
            Ok((p.size, hex::encode(std::mem::take(&mut p.sha).finalize())))
        })();
        p.broken = true;
        Some(r)
    }
}

fn extend_locked(p: &mut Prefix, dir: &Path, stored: &[u32]) -> std::io::Result<()> {
    if p.broken {
        return Ok(());
    }
    if p.next == 0 {
        p.next = 1;
    }
    let mut buf: Option<Vec<u8>> = None;
    while stored.binary_search(&p.next).is_ok() {
        let path: PathBuf = dir.join(p.next.to_string());
        let mut f = match std::fs::File::open(&path) {
            Ok(f) => f,
            // Not renamed into place yet: the next extension picks it up.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let id = identity(&f.metadata()?);
        if p.out.is_none() {
            p.out = Some(std::fs::File::create(dir.join(FILE))?);
        }
        let out = p.out.as_mut().expect("just set");
        let buf = buf.get_or_insert_with(|| vec![0u8; 1 << 20]);
        loop {
            let n = f.read(buf)?;
            if n == 0 {
                break;
            }
            p.sha.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            p.size += n as u64;
        }
        p.appended.push(id);
        p.next += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_follows_contiguous_chunks_and_breaks_on_a_resent_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (o, b) in [(1u32, &b"aaa"[..]), (2, b"bb"), (3, b"c")] {
            std::fs::write(d.join(o.to_string()), b).unwrap();
        }
        let a = Assembler::default();
        a.extend(d, &[2]); // 1 not stored yet: nothing appended
        a.extend(d, &[1, 2]);
        let dest = d.join("out");
        let (size, sha) = a.finish(d, &[1, 2, 3], &dest).unwrap().unwrap();
        assert_eq!(size, 6);
        assert_eq!(sha, hex::encode(Sha256::digest(b"aaabbc")));
        assert_eq!(std::fs::read(&dest).unwrap(), b"aaabbc");

        // Chunk 2 re-sent after it was appended: a new file, so the prefix is not used.
        let b = Assembler::default();
        b.extend(d, &[1, 2]);
        std::fs::write(d.join("2.new"), b"BB").unwrap();
        std::fs::rename(d.join("2.new"), d.join("2")).unwrap();
        assert!(b.finish(d, &[1, 2, 3], &dest).is_none());
        let c = Assembler::default();
        assert!(c.finish(d, &[1, 3], &dest).is_none(), "a gap");
    }
}
