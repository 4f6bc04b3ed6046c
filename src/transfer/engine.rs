//! The scheduler: takes planned files from the walk as they come, resolves their remote folder
//! (created once), checks the remote twin (one listing per folder), and routes each file to the
//! batcher (< 4,194,304 bytes) or to a chunked session. Every HTTP request goes through one
//! [`Limiter`]; large files additionally share a bounded number of open sessions.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore, mpsc};
use tokio::task::JoinSet;

use super::batch::{self, SmallFile};
use super::chunked;
use super::journal::{self, Journal};
use super::limiter::{Limiter, Retrier};
use super::plan::{self, PlanItem, PlannedFile};
use super::{Cancel, Event, Events, Fatality, FileError, SkipMode, Summary, UploadOptions};
use crate::api::upload::{Limits, SINGLE_CALL_MAX_EXCLUSIVE};
use crate::api::{Client, FolderResolver, Node, storage};

/// Run-wide counters behind the summary.
#[derive(Debug, Default)]
pub struct Counters {
    uploaded: AtomicU64,
    skipped: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
    bytes_sent: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    folders: AtomicU64,
    symlinks: AtomicU64,
}

impl Counters {
    pub fn add_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
    pub fn add_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }
    pub fn add_sent(&self, n: u64) {
        self.bytes_sent.fetch_add(n, Ordering::Relaxed);
    }
}

type Listing = Arc<OnceCell<Arc<HashMap<String, Node>>>>;

/// State shared by every task of one run.
pub struct Engine {
    pub client: Client,
    pub opts: UploadOptions,
    pub events: Events,
    pub cancel: Cancel,
    pub limiter: Limiter,
    pub counters: Counters,
    pub folders: FolderResolver,
    listings: Mutex<HashMap<String, Listing>>,
    missing_dirs: Mutex<HashSet<String>>,
    pub limits: Limits,
    pub journal: Journal,
    /// Open chunked sessions at once.
    pub sessions: Arc<Semaphore>,
    fatal: Mutex<Option<Fatality>>,
}

