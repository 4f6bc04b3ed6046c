//! The run's shared context: what every task of one upload run reads and reports through
//! (client, options, events, limiter, counters, folder cache, journal), and the bookkeeping
//! that gives each queued file exactly one outcome. The scheduler (`engine.rs`) and the
//! uploaders (`batch.rs`, `chunked.rs`) import it; it imports none of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{OnceCell, Semaphore};
use tokio::task::JoinSet;

use super::counters::Counters;
use super::generated::Pattern;
use super::journal::Journal;
use super::limiter::{Limiter, Retrier};
use super::plan::PlannedFile;
use super::{Cancel, Event, Events, Fatality, FileError, SkipMode, Summary, UploadOptions};
use crate::api::upload::{Limits, SINGLE_CALL_MAX_EXCLUSIVE};
use crate::api::{Client, Node, storage};

type Listing = Arc<OnceCell<Arc<HashMap<String, Node>>>>;

/// One remote folder path's answer: its id, or `None` in a dry run when it does not exist.
pub(super) type DirCell = Arc<OnceCell<Option<String>>>;

/// State shared by every task of one run.
pub struct Context {
    pub client: Client,
    pub opts: UploadOptions,
    pub events: Events,
    pub cancel: Cancel,
    pub limiter: Limiter,
    pub counters: Counters,
    pub(super) listings: Mutex<HashMap<String, Listing>>,
    /// Remote folder path → its id (see `dirs.rs`).
    pub(super) dirs: Mutex<HashMap<String, DirCell>>,
    pub limits: Limits,
    pub journal: Journal,
    /// Open chunked sessions at once.
    pub sessions: Arc<Semaphore>,
    pub(super) fatal: Mutex<Option<Fatality>>,
    /// Best-effort clean-up requests (session deletes) running beside the upload.
    pub(super) background: Mutex<JoinSet<()>>,
    /// Queued files without an outcome yet: id → (local, remote path). Whatever is left at the
    /// end was not started (or not finished): each ends in exactly one outcome.
    pub(super) outstanding: Mutex<HashMap<u64, (String, String)>>,
    /// Generated files (`fastio bench`): their bytes come from this pattern, not from disk.
    pub generated: Option<Pattern>,
}

/// When this many files in a row were refused with 403 before any succeeded, the run stops
/// (exit 3): the credential lacks a permission every file needs.
pub const FORBIDDEN_STOP: u64 = 5;

