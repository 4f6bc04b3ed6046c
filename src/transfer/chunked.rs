//! Large files: one chunked session each, chunk size derived from `/upload/limits/`
//! ([`Limits::chunk_size_for`]), up to three chunks in flight per session (the documented server
//! limit), each under the global budget.
//!
//! Each chunk is read twice with positional reads on the blocking pool: once to hash it (its
//! SHA-256 goes with it; the same pass feeds the whole file's), then again, piece by piece, as
//! its body is sent. Hashing the next chunk overlaps the sending of the previous ones, and no
//! chunk is ever held in memory whole: memory per request is one 256 KiB piece, whatever the
//! chunk size. After the last chunk the file is checked unchanged, the session completed, and
//! `stored` awaited with the details long-poll (pausing when the server answers at once, giving
//! up after `--assembly-timeout`); the stored node's size (and SHA-256, when reported) is
//! compared with ours, and the session is deleted in the background.
//!
//! Resume: the session id is journaled when opened; a rerun asks the server which chunks it has
//! (`session.chunks`) and sends only the others.

use std::collections::HashMap;
use std::fs::File;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use sha2::{Digest, Sha256};
use tokio::task::JoinSet;

use super::context::Context;
use super::generated::GeneratedData;
use super::limiter::Permit;
use super::plan::{PlannedFile, mtime_ns};
use super::{Event, FileError};
use crate::api::storage;
use crate::api::upload::{
    self, CHUNKS_IN_FLIGHT, ChunkSource, Limits, Session, Target, long_poll_secs, poll_pause,
};

pub struct Done {
    pub node_id: Option<String>,
    pub sha256: String,
    pub resumed: bool,
    /// The session that stored the file.
    pub upload_id: Option<String>,
}

fn io_err(f: &PlannedFile) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |source| FileError::Io {
        path: f.shown(),
        source,
    }
}

/// Hash `len` bytes at `offset` in pieces (never the whole chunk in memory): the chunk's
/// SHA-256, and the same bytes fed into `file_hash`.
fn hash_chunk(
    file: &File,
    offset: u64,
    len: u64,
    file_hash: &mut Sha256,
) -> std::io::Result<String> {
    const PIECE: u64 = 1 << 20;
    let mut chunk_hash = Sha256::new();
    let mut pos = offset;
    while pos < offset + len {
        let n = PIECE.min(offset + len - pos);
        let buf = upload::read_exact_at(file, n, pos)?;
        chunk_hash.update(&buf);
        file_hash.update(&buf);
        pos += n;
    }
    Ok(hex::encode(chunk_hash.finalize()))
}

/// Where a file's bytes come from: the local file, or generated (`fastio bench`).
#[derive(Clone)]
enum Local {
    File(Arc<File>),
    Generated(Arc<GeneratedData>),
}

impl Local {
    /// The SHA-256 of `len` bytes at `offset`, also fed into `file_hash`.
    fn hash_chunk(&self, offset: u64, len: u64, file_hash: &mut Sha256) -> std::io::Result<String> {
        match self {
            Local::File(file) => hash_chunk(file, offset, len, file_hash),
            Local::Generated(g) => {
                let mut chunk_hash = Sha256::new();
                g.hash_range(offset, len, &mut [&mut chunk_hash, file_hash]);
                Ok(hex::encode(chunk_hash.finalize()))
            }
        }
    }

    fn source(&self, offset: u64, len: u64) -> ChunkSource {
        match self {
            Local::File(file) => ChunkSource::File {
                file: file.clone(),
                offset,
                len,
            },
            Local::Generated(g) => ChunkSource::Pieces {
                source: g.clone(),
                offset,
                len,
            },
        }
    }
}

/// What an earlier run left on the server for this file.
enum Prior {
    None,
    /// Open session: these chunks are stored.
    Open(String, HashMap<u64, u64>),
    /// `complete` was already called: just wait.
    Completed(String),
}

