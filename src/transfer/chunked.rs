//! Large files: one chunked session each, chunk size derived from `/upload/limits/`, up to three
//! chunks in flight per session (the documented server limit), each under the global budget.
//!
//! Chunks are read in order with positional reads on a blocking thread; the same pass computes
//! each chunk's SHA-256 (sent with the chunk) and the whole file's. A permit is taken *before* a
//! chunk is read, so memory is about (requests in flight) × (chunk size). After the last chunk
//! the file is checked unchanged, the session completed, and `stored` awaited with the details
//! long-poll; the stored node's size (and SHA-256, when reported) is compared with ours.
//!
//! Resume: the session id is journaled when opened; a rerun asks the server which chunks it has
//! (`session.chunks`) and sends only the others.

use std::collections::HashMap;
use std::fs::File;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;

use super::engine::Engine;
use super::limiter::Permit;
use super::plan::{PlannedFile, mtime_ns};
use super::{Event, FileError};
use crate::api::storage;
use crate::api::upload::{self, Limits, Session, Target};

/// Chunk requests in flight per session at most.
pub const CHUNKS_IN_FLIGHT: usize = 3;
/// Seconds per details long-poll.
const WAIT_SECS: u64 = 30;

pub struct Done {
    pub node_id: Option<String>,
    pub sha256: String,
    pub resumed: bool,
}

fn io_err(f: &PlannedFile) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |source| FileError::Io {
        path: f.local.display().to_string(),
        source,
    }
}

/// Read `len` bytes at `offset`; hash them into `file_hash`; return the bytes and their SHA-256.
fn read_chunk(
    file: &File,
    offset: u64,
    len: usize,
    file_hash: &mut Sha256,
) -> std::io::Result<(Bytes, String)> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        let n = read_at(file, &mut buf[filled..], offset + filled as u64)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "file shrank while being read",
            ));
        }
        filled += n;
    }
    file_hash.update(&buf);
    let sha = hex::encode(Sha256::digest(&buf));
    Ok((Bytes::from(buf), sha))
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// What an earlier run left on the server for this file.
enum Prior {
    None,
    /// Open session: these chunks are stored.
    Open(String, HashMap<u64, u64>),
    /// `complete` was already called: just wait.
    Completed(String),
}

async fn prior_session(e: &Engine, f: &PlannedFile, chunk: u64) -> Prior {
    let Some(open) = e.journal.open_session(&f.local, f.size, f.mtime_ns) else {
        return Prior::None;
    };
    if open.chunk != chunk {
        return Prior::None;
    }
    let r = e
        .retrier()
        .run("session details", || {
            upload::session_details(&e.client, &open.id, None)
        })
        .await;
    match r {
        Ok(s) if matches!(s.status.as_str(), "ready" | "uploading" | "") => {
            Prior::Open(open.id, s.chunks)
        }
        Ok(s) if s.is_failed() => Prior::None,
        Ok(_) => Prior::Completed(open.id),
        Err(_) => Prior::None,
    }
}

/// Upload one large file through a chunked session.
pub async fn upload_file(
    e: &Arc<Engine>,
    id: u64,
    f: &PlannedFile,
    folder_id: &str,
) -> Result<Done, FileError> {
    let limits = e.limits;
    if let Some(max) = limits.size
        && f.size > max
    {
        return Err(FileError::Server(format!(
            "file is {} bytes; the account's limit is {max} bytes",
            f.size
        )));
    }
    let chunk = limits.chunk_size_for(f.size);
    let count = Limits::chunk_count(f.size, chunk);
    if count > limits.chunks {
        return Err(FileError::Server(format!(
            "file is {} bytes: more than {} chunks of at most {} bytes",
            f.size, limits.chunks, limits.chunk_size
        )));
    }
    let (session_id, present, completed) = match prior_session(e, f, chunk).await {
        Prior::Open(sid, present) => (sid, present, false),
        Prior::Completed(sid) => (sid, HashMap::new(), true),
        Prior::None => {
            let target = Target {
                workspace_id: &e.opts.workspace_id,
                folder_id,
            };
            let sid = e
                .retrier()
                .run("open session", || {
                    upload::create_session(&e.client, &target, &f.name, f.size)
                })
                .await?;
            e.journal
                .record_open(&f.local, f.size, f.mtime_ns, &sid, chunk);
            (sid, HashMap::new(), false)
        }
    };
    let resumed = completed || !present.is_empty();
    e.events.emit(Event::FileStarted {
        id,
        local: f.local.display().to_string(),
        size: f.size,
    });

    let sha256 = send_chunks(e, id, f, &session_id, chunk, count, &present, completed).await?;

    if !completed {
        complete(e, &session_id).await?;
    }
    let session = wait_stored(e, &session_id).await?;
    let node_id = session.new_file_id.clone();
    verify(e, f, &session, &sha256).await?;
    Ok(Done {
        node_id,
        sha256,
        resumed,
    })
}