impl Context {
    pub fn retrier(&self) -> Retrier<'_> {
        Retrier {
            limiter: &self.limiter,
            retries: self.opts.retries,
            events: &self.events,
            cancel: &self.cancel,
            counters: &self.counters,
        }
    }

    /// The children of a folder, listed once per run (by folder id).
    pub async fn listing(&self, folder_id: &str) -> Result<Arc<HashMap<String, Node>>, FileError> {
        let cell = self
            .listings
            .lock()
            .unwrap()
            .entry(folder_id.to_string())
            .or_default()
            .clone();
        cell.get_or_try_init(|| async {
            let nodes = self.list_fresh(folder_id).await?;
            Ok::<_, FileError>(Arc::new(
                nodes.into_iter().map(|n| (n.name.clone(), n)).collect(),
            ))
        })
        .await
        .cloned()
    }

    /// A fresh listing (after a request that may have been applied).
    pub async fn list_fresh(&self, folder_id: &str) -> Result<Vec<Node>, FileError> {
        let ws = &self.opts.workspace_id;
        self.retrier()
            .run("list folder", || {
                storage::list_folder(&self.client, ws, folder_id)
            })
            .await
            .map_err(|e| self.in_folder(folder_id, e))
    }

    pub fn done(
        &self,
        id: u64,
        f: &PlannedFile,
        node_id: Option<String>,
        sha256: String,
        resumed: bool,
        upload_id: Option<String>,
    ) {
        if !self.settle(id) {
            return;
        }
        self.counters.uploaded.fetch_add(1, Ordering::Relaxed);
        self.counters.bytes.fetch_add(f.size, Ordering::Relaxed);
        // A `done` line only where the server cannot answer the rerun's question itself: under
        // `--if-changed size|hash` a small file already stored is found by the folder listing
        // (and hashed, for `hash`, in one read), so a million small files leave no million
        // lines; large files (their hashing is costly) and `--overwrite` runs are journaled.
        if self.opts.skip == SkipMode::Overwrite || f.size >= SINGLE_CALL_MAX_EXCLUSIVE {
            self.journal.record_done(&f.local, f.size, f.mtime_ns);
        }
        self.events.emit(Event::FileDone {
            id,
            local: f.shown(),
            remote_path: f.remote_path(),
            node_id,
            size: f.size,
            sha256,
            resumed,
            upload_id,
        });
    }

    /// Report a skipped file; `node_id` is its remote twin, `sha256` the local digest when the
    /// skip decision computed it.
    pub fn skipped(
        &self,
        id: u64,
        f: &PlannedFile,
        reason: &str,
        node_id: Option<String>,
        sha256: Option<String>,
    ) {
        if !self.settle(id) {
            return;
        }
        self.counters.skipped.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileSkipped {
            id,
            local: f.shown(),
            remote_path: f.remote_path(),
            size: f.size,
            reason: reason.to_string(),
            node_id,
            sha256,
        });
    }

    /// Report a failed file. An interruption is not a failure: the file is simply not done.
    pub fn failed(&self, id: Option<u64>, f: &PlannedFile, err: &FileError) {
        if matches!(err, FileError::Cancelled) {
            return;
        }
        if let Some(id) = id
            && !self.settle(id)
        {
            return;
        }
        if let Some(fatal) = err.fatality() {
            self.fatal.lock().unwrap().get_or_insert(fatal);
        }
        if err.stops_run() {
            self.stop_run(err.to_string());
        } else if err.is_forbidden() {
            let refused = self.counters.forbidden.fetch_add(1, Ordering::Relaxed) + 1;
            if refused >= FORBIDDEN_STOP && self.counters.uploaded.load(Ordering::Relaxed) == 0 {
                self.stop_run(format!(
                    "the first {refused} files were all refused permission (HTTP 403): the \
                     credential may not upload here ({err})"
                ));
            }
        }
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileFailed {
            id,
            local: f.shown(),
            remote_path: Some(f.remote_path()),
            error: err.to_string(),
        });
    }

    /// A queued file gets its outcome: `false` when it already had one (never counted twice).
    pub(super) fn settle(&self, id: u64) -> bool {
        self.outstanding.lock().unwrap().remove(&id).is_some()
    }

    /// A file the walk produced is now queued: it will get exactly one outcome.
    pub(super) fn queue(&self, id: u64, f: &PlannedFile) {
        self.counters.planned.fetch_add(1, Ordering::Relaxed);
        self.outstanding
            .lock()
            .unwrap()
            .insert(id, (f.shown(), f.remote_path()));
        self.events.emit(Event::FileQueued { id, size: f.size });
    }

    /// Report every queued file that got no outcome (interrupted, or the run stopped first).
    pub(super) fn report_not_started(&self) -> u64 {
        let mut left: Vec<(u64, (String, String))> =
            self.outstanding.lock().unwrap().drain().collect();
        left.sort_by_key(|(id, _)| *id);
        let n = left.len() as u64;
        for (id, (local, remote_path)) in left {
            self.events.emit(Event::FileNotStarted {
                id,
                local,
                remote_path,
            });
        }
        n
    }

    /// Stop starting work: every other file would fail the same way. Said once.
    pub(super) fn stop_run(&self, reason: String) {
        if !self.cancel.stop.is_cancelled() {
            self.cancel.stop.cancel();
            self.events.emit(Event::Stopped { reason });
        }
    }

    /// Delete an upload session in the background (best effort: after `stored` it only frees a
    /// slot of the plan's session cap; for a file that changed it drops chunks nobody will use).
    pub fn cleanup_session(&self, session_id: String) {
        let client = self.client.clone();
        self.background.lock().unwrap().spawn(async move {
            let _ = crate::api::upload::cancel_session(&client, &session_id).await;
        });
    }

    /// A 404 from a call into the workspace root means the workspace itself is missing (an
    /// all-digits `--workspace` is used as the id without a lookup, so this is where a wrong
    /// one shows).
    pub fn in_folder(&self, folder_id: &str, err: FileError) -> FileError {
        match &err {
            FileError::Api(api) if api.is_not_found() && folder_id == "root" => {
                FileError::WorkspaceMissing(self.opts.workspace_id.clone())
            }
            _ => err,
        }
    }

    pub(super) fn summary(&self, started: Instant, interrupted: bool, not_started: u64) -> Summary {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Summary {
            planned: get(&c.planned),
            uploaded: get(&c.uploaded),
            skipped: get(&c.skipped),
            failed: get(&c.failed),
            not_started,
            bytes: get(&c.bytes),
            bytes_sent: get(&c.bytes_sent),
            retries: get(&c.retries),
            // Every 429 the client received (also those retried below the scheduler).
            throttled: self.client.gates().throttled_count().max(get(&c.throttled)),
            folders_created: get(&c.folders),
            symlinks_skipped: get(&c.symlinks),
            special_skipped: get(&c.special),
            wall: started.elapsed(),
            bwlimit: self.client.bwlimit().map(|l| l.rate()),
            interrupted,
            signal: self.cancel.signal(),
            dry_run: self.opts.dry_run,
            fatal: *self.fatal.lock().unwrap(),
            shard: self.opts.shard,
            out_of_shard: get(&c.out_of_shard),
        }
    }
}
