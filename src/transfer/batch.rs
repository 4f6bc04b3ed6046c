//! Small files (< 4,194,304 bytes) travel in `/upload/batch/` requests: packed in the order they
//! come, whatever their folders, to at most 200 files and [`BATCH_BYTES`] of content, each entry
//! naming its folder as `relative_path` under the workspace root (the server creates what is
//! missing); several batches in flight, each request under the global budget.
//!
//! A batch is not idempotent (a resent batch would add a version of every file). So after a
//! failure that may have reached the server (timeout, reset, 5xx), the folder is listed and files
//! already there with the right size (and SHA-256, when the server reports one) count as done;
//! only the others are resent. Entries the server refused individually are retried alone unless
//! the refusal is final (validation, limits, locks, permissions).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::context::Context;
use super::limiter::{Next, backoff};
use super::plan::{PlannedFile, mtime_ns};
use super::remote::relative_path;
use super::{Event, FileError};
use crate::api::Node;
use crate::api::upload::{BATCH_MAX_FILES, BatchFile, BatchOutcome, Target, upload_batch};

/// Content bytes per batch request at most. Batches are read into memory just before they are
/// sent, at most `concurrency + 2` at a time, so this bounds their memory.
pub const BATCH_BYTES: u64 = 8 << 20;
/// A partial batch is sent after this long without a new small file.
const IDLE_FLUSH: Duration = Duration::from_millis(40);

/// A small file on its way to a batch. Its folder goes with it as `relative_path` (from the
/// workspace root), so one batch fills across folders and the server builds the tree.
#[derive(Debug)]
pub struct SmallFile {
    pub id: u64,
    pub file: PlannedFile,
}

/// Error codes that mean "do not try this file again".
fn is_final(code: i64) -> bool {
    matches!(
        code,
        1605 | 1607
            | 1609
            | 1650
            | 1656
            | 1658
            | 1669
            | 1670
            | 1677
            | 1680
            | 1685
            | 1688
            | 1695
            | 1696
    )
}