async fn prior_session(e: &Context, f: &PlannedFile, chunk: u64) -> Prior {
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
    e: &Arc<Context>,
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
    let Some(mut chunk) = limits.chunk_size_for(f.size) else {
        return Err(FileError::Server(format!(
            "file is {} bytes: more than {} chunks of at most {} bytes",
            f.size, limits.chunks, limits.chunk_size
        )));
    };
    let exact = limits.chunk_size;
    let exact_fits = Limits::chunk_count(f.size, exact) <= limits.chunks;
    let mut assemblies = 0u32;
    loop {
        let err = match upload_with(e, id, f, folder_id, chunk).await {
            Err(err) => err,
            done => return done,
        };
        // A server that reads the chunk rule as "every chunk but the last is exactly
        // `chunk_size`" refuses a smaller uniform size: at a chunk, at `complete`, or in
        // assembly. Once more with exactly that. A session that failed in assembly or storage
        // is tried again in a new session, up to `--retries` times.
        let size_refused = matches!(&err, FileError::Api(a) if refuses_chunk_size(a));
        let assembly = matches!(&err, FileError::Assembly { .. });
        let switch = chunk != exact && exact_fits;
        if !(assembly || size_refused && switch) {
            return Err(err);
        }
        if assembly {
            if assemblies >= e.opts.retries {
                return Err(err);
            }
            assemblies += 1;
        }
        let (what, delay) = match switch {
            true => {
                chunk = exact;
                (
                    format!("chunks of exactly {exact} bytes"),
                    std::time::Duration::ZERO,
                )
            }
            false => (
                "upload in a new session".to_string(),
                crate::api::retry::backoff(assemblies),
            ),
        };
        e.counters.add_retry();
        e.events.emit(Event::Retry {
            what,
            attempt: assemblies.max(1),
            delay,
            error: err.to_string(),
            stalled: false,
        });
        e.retrier().sleep(delay).await?;
    }
}

/// A chunk, or `complete`, refused as invalid (400/406): the chunks' size, on a server with
/// the exact reading of the chunk rule.
fn refuses_chunk_size(err: &crate::api::ApiError) -> bool {
    matches!(err.status(), Some(400 | 406))
        && err
            .path()
            .is_some_and(|p| p.ends_with("/chunk/") || p.ends_with("/complete/"))
}

/// [`upload_file`] with a given chunk size.
async fn upload_with(
    e: &Arc<Context>,
    id: u64,
    f: &PlannedFile,
    folder_id: &str,
    chunk: u64,
) -> Result<Done, FileError> {
    let count = Limits::chunk_count(f.size, chunk);
    // Open sessions are capped for the whole life of a session; sending files only while
    // their chunks are in flight.
    let open = e.place(&e.sessions).await?;
    let sending = e.place(&e.senders).await?;
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
        local: f.shown(),
        size: f.size,
    });

    let sha256 = match send_chunks(e, id, f, &session_id, chunk, count, &present, completed).await {
        Ok(sha) => sha,
        // The local file is gone or changed, or the chunks were refused: this session can
        // never complete. Cancel it rather than leave its chunks on the server.
        Err(err @ (FileError::Changed(_) | FileError::Io { .. })) => {
            e.cleanup_session(session_id, open);
            return Err(err);
        }
        Err(FileError::Api(err)) if refuses_chunk_size(&err) => {
            e.cleanup_session(session_id, open);
            return Err(FileError::Api(err));
        }
        Err(err) => return Err(err),
    };
    // Every chunk is accepted: waiting for `stored` sends nothing.
    drop(sending);

    if !completed {
        match complete(e, &session_id).await {
            Ok(()) => {}
            // Refused for good: this session can never be stored.
            Err(FileError::Api(err)) if refuses_chunk_size(&err) => {
                e.cleanup_session(session_id, open);
                return Err(FileError::Api(err));
            }
            Err(err) => return Err(err),
        }
    }
    let session = wait_stored(e, &session_id).await?;
    let node_id = match session.new_file_id.clone() {
        Some(id) => id,
        // Stored without saying where: the file is in its folder under its name.
        None => find_stored(e, f, folder_id).await?,
    };
    verify(e, f, &session, &node_id, &sha256).await?;
    // Done with the session: delete it so long runs do not pile up open sessions against the
    // plan's cap. Best effort, off the critical path.
    let upload_id = Some(session_id.clone());
    e.cleanup_session(session_id, open);
    let node_id = Some(node_id);
    Ok(Done {
        node_id,
        sha256,
        resumed,
        upload_id,
    })
}