/// Read every chunk in order (hashing the file), sending the ones the server lacks, at most
/// [`CHUNKS_IN_FLIGHT`] at a time. Returns the file's SHA-256.
#[allow(clippy::too_many_arguments)]
async fn send_chunks(
    e: &Arc<Engine>,
    id: u64,
    f: &PlannedFile,
    session_id: &str,
    chunk: u64,
    count: u64,
    present: &HashMap<u64, u64>,
    completed: bool,
) -> Result<String, FileError> {
    let file = Arc::new(File::open(&f.local).map_err(io_err(f))?);
    let mut hasher = Sha256::new();
    let mut in_flight: JoinSet<Result<(), FileError>> = JoinSet::new();
    for order in 1..=count {
        let offset = (order - 1) * chunk;
        let len = chunk.min(f.size - offset) as usize;
        let skip = completed || present.get(&order) == Some(&(len as u64));
        let permit: Option<Permit> = if skip {
            None
        } else {
            if e.cancel.stop.is_cancelled() {
                in_flight.abort_all();
                return Err(FileError::Cancelled);
            }
            while in_flight.len() >= CHUNKS_IN_FLIGHT {
                join_one(&mut in_flight).await?;
            }
            Some(e.retrier().permit().await?)
        };
        let fh = file.clone();
        let (data, chunk_sha, h) = tokio::task::spawn_blocking(move || {
            read_chunk(&fh, offset, len, &mut hasher).map(|(d, s)| (d, s, hasher))
        })
        .await
        .map_err(|j| io_err(f)(std::io::Error::other(j)))?
        .map_err(io_err(f))?;
        hasher = h;
        if skip {
            e.events.emit(Event::Bytes { id, n: len as u64 });
            continue;
        }
        let (e2, sid) = (e.clone(), session_id.to_string());
        in_flight.spawn(async move {
            let n = data.len() as u64;
            e2.retrier()
                .run_with("chunk", permit, false, || {
                    upload::upload_chunk(&e2.client, &sid, order, data.clone(), &chunk_sha)
                })
                .await?;
            e2.counters.add_sent(n);
            e2.events.emit(Event::Bytes { id, n });
            Ok(())
        });
    }
    while !in_flight.is_empty() {
        join_one(&mut in_flight).await?;
    }
    let meta = std::fs::metadata(&f.local).map_err(io_err(f))?;
    if meta.len() != f.size || mtime_ns(&meta) != f.mtime_ns {
        let _ = upload::cancel_session(&e.client, session_id).await;
        return Err(FileError::Changed(f.local.display().to_string()));
    }
    Ok(hex::encode(hasher.finalize()))
}

async fn join_one(set: &mut JoinSet<Result<(), FileError>>) -> Result<(), FileError> {
    match set.join_next().await {
        Some(Ok(Ok(()))) | None => Ok(()),
        Some(Ok(Err(err))) => {
            set.abort_all();
            Err(err)
        }
        Some(Err(join)) => {
            set.abort_all();
            Err(FileError::Server(format!("chunk task failed: {join}")))
        }
    }
}

/// `complete`, retried; a refusal after an earlier attempt may mean that attempt went through,
/// so the session's state decides.
async fn complete(e: &Engine, session_id: &str) -> Result<(), FileError> {
    let r = e
        .retrier()
        .run("complete", || {
            upload::complete_session(&e.client, session_id)
        })
        .await;
    match r {
        Ok(()) => Ok(()),
        Err(FileError::Api(err)) if !err.is_auth() => {
            let s = e
                .retrier()
                .run("session details", || {
                    upload::session_details(&e.client, session_id, None)
                })
                .await?;
            if matches!(s.status.as_str(), "ready" | "uploading" | "") || s.is_failed() {
                Err(FileError::Server(err.to_string()))
            } else {
                Ok(())
            }
        }
        Err(other) => Err(other),
    }
}

/// Long-poll the session until it is `stored` (or failed).
async fn wait_stored(e: &Engine, session_id: &str) -> Result<Session, FileError> {
    loop {
        let s = e
            .retrier()
            .run_with("session details", None, true, || {
                upload::session_details(&e.client, session_id, Some(WAIT_SECS))
            })
            .await?;
        if s.is_stored() {
            return Ok(s);
        }
        if s.is_failed() {
            return Err(FileError::Server(format!(
                "{}: {}",
                s.status,
                s.status_message.as_deref().unwrap_or("no reason given")
            )));
        }
    }
}

/// Compare what the server stored with what we sent.
async fn verify(e: &Engine, f: &PlannedFile, s: &Session, sha256: &str) -> Result<(), FileError> {
    if let (Some(h), Some("sha256")) = (&s.hash, s.hash_algo.as_deref())
        && !h.eq_ignore_ascii_case(sha256)
    {
        return Err(FileError::Verify(format!(
            "server SHA-256 {h} differs from the local {sha256}"
        )));
    }
    let Some(node_id) = &s.new_file_id else {
        return Err(FileError::Verify("stored without a node id".into()));
    };
    let node = e
        .retrier()
        .run("node details", || {
            storage::node_details(&e.client, &e.opts.workspace_id, node_id)
        })
        .await?;
    if node.size.is_some_and(|n| n != f.size) {
        return Err(FileError::Verify(format!(
            "stored size {} differs from the local {}",
            node.size.unwrap_or(0),
            f.size
        )));
    }
    if let Some(remote) = node.sha256()
        && remote != sha256
    {
        return Err(FileError::Verify(format!(
            "stored SHA-256 {remote} differs from the local {sha256}"
        )));
    }
    Ok(())
}