impl Engine {
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
    }

    pub fn done(
        &self,
        id: u64,
        f: &PlannedFile,
        node_id: Option<String>,
        sha256: String,
        resumed: bool,
    ) {
        self.counters.uploaded.fetch_add(1, Ordering::Relaxed);
        self.counters.bytes.fetch_add(f.size, Ordering::Relaxed);
        self.journal.record_done(&f.local, f.size, f.mtime_ns);
        self.events.emit(Event::FileDone {
            id,
            local: f.local.display().to_string(),
            remote_path: f.remote_path(),
            node_id,
            size: f.size,
            sha256,
            resumed,
        });
    }

    pub fn skipped(&self, id: u64, f: &PlannedFile, reason: &str) {
        self.counters.skipped.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileSkipped {
            id,
            local: f.local.display().to_string(),
            remote_path: f.remote_path(),
            size: f.size,
            reason: reason.to_string(),
        });
    }

    /// Report a failed file. An interruption is not a failure: the file is simply not done.
    pub fn failed(&self, id: Option<u64>, f: &PlannedFile, err: &FileError) {
        if matches!(err, FileError::Cancelled) {
            return;
        }
        if let Some(fatal) = err.fatality() {
            let mut g = self.fatal.lock().unwrap();
            g.get_or_insert(fatal);
            if fatal == Fatality::Auth {
                // Every other file would fail the same way.
                self.cancel.stop.cancel();
            }
        }
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileFailed {
            id,
            local: f.local.display().to_string(),
            remote_path: Some(f.remote_path()),
            error: err.to_string(),
        });
    }

    /// Resolve (create, unless a dry run) the remote folder of `f`. `None`: dry run, missing.
    async fn folder_for(&self, f: &PlannedFile) -> Result<Option<String>, FileError> {
        if let Some(Some(id)) = self.folders.cached(&f.remote_dir) {
            return Ok(Some(id));
        }
        let r = self.retrier();
        let id = r
            .run("create folder", || self.folders.resolve(&f.remote_dir))
            .await?;
        if id.is_none()
            && self
                .missing_dirs
                .lock()
                .unwrap()
                .insert(f.remote_dir.clone())
        {
            self.counters.folders.fetch_add(1, Ordering::Relaxed);
            self.events.emit(Event::FolderCreated {
                remote_path: f.remote_dir.clone(),
            });
        }
        Ok(id)
    }

    /// One planned file: folder, skip check, then batch or chunked session.
    async fn handle_file(
        self: Arc<Self>,
        id: u64,
        f: PlannedFile,
        batch_tx: mpsc::Sender<SmallFile>,
    ) {
        if let Err(e) = self.clone().handle_file_inner(id, &f, batch_tx).await {
            self.failed(Some(id), &f, &e);
        }
    }

    async fn handle_file_inner(
        self: Arc<Self>,
        id: u64,
        f: &PlannedFile,
        batch_tx: mpsc::Sender<SmallFile>,
    ) -> Result<(), FileError> {
        let folder_id = self.folder_for(f).await?;
        if let Some(folder_id) = &folder_id
            && (self.opts.skip != SkipMode::Overwrite)
        {
            let listing = self.listing(folder_id).await?;
            if let Some(twin) = listing.get(&f.name) {
                if twin.is_folder() {
                    return Err(FileError::Server(format!(
                        "a folder named `{}` already exists there",
                        f.remote_path()
                    )));
                }
                if twin.size == Some(f.size) {
                    match self.opts.skip {
                        SkipMode::Size => {
                            self.skipped(id, f, "same size remotely");
                            return Ok(());
                        }
                        SkipMode::Hash => {
                            if let Some(remote) = twin.sha256() {
                                let local = hash_file(&f.local).await?;
                                if local == remote {
                                    self.skipped(id, f, "same size and SHA-256 remotely");
                                    return Ok(());
                                }
                            }
                        }
                        SkipMode::Overwrite => {}
                    }
                }
            }
        }
        if self.opts.dry_run {
            self.counters.uploaded.fetch_add(1, Ordering::Relaxed);
            self.counters.bytes.fetch_add(f.size, Ordering::Relaxed);
            self.events.emit(Event::WouldUpload {
                id,
                local: f.local.display().to_string(),
                remote_path: f.remote_path(),
                size: f.size,
            });
            return Ok(());
        }
        let folder_id = folder_id.unwrap_or_else(|| "root".into());
        if f.size < SINGLE_CALL_MAX_EXCLUSIVE {
            let small = SmallFile {
                id,
                file: f.clone(),
                folder_id,
            };
            if batch_tx.send(small).await.is_err() {
                return Err(FileError::Cancelled);
            }
            return Ok(());
        }
        let permit = tokio::select! {
            p = self.sessions.clone().acquire_owned() => p.map_err(|_| FileError::Cancelled)?,
            _ = self.cancel.stop.cancelled() => return Err(FileError::Cancelled),
        };
        let r = chunked::upload_file(&self, id, f, &folder_id).await;
        drop(permit);
        let done = r?;
        self.done(id, f, done.node_id, done.sha256, done.resumed);
        Ok(())
    }

    fn summary(&self, started: Instant, interrupted: bool) -> Summary {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Summary {
            uploaded: get(&c.uploaded),
            skipped: get(&c.skipped),
            failed: get(&c.failed),
            bytes: get(&c.bytes),
            bytes_sent: get(&c.bytes_sent),
            retries: get(&c.retries),
            // Every 429 the client received (also those retried below the scheduler).
            throttled: self.client.gate().throttled_count().max(get(&c.throttled)),
            folders_created: get(&c.folders),
            symlinks_skipped: get(&c.symlinks),
            wall: started.elapsed(),
            interrupted,
            dry_run: self.opts.dry_run,
            fatal: *self.fatal.lock().unwrap(),
        }
    }
}

