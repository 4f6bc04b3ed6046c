//! Hashing ([`Hasher`]) and spooling multipart parts to temp files without buffering them
//! ([`spool_part`], [`read_upload_form`]).

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};

use sha2::{Digest, Sha256, Sha384};

use crate::emulator::multipart::{MultipartReader, TEXT_MAX};
use crate::emulator::wire::ApiErr;

/// A digest in progress for one of the verifiable algorithms.
pub enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    /// `None` for algorithms the emulator accepts but cannot verify (md5, sha1); an error for
    /// unknown names.
    pub fn for_algo(algo: &str) -> Result<Option<Hasher>, ApiErr> {
        match algo.to_ascii_lowercase().as_str() {
            "sha256" => Ok(Some(Hasher::Sha256(Sha256::new()))),
            "sha384" => Ok(Some(Hasher::Sha384(Sha384::new()))),
            "md5" | "sha1" => Ok(None),
            _ => Err(ApiErr::invalid(
                "hash_algo",
                "must be md5, sha1, sha256 or sha384",
            )),
        }
    }

    pub fn is_sha256(&self) -> bool {
        matches!(self, Hasher::Sha256(_))
    }

    pub fn update(&mut self, b: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha384(h) => h.update(b),
        }
    }

    pub fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
        }
    }
}

/// Bytes written to a temp file by [`spool_part`].
pub struct Spooled {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: Option<String>,
}

/// Stream the current multipart part to `path` without buffering the whole body: received
/// pieces are gathered (no copy) up to 4 MiB and written, and optionally hashed with SHA-256,
/// on a blocking thread in the same pass. Refuses (413) more than `max` bytes the moment the
/// part passes it.
pub async fn spool_part(
    mp: &mut MultipartReader,
    path: &FsPath,
    max: u64,
    hash: bool,
) -> Result<Spooled, ApiErr> {
    const BATCH: usize = 4 << 20;
    let mut size = 0u64;
    let result: Result<Sink, ApiErr> = async {
        let mut sink: Option<Sink> = None;
        let mut pending: Vec<bytes::Bytes> = Vec::new();
        let mut pending_len = 0usize;
        while let Some(bytes) = mp.chunk().await? {
            size += bytes.len() as u64;
            if size > max {
                return Err(ApiErr::too_large(format!(
                    "part is larger than the {max}-byte limit"
                )));
            }
            pending_len += bytes.len();
            pending.push(bytes);
            if pending_len >= BATCH {
                sink = Some(write_batch(sink, path, hash, std::mem::take(&mut pending)).await?);
                pending_len = 0;
            }
        }
        write_batch(sink, path, hash, pending).await
    }
    .await;
    match result {
        Ok(s) => Ok(Spooled {
            path: path.to_path_buf(),
            size,
            sha256: s.hasher.map(|h| hex::encode(h.finalize())),
        }),
        Err(e) => {
            let p = path.to_path_buf();
            let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(p)).await;
            Err(e)
        }
    }
}

/// An open spool file and its running digest.
struct Sink {
    file: std::fs::File,
    hasher: Option<Sha256>,
}

/// Write (and hash) a batch of received pieces on a blocking thread; creates the file first.
async fn write_batch(
    sink: Option<Sink>,
    path: &FsPath,
    hash: bool,
    bufs: Vec<bytes::Bytes>,
) -> Result<Sink, ApiErr> {
    use std::io::Write as _;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<Sink> {
        let mut sink = match sink {
            Some(s) => s,
            None => Sink {
                file: std::fs::File::create(&path)?,
                hasher: hash.then(Sha256::new),
            },
        };
        for b in &bufs {
            if let Some(h) = sink.hasher.as_mut() {
                h.update(b);
            }
            sink.file.write_all(b)?;
        }
        Ok(sink)
    })
    .await
    .map_err(|_| ApiErr::internal("write task failed"))?
    .map_err(ApiErr::io)
}

/// Hash a file on disk (blocking).
pub(super) fn hash_file(path: &FsPath, mut h: Hasher) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// Read an upload's multipart body: text parts into a map (each at most [`TEXT_MAX`] bytes),
/// and the one data part (`chunk`, or `file`) spooled to `tmp` (at most `max` bytes, hashed
/// when `hash`). On error `tmp` is gone.
pub(super) async fn read_upload_form(
    mp: &mut MultipartReader,
    tmp: &FsPath,
    max: u64,
    hash: bool,
) -> Result<(HashMap<String, String>, Option<Spooled>), ApiErr> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut spooled: Option<Spooled> = None;
    let result: Result<(), ApiErr> = async {
        while let Some(part) = mp.next_part().await? {
            if part.name == "chunk" || part.name == "file" {
                if spooled.is_some() {
                    return Err(ApiErr::invalid("chunk", "sent more than once"));
                }
                spooled = Some(spool_part(mp, tmp, max, hash).await?);
            } else {
                let v = mp.text(&part.name, TEXT_MAX).await?;
                fields.insert(part.name, v);
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok((fields, spooled)),
        Err(e) => {
            remove_quietly(tmp);
            Err(e)
        }
    }
}

/// Remove a temporary file that may not exist.
pub(super) fn remove_quietly(p: &FsPath) {
    let _ = std::fs::remove_file(p);
}