/// Collect small files from `rx` into batches (whatever their folders) and send them until
/// `rx` closes.
pub async fn run(engine: Arc<Context>, mut rx: mpsc::Receiver<SmallFile>) {
    let mut pending: Vec<SmallFile> = Vec::new();
    let mut pending_bytes = 0u64;
    let in_flight = Arc::new(Semaphore::new(engine.opts.concurrency + 2));
    let mut tasks = JoinSet::new();
    loop {
        let msg = if pending.is_empty() {
            Ok(rx.recv().await)
        } else {
            tokio::time::timeout(IDLE_FLUSH, rx.recv()).await
        };
        let closed = matches!(msg, Ok(None));
        if let Ok(Some(sf)) = msg {
            pending_bytes += sf.file.size;
            pending.push(sf);
            if pending.len() < BATCH_MAX_FILES && pending_bytes < BATCH_BYTES {
                continue;
            }
        }
        if !pending.is_empty() && !engine.cancel.stop.is_cancelled() {
            let files = std::mem::take(&mut pending);
            pending_bytes = 0;
            let permit = tokio::select! {
                p = in_flight.clone().acquire_owned() => Some(p.expect("semaphore open")),
                _ = engine.cancel.stop.cancelled() => None,
            };
            if let Some(permit) = permit {
                let e = engine.clone();
                tasks.spawn(async move {
                    send_batch(&e, files).await;
                    drop(permit);
                });
            }
        }
        while tasks.try_join_next().is_some() {}
        if closed {
            break;
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// A small file read into memory, hashed, and checked unchanged since the walk.
fn read_small(f: &PlannedFile) -> Result<(Bytes, String), FileError> {
    let io = |source| FileError::Io {
        path: f.shown(),
        source,
    };
    let data = std::fs::read(&f.local).map_err(io)?;
    let meta = std::fs::metadata(&f.local).map_err(io)?;
    if data.len() as u64 != f.size || meta.len() != f.size || mtime_ns(&meta) != f.mtime_ns {
        return Err(FileError::Changed(f.shown()));
    }
    let sha = hex::encode(Sha256::digest(&data));
    Ok((Bytes::from(data), sha))
}

struct Entry {
    sf: SmallFile,
    data: Bytes,
    sha256: String,
    attempts: u32,
    /// The upload id the batch result gave this file.
    upload_id: Option<String>,
}

async fn send_batch(engine: &Context, files: Vec<SmallFile>) {
    super::fault::batch(files.iter().map(|sf| sf.file.name.as_str()));
    // Read on the blocking pool; should that task die, every file of the batch is reported
    // failed (none silently dropped).
    let planned: Vec<(u64, PlannedFile)> =
        files.iter().map(|sf| (sf.id, sf.file.clone())).collect();
    let generated = engine.generated.clone();
    let read = match tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|sf| {
                let r = match &generated {
                    Some(p) => {
                        let data = p.file(&sf.file.local, sf.file.size).bytes();
                        let sha = hex::encode(Sha256::digest(&data));
                        Ok((data, sha))
                    }
                    None => read_small(&sf.file),
                };
                (sf, r)
            })
            .collect::<Vec<_>>()
    })
    .await
    {
        Ok(read) => read,
        Err(join) => {
            for (id, f) in &planned {
                let err = FileError::Io {
                    path: f.local.display().to_string(),
                    source: std::io::Error::other(format!("reading the batch failed: {join}")),
                };
                engine.failed(Some(*id), f, &err);
            }
            return;
        }
    };
    let mut entries = Vec::new();
    for (sf, r) in read {
        match r {
            Ok((data, sha256)) => entries.push(Entry {
                sf,
                data,
                sha256,
                attempts: 0,
                upload_id: None,
            }),
            Err(e) => engine.failed(Some(sf.id), &sf.file, &e),
        }
    }
    let retrier = engine.retrier();
    let (mut transient, mut throttles) = (0u32, super::limiter::Throttles::default());
    let mut need_ids: Vec<(Entry, Option<String>)> = Vec::new();
    while !entries.is_empty() {
        let wire: Vec<BatchFile> = entries
            .iter()
            .map(|e| BatchFile {
                filename: e.sf.file.name.clone(),
                relative_path: relative_path(&e.sf.file.remote_dir),
                data: e.data.clone(),
                sha256: e.sha256.clone(),
            })
            .collect();
        let target = Target {
            workspace_id: &engine.opts.workspace_id,
            folder_id: "root",
        };
        let (meter, sent) = engine.meter(0);
        let r = match retrier
            .once_unless_stopped(crate::api::metered(
                meter,
                upload_batch(&engine.client, &target, &wire),
            ))
            .await
        {
            Ok(r) => r,
            Err(_) => return, // aborted or stopped: these files are simply not done
        };
        drop(wire);
        // What this try sent counts for the files it stored; the rest goes again.
        let stored: u64 = match &r {
            Ok(outcomes) => entries
                .iter()
                .zip(outcomes)
                .filter(|(_, o)| matches!(o, BatchOutcome::Ok { .. }))
                .map(|(e, _)| e.sf.file.size)
                .sum(),
            Err(_) => 0,
        };
        let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
        engine.rewind(0, sent.saturating_sub(stored));
        match r {
            Ok(outcomes) => {
                let mut again = Vec::new();
                let mut final_err = None;
                for (mut e, o) in entries.into_iter().zip(outcomes) {
                    match o {
                        BatchOutcome::Ok {
                            node_id,
                            filename,
                            upload_id,
                        } => {
                            e.upload_id = upload_id;
                            // The server's name for the file is what it is stored (and found
                            // by later runs) under.
                            if let Some(name) = filename.filter(|n| *n != e.sf.file.name) {
                                e.sf.file.name = name;
                            }
                            need_ids.push((e, node_id));
                        }
                        BatchOutcome::Failed { code, message } => {
                            e.attempts += 1;
                            if is_final(code) || e.attempts > engine.opts.retries {
                                let msg = if code != 0 {
                                    format!("{message} (code {code})")
                                } else {
                                    message
                                };
                                engine.failed(Some(e.sf.id), &e.sf.file, &FileError::Server(msg));
                            } else {
                                final_err.get_or_insert(message);
                                again.push(e);
                            }
                        }
                    }
                }
                entries = again;
                if let Some(msg) = final_err {
                    let attempt = entries.iter().map(|e| e.attempts).max().unwrap_or(1);
                    let delay = backoff(attempt);
                    engine.counters.add_retry();
                    engine.events.emit(Event::Retry {
                        what: format!("{} batch entries", entries.len()),
                        attempt,
                        delay,
                        error: msg,
                        stalled: false,
                    });
                    if retrier.sleep(delay).await.is_err() {
                        return;
                    }
                }
            }
            Err(err) => {
                match retrier.after_error("batch upload", &err, &mut transient, &mut throttles) {
                    Next::Again(delay) => {
                        if err.may_have_been_applied() && !err.is_rate_limited() {
                            entries = match settle_applied(engine, entries).await {
                                Some(rest) => rest,
                                None => return,
                            };
                        }
                        if retrier.sleep(delay).await.is_err() {
                            return;
                        }
                    }
                    Next::GiveUp => {
                        let e = engine.in_folder("root", FileError::Api(err));
                        for entry in &entries {
                            engine.failed(Some(entry.sf.id), &entry.sf.file, &e);
                        }
                        return;
                    }
                }
            }
        }
    }
    finish_done(engine, need_ids).await;
}