/// SHA-256 of a whole file (lowercase hex), read on a blocking thread.
pub async fn hash_file(path: &Path) -> Result<String, FileError> {
    let p = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(&p)?;
        let mut h = Sha256::new();
        std::io::copy(&mut f, &mut h)?;
        Ok::<_, std::io::Error>(hex::encode(h.finalize()))
    })
    .await
    .map_err(|e| FileError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })?
    .map_err(|source| FileError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Upload everything `opts` names. Progress and outcomes go to `events` (the last one is
/// [`Event::Summary`]); the same summary is returned. Errors here are run-level (bad filter,
/// limits unreachable); per-file problems are events.
pub async fn upload(
    client: Client,
    opts: UploadOptions,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let limiter = Limiter::new(opts.concurrency);
    let journal = open_journal(&opts);
    let counters = Counters::default();
    let limits = {
        let r = Retrier {
            limiter: &limiter,
            retries: opts.retries,
            events: &events,
            cancel: &cancel,
            counters: &counters,
        };
        match r
            .run("upload limits", || crate::api::upload::limits(&client))
            .await
        {
            Ok(l) => l,
            // A server without the endpoint: the documented free-plan values.
            Err(FileError::Api(api)) if api.is_not_found() => Limits::default(),
            Err(FileError::Api(api)) => {
                return Err(anyhow::Error::new(api).context("reading the upload limits"));
            }
            Err(other) => return Err(anyhow::Error::new(other)),
        }
    };
    let max_sessions = (opts.concurrency / 2)
        .max(1)
        .min(limits.sessions.unwrap_or(u64::MAX).max(1) as usize);
    let engine = Arc::new(Engine {
        folders: FolderResolver::new(client.clone(), opts.workspace_id.clone(), !opts.dry_run),
        client,
        events: events.clone(),
        cancel: cancel.clone(),
        limiter,
        counters,
        listings: Mutex::new(HashMap::new()),
        missing_dirs: Mutex::new(HashSet::new()),
        limits,
        journal,
        sessions: Arc::new(Semaphore::new(max_sessions)),
        fatal: Mutex::new(None),
        opts,
    });

    let (mut rx, walker) =
        plan::spawn_walk(engine.opts.clone(), 256).map_err(crate::exit::Fatal::usage)?;
    let (batch_tx, batch_rx) = mpsc::channel::<SmallFile>(256);
    let batcher = tokio::spawn(batch::run(engine.clone(), batch_rx));
    let file_slots = Arc::new(Semaphore::new(engine.opts.concurrency * 4 + 16));
    let mut tasks = JoinSet::new();
    let mut next_id = 0u64;
    loop {
        let item = tokio::select! {
            biased;
            _ = cancel.stop.cancelled() => break,
            item = rx.recv() => item,
        };
        let Some(item) = item else { break };
        match item {
            PlanItem::Error { path, error } => {
                engine.counters.failed.fetch_add(1, Ordering::Relaxed);
                events.emit(Event::FileFailed {
                    id: None,
                    local: path,
                    remote_path: None,
                    error,
                });
            }
            PlanItem::Symlink(p) => {
                engine.counters.symlinks.fetch_add(1, Ordering::Relaxed);
                events.emit(Event::SymlinkSkipped {
                    local: p.display().to_string(),
                });
            }
            PlanItem::File(f) => {
                next_id += 1;
                let id = next_id;
                events.emit(Event::FileQueued { id, size: f.size });
                if engine.journal.is_done(&f.local, f.size, f.mtime_ns) && !engine.opts.dry_run {
                    engine.skipped(id, &f, "uploaded by an earlier run (resume journal)");
                    continue;
                }
                let slot = tokio::select! {
                    biased;
                    _ = cancel.stop.cancelled() => break,
                    s = file_slots.clone().acquire_owned() => s.expect("semaphore open"),
                };
                let e = engine.clone();
                let tx = batch_tx.clone();
                tasks.spawn(async move {
                    e.handle_file(id, f, tx).await;
                    drop(slot);
                });
                while tasks.try_join_next().is_some() {}
            }
        }
    }
    drop(rx);
    events.emit(Event::WalkDone);
    drop(batch_tx);
    while tasks.join_next().await.is_some() {}
    let _ = batcher.await;
    if !cancel.stop.is_cancelled() {
        let _ = tokio::task::spawn_blocking(move || walker.join()).await;
    }
    // Otherwise the walk may be blocked reading `--files-from -`: leave it; it ends with the
    // process, and stops by itself at its next file (the channel is closed).

    let interrupted = cancel.stop.is_cancelled() && engine.fatal.lock().unwrap().is_none();
    let summary = engine.summary(started, interrupted);
    let engine = Arc::into_inner(engine);
    if let Some(engine) = engine {
        let clean = summary.failed == 0 && !summary.interrupted && summary.fatal.is_none();
        engine.journal.finish(clean);
    }
    events.emit(Event::Summary(summary.clone()));
    Ok(summary)
}

fn open_journal(opts: &UploadOptions) -> Journal {
    if !opts.resume || opts.dry_run {
        return Journal::disabled();
    }
    let Some(dir) = opts.journal_dir.clone().or_else(journal::default_dir) else {
        return Journal::disabled();
    };
    let mut sources: Vec<String> = opts
        .paths
        .iter()
        .map(|p| {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let mut s = abs.to_string_lossy().into_owned();
            if p.to_string_lossy().ends_with('/') && !s.ends_with('/') {
                s.push('/');
            }
            s
        })
        .collect();
    match &opts.files_from {
        Some(super::FilesFrom::Stdin) => sources.push("files-from:-".into()),
        Some(super::FilesFrom::File(p)) => sources.push(format!(
            "files-from:{}",
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
        )),
        None => {}
    }
    let key = journal::key(
        &sources,
        &opts.workspace_id,
        &opts.dest_clean(),
        &opts.api_base,
    );
    Journal::open(&dir, &key, true, true).unwrap_or_else(|_| Journal::disabled())
}