/// Read every chunk in order (hashing the file), sending the ones the server lacks, at most
/// [`CHUNKS_IN_FLIGHT`] at a time. Returns the file's SHA-256.
#[allow(clippy::too_many_arguments)]
async fn send_chunks(
    e: &Arc<Context>,
    id: u64,
    f: &PlannedFile,
    session_id: &str,
    chunk: u64,
    count: u64,
    present: &HashMap<u64, u64>,
    completed: bool,
) -> Result<String, FileError> {
    let local = match &e.generated {
        Some(p) => Local::Generated(p.file(&f.local, f.size)),
        None => Local::File(Arc::new(File::open(&f.local).map_err(io_err(f))?)),
    };
    let mut hasher = Sha256::new();
    let mut in_flight: JoinSet<Result<(), FileError>> = JoinSet::new();
    for order in 1..=count {
        let offset = (order - 1) * chunk;
        let len = chunk.min(f.size - offset);
        let skip = completed || present.get(&order) == Some(&len);
        // Hash this chunk while the previous ones are still sending.
        let src = local.clone();
        let (chunk_sha, h) = tokio::task::spawn_blocking(move || {
            src.hash_chunk(offset, len, &mut hasher)
                .map(|s| (s, hasher))
        })
        .await
        .map_err(|j| io_err(f)(std::io::Error::other(j)))?
        .map_err(io_err(f))?;
        hasher = h;
        if skip {
            e.events.emit(Event::Bytes { id, n: len });
            continue;
        }
        if e.cancel.stop.is_cancelled() {
            in_flight.abort_all();
            return Err(FileError::Cancelled);
        }
        while in_flight.len() >= CHUNKS_IN_FLIGHT as usize {
            join_one(&mut in_flight)
                .await
                .map_err(|err| local_cause(f, err))?;
        }
        let permit: Option<Permit> = Some(e.retrier().permit().await?);
        let (e2, sid) = (e.clone(), session_id.to_string());
        let source = local.source(offset, len);
        in_flight.spawn(async move {
            // Bytes count as they leave; a retried chunk takes back what its last try sent.
            let (meter, sent) = e2.meter(id);
            e2.retrier()
                .run_with("chunk", permit, false, || {
                    e2.rewind(id, sent.swap(0, Ordering::Relaxed));
                    crate::api::metered(
                        meter.clone(),
                        upload::upload_chunk(&e2.client, &sid, order, &source, &chunk_sha),
                    )
                })
                .await?;
            Ok(())
        });
    }
    while !in_flight.is_empty() {
        if let Err(err) = join_one(&mut in_flight).await {
            return Err(local_cause(f, err));
        }
    }
    if matches!(local, Local::Generated(_)) {
        return Ok(hex::encode(hasher.finalize()));
    }
    if let Some(err) = changed(f) {
        return Err(err);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Why the local file no longer is what the walk saw (gone, or another size or mtime).
fn changed(f: &PlannedFile) -> Option<FileError> {
    match std::fs::metadata(&f.local) {
        Err(e) => Some(io_err(f)(e)),
        Ok(meta) if meta.len() != f.size || mtime_ns(&meta) != f.mtime_ns => {
            Some(FileError::Changed(f.shown()))
        }
        Ok(_) => None,
    }
}

/// A chunk failed: when the local file changed meanwhile (a shrunk file breaks the body being
/// read), that is the cause, not the network; the session is then cancelled by the caller.
fn local_cause(f: &PlannedFile, err: FileError) -> FileError {
    match err {
        FileError::Cancelled => err,
        other => changed(f).unwrap_or(other),
    }
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
async fn complete(e: &Context, session_id: &str) -> Result<(), FileError> {
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
                Err(FileError::Api(err))
            } else {
                Ok(())
            }
        }
        Err(other) => Err(other),
    }
}

/// Long-poll the session until it is `stored` (or failed), at most `--assembly-timeout`.
async fn wait_stored(e: &Context, session_id: &str) -> Result<Session, FileError> {
    let started = Instant::now();
    let mut previous: Option<String> = None;
    let wait = long_poll_secs(e.client.options().stall_timeout);
    loop {
        let asked = Instant::now();
        let s = e
            .retrier()
            .run_with("session details", None, true, || {
                upload::session_details(&e.client, session_id, Some(wait))
            })
            .await?;
        if s.is_stored() {
            return Ok(s);
        }
        if s.is_failed() {
            return Err(FileError::Assembly {
                status: s.status.clone(),
                message: s
                    .status_message
                    .clone()
                    .unwrap_or_else(|| "no reason given".into()),
            });
        }
        if started.elapsed() >= e.opts.assembly_timeout {
            return Err(FileError::Server(format!(
                "upload session `{session_id}` is still `{}` after {} s (--assembly-timeout); \
                 the server did not finish storing the file",
                s.status,
                started.elapsed().as_secs()
            )));
        }
        let pause = poll_pause(asked.elapsed(), previous.as_deref(), &s.status);
        e.retrier().sleep(pause).await?;
        previous = Some(s.status);
    }
}

/// The node of a file stored without `new_file_id`: found by name in its folder.
async fn find_stored(e: &Context, f: &PlannedFile, folder_id: &str) -> Result<String, FileError> {
    let listing = e.list_fresh(folder_id).await?;
    listing
        .into_iter()
        .find(|n| n.is_file() && n.name == f.name)
        .map(|n| n.id)
        .ok_or_else(|| {
            FileError::Verify(format!(
                "stored without a node id, and `{}` is not in its folder",
                f.remote_path()
            ))
        })
}

/// Compare what the server stored with what we sent.
async fn verify(
    e: &Context,
    f: &PlannedFile,
    s: &Session,
    node_id: &str,
    sha256: &str,
) -> Result<(), FileError> {
    if let (Some(h), Some("sha256")) = (&s.hash, s.hash_algo.as_deref())
        && !h.eq_ignore_ascii_case(sha256)
    {
        return Err(FileError::Verify(format!(
            "server SHA-256 {h} differs from the local {sha256}"
        )));
    }
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