/// The current listing of every folder the entries go to, by folder path (a folder that is
/// not there yet has none); `Err` when one cannot be read.
async fn listings_of(
    engine: &Context,
    dirs: Vec<String>,
) -> Result<HashMap<String, Vec<Node>>, FileError> {
    let mut out = HashMap::new();
    for dir in dirs {
        if out.contains_key(&dir) {
            continue;
        }
        let nodes = match engine.dir_id_now(&dir).await? {
            Some(id) => engine.list_fresh(&id).await?,
            None => Vec::new(),
        };
        out.insert(dir, nodes);
    }
    Ok(out)
}

/// After a failure that may have been applied: files already in their folder with the right
/// size (and hash when reported) are done; return the rest. `None` when aborted.
async fn settle_applied(engine: &Context, entries: Vec<Entry>) -> Option<Vec<Entry>> {
    let dirs: Vec<String> = entries
        .iter()
        .map(|e| e.sf.file.remote_dir.clone())
        .collect();
    let listings = match listings_of(engine, dirs).await {
        Ok(l) => l,
        Err(FileError::Cancelled) => return None,
        // Cannot check: better a failed file than a duplicate version.
        Err(e) => {
            for entry in &entries {
                engine.failed(Some(entry.sf.id), &entry.sf.file, &e);
            }
            return Some(Vec::new());
        }
    };
    let mut rest = Vec::new();
    for e in entries {
        let f = &e.sf.file;
        let twin = listings[&f.remote_dir]
            .iter()
            .find(|n| n.name == f.name)
            .filter(|n| {
                n.is_file() && n.size == Some(f.size) && n.sha256().is_none_or(|h| h == e.sha256)
            });
        if let Some(node) = twin {
            let node = node.id.clone();
            // Its bytes did arrive (the try that sent them was taken back).
            engine.counters.add_sent(f.size);
            engine.events.emit(Event::Bytes { id: 0, n: f.size });
            engine.mark_created(&f.remote_dir);
            engine.done(e.sf.id, f, Some(node), e.sha256, false, None);
        } else {
            rest.push(e);
        }
    }
    Some(rest)
}

/// Report stored files; node ids the batch response left out are looked up with one listing
/// per folder.
async fn finish_done(engine: &Context, done: Vec<(Entry, Option<String>)>) {
    if done.is_empty() {
        return;
    }
    let missing = done
        .iter()
        .filter(|(_, id)| id.is_none())
        .map(|(e, _)| e.sf.file.remote_dir.clone())
        .collect();
    let lookup = listings_of(engine, missing).await.unwrap_or_default();
    for (e, id) in done {
        let f = &e.sf.file;
        let id = id.or_else(|| {
            lookup
                .get(&f.remote_dir)?
                .iter()
                .find(|n| n.name == f.name && n.is_file())
                .map(|n| n.id.clone())
        });
        engine.mark_created(&f.remote_dir);
        engine.done(e.sf.id, f, id, e.sha256, false, e.upload_id);
    }
}
