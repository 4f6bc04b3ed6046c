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
use super::generated::{GeneratedFile, Pattern};
use super::journal::{self, Journal};
use super::limiter::{Limiter, Retrier};
use super::plan::{self, PlanItem, PlannedFile};
use super::{Cancel, Event, Events, Fatality, FileError, SkipMode, Summary, UploadOptions};
use crate::api::upload::{BATCH_NAME_MAX, Limits, SINGLE_CALL_MAX_EXCLUSIVE};
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
    special: AtomicU64,
    forbidden: AtomicU64,
    out_of_shard: AtomicU64,
    /// Files the walk produced (queued files and unreadable paths).
    planned: AtomicU64,
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
    /// Best-effort clean-up requests (session deletes) running beside the upload.
    background: Mutex<JoinSet<()>>,
    /// Queued files without an outcome yet: id → (local, remote path). Whatever is left at the
    /// end was not started (or not finished): each ends in exactly one outcome.
    outstanding: Mutex<HashMap<u64, (String, String)>>,
    /// Generated files (`fastio bench`): their bytes come from this pattern, not from disk.
    pub generated: Option<Pattern>,
}

/// When this many files in a row were refused with 403 before any succeeded, the run stops
/// (exit 3): the credential lacks a permission every file needs.
pub const FORBIDDEN_STOP: u64 = 5;

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

    /// A file the resume journal says an earlier run finished, when skip events must name the
    /// remote node: found in its folder's listing (one per folder), else sent again.
    async fn journal_done(
        self: Arc<Self>,
        id: u64,
        f: PlannedFile,
        batch_tx: mpsc::Sender<SmallFile>,
    ) {
        let twin = async {
            let Some(folder_id) = self.folder_for(&f).await? else {
                return Ok(None);
            };
            let listing = self.listing(&folder_id).await?;
            Ok::<_, FileError>(
                listing
                    .get(&f.name)
                    .filter(|n| n.is_file() && n.size == Some(f.size))
                    .map(|n| n.id.clone()),
            )
        }
        .await;
        match twin {
            Ok(Some(node)) => self.skipped(
                id,
                &f,
                "uploaded by an earlier run (resume journal)",
                Some(node),
                None,
            ),
            // Gone (or changed) remotely since: upload it again.
            Ok(None) => self.handle_file(id, f, batch_tx).await,
            Err(e) => self.failed(Some(id), &f, &e),
        }
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
    fn settle(&self, id: u64) -> bool {
        self.outstanding.lock().unwrap().remove(&id).is_some()
    }

    /// A file the walk produced is now queued: it will get exactly one outcome.
    fn queue(&self, id: u64, f: &PlannedFile) {
        self.counters.planned.fetch_add(1, Ordering::Relaxed);
        self.outstanding
            .lock()
            .unwrap()
            .insert(id, (f.shown(), f.remote_path()));
        self.events.emit(Event::FileQueued { id, size: f.size });
    }

    /// Report every queued file that got no outcome (interrupted, or the run stopped first).
    fn report_not_started(&self) -> u64 {
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
    fn stop_run(&self, reason: String) {
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

    /// Resolve (create, unless a dry run) the remote folder of `f`. `None`: dry run, missing.
    async fn folder_for(&self, f: &PlannedFile) -> Result<Option<String>, FileError> {
        if let Some(Some(id)) = self.folders.cached(&f.remote_dir) {
            return Ok(Some(id));
        }
        let r = self.retrier();
        let id = r
            .run("create folder", || self.folders.resolve(&f.remote_dir))
            .await
            .map_err(|e| match e {
                // The first missing segment is created in the root.
                FileError::Api(api) if api.is_not_found() => self.in_folder("root", api.into()),
                other => other,
            })?;
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
                            self.skipped(id, f, "same size remotely", Some(twin.id.clone()), None);
                            return Ok(());
                        }
                        SkipMode::Hash => {
                            // Compared with the algorithm the server reports for the node.
                            if let (Some(remote), Some(algo)) =
                                (&twin.hash, twin.hash_algo.as_deref().and_then(Algo::parse))
                            {
                                let local = hash_file_with(&f.local, algo).await?;
                                if local.eq_ignore_ascii_case(remote) {
                                    let why = format!("same size and {} remotely", algo.label());
                                    let sha = (algo == Algo::Sha256).then(|| local.clone());
                                    self.skipped(id, f, &why, Some(twin.id.clone()), sha);
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
            if !self.settle(id) {
                return Ok(());
            }
            self.counters.uploaded.fetch_add(1, Ordering::Relaxed);
            self.counters.bytes.fetch_add(f.size, Ordering::Relaxed);
            self.events.emit(Event::WouldUpload {
                id,
                local: f.shown(),
                remote_path: f.remote_path(),
                size: f.size,
            });
            return Ok(());
        }
        let folder_id = folder_id.unwrap_or_else(|| "root".into());
        // The batch endpoint truncates long names; such files go through a session, where the
        // name survives.
        if f.size < SINGLE_CALL_MAX_EXCLUSIVE && f.name.chars().count() <= BATCH_NAME_MAX {
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
        let r = chunked::upload_file(&self, id, f, &folder_id)
            .await
            .map_err(|e| self.in_folder(&folder_id, e));
        drop(permit);
        let done = r?;
        self.done(
            id,
            f,
            done.node_id,
            done.sha256,
            done.resumed,
            done.upload_id,
        );
        Ok(())
    }

    fn summary(&self, started: Instant, interrupted: bool, not_started: u64) -> Summary {
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

/// A digest algorithm a server may report for a node (`hash_algo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl Algo {
    pub fn parse(name: &str) -> Option<Algo> {
        match name.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" => Some(Algo::Sha256),
            "sha384" => Some(Algo::Sha384),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA-1",
            Algo::Sha256 => "SHA-256",
            Algo::Sha384 => "SHA-384",
        }
    }

    /// Lowercase hex digest of everything `r` yields.
    pub fn digest_reader(self, r: &mut impl std::io::Read) -> std::io::Result<String> {
        fn run<D: Digest + std::io::Write>(
            mut d: D,
            r: &mut impl std::io::Read,
        ) -> std::io::Result<String> {
            std::io::copy(r, &mut d)?;
            Ok(hex::encode(d.finalize()))
        }
        match self {
            Algo::Md5 => run(md5::Md5::new(), r),
            Algo::Sha1 => run(sha1::Sha1::new(), r),
            Algo::Sha256 => run(Sha256::new(), r),
            Algo::Sha384 => run(sha2::Sha384::new(), r),
        }
    }
}

/// The digest of a whole file with `algo` (lowercase hex), read on a blocking thread.
pub async fn hash_file_with(path: &Path, algo: Algo) -> Result<String, FileError> {
    let p = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(&p)?;
        algo.digest_reader(&mut f)
    })
    .await
    .map_err(|e| FileError::Io {
        path: plan::show(path),
        source: std::io::Error::other(e),
    })?
    .map_err(|source| FileError::Io {
        path: plan::show(path),
        source,
    })
}

/// What a run uploads.
enum Input {
    /// What `opts` names (paths, `--files-from`), walked.
    Walk,
    /// Generated files (`fastio bench`); `opts.paths` is ignored.
    Generated(Vec<GeneratedFile>, Pattern),
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
    run(client, opts, Input::Walk, events, cancel).await
}

/// [`upload`] for generated files (no local files; bytes from `pattern`), through the same
/// scheduler, batches and chunked sessions. The journal is not used.
pub async fn upload_generated(
    client: Client,
    mut opts: UploadOptions,
    files: Vec<GeneratedFile>,
    pattern: Pattern,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<Summary> {
    opts.resume = false;
    opts.paths.clear();
    opts.files_from = None;
    run(
        client,
        opts,
        Input::Generated(files, pattern),
        events,
        cancel,
    )
    .await
}

async fn run(
    client: Client,
    opts: UploadOptions,
    input: Input,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    // The engine retries under its own budget (and reports each retry): no retries below it.
    let client = client.with_retries(0);
    let limiter = Limiter::new(opts.concurrency);
    let journal = open_journal(&opts, &events)?;
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
                return Err(anyhow::Error::new(api).context(format!(
                    "reading the upload limits from {}",
                    client.origin()
                )));
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
        background: Mutex::new(JoinSet::new()),
        outstanding: Mutex::new(HashMap::new()),
        generated: match &input {
            Input::Walk => None,
            Input::Generated(_, p) => Some(p.clone()),
        },
        opts,
    });

    let (mut rx, walker) = match input {
        Input::Walk => {
            let (rx, walker) =
                plan::spawn_walk(engine.opts.clone(), 256).map_err(super::RunError::BadInput)?;
            (rx, Some(walker))
        }
        Input::Generated(files, _) => {
            let (tx, rx) = mpsc::channel(256);
            tokio::spawn(async move {
                for g in files {
                    let f = PlannedFile {
                        local: g.local(),
                        remote_dir: g.remote_dir,
                        name: g.name,
                        size: g.size,
                        mtime_ns: 0,
                    };
                    if tx.send(PlanItem::File(f)).await.is_err() {
                        break;
                    }
                }
            });
            (rx, None)
        }
    };
    let (batch_tx, batch_rx) = mpsc::channel::<SmallFile>(256);
    let batcher = tokio::spawn(batch::run(engine.clone(), batch_rx));
    let file_slots = Arc::new(Semaphore::new(engine.opts.concurrency * 4 + 16));
    let mut tasks = JoinSet::new();
    let mut next_id = 0u64;
    let dest = engine.opts.dest_clean();
    // Remote path → the local file that goes there (the first one). A second local file with
    // the same remote path fails instead of silently replacing the first one's content; the
    // same file listed again is skipped. Within one directory argument remote paths cannot
    // repeat (names are unique and carried exactly), so the table is kept only when there are
    // several sources or a `--files-from` list.
    let sources = engine.opts.paths.len() + usize::from(engine.opts.files_from.is_some());
    let mut claimed: Option<HashMap<u64, Box<str>>> =
        (sources > 1 || engine.opts.files_from.is_some()).then(HashMap::new);
    loop {
        let item = tokio::select! {
            biased;
            _ = cancel.stop.cancelled() => break,
            item = rx.recv() => item,
        };
        let Some(item) = item else { break };
        match item {
            PlanItem::Error { path, error } => {
                engine.counters.planned.fetch_add(1, Ordering::Relaxed);
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
                    local: plan::show(&p),
                });
            }
            PlanItem::Special { path, kind } => {
                engine.counters.special.fetch_add(1, Ordering::Relaxed);
                events.emit(Event::SpecialSkipped {
                    local: plan::show(&path),
                    kind: kind.to_string(),
                });
            }
            PlanItem::File(f) => {
                if let Some(shard) = engine.opts.shard
                    && !shard.contains(super::shard::key(&f.remote_path(), &dest))
                {
                    engine.counters.out_of_shard.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                next_id += 1;
                let id = next_id;
                engine.queue(id, &f);
                if let Some(claimed) = &mut claimed {
                    let remote = f.remote_path();
                    let local = plan::show(&std::path::absolute(&f.local).unwrap_or_default());
                    match claimed.entry(remote_key(&remote)) {
                        std::collections::hash_map::Entry::Occupied(first) => {
                            if **first.get() == *local {
                                engine.skipped(
                                    id,
                                    &f,
                                    "listed more than once in this run",
                                    None,
                                    None,
                                );
                            } else {
                                let first = first.get().to_string();
                                engine.failed(
                                    Some(id),
                                    &f,
                                    &FileError::Collision { remote, first },
                                );
                            }
                            continue;
                        }
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(local.into_boxed_str());
                        }
                    }
                }
                let journal_done =
                    engine.journal.is_done(&f.local, f.size, f.mtime_ns) && !engine.opts.dry_run;
                if journal_done && !engine.opts.skipped_node_ids {
                    let why = "uploaded by an earlier run (resume journal)";
                    engine.skipped(id, &f, why, None, None);
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
                    if journal_done {
                        e.journal_done(id, f, tx).await;
                    } else {
                        e.handle_file(id, f, tx).await;
                    }
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
    if let Some(walker) = walker
        && !cancel.stop.is_cancelled()
    {
        let _ = tokio::task::spawn_blocking(move || walker.join()).await;
    }
    // Otherwise the walk may be blocked reading `--files-from -`: leave it; it ends with the
    // process, and stops by itself at its next file (the channel is closed).

    // Let the session clean-ups finish (they are quick; bounded so a dead server cannot hold
    // the run open; after a second interrupt, barely at all).
    let mut background = std::mem::take(&mut *engine.background.lock().unwrap());
    let bound = if cancel.abort.is_cancelled() { 2 } else { 10 };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(bound), async {
        while background.join_next().await.is_some() {}
    })
    .await;
    background.abort_all();

    let not_started = engine.report_not_started();
    let interrupted = cancel.signal().is_some()
        || (cancel.stop.is_cancelled() && engine.fatal.lock().unwrap().is_none());
    let summary = engine.summary(started, interrupted, not_started);
    let engine = Arc::into_inner(engine);
    if let Some(engine) = engine {
        let clean = summary.failed == 0 && !summary.interrupted && summary.fatal.is_none();
        engine.journal.finish(clean);
    }
    events.emit(Event::Summary(summary.clone()));
    Ok(summary)
}

/// The key of a remote path in the run's claim table.
fn remote_key(remote: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    remote.hash(&mut h);
    h.finish()
}

/// Open and lock the run's journal. Another run of the same job holding it is a run-level error
/// (nothing is sent); a journal that cannot be used at all is one warning, and the run goes on
/// without resume. `--no-resume` still takes the lock (it loads and writes nothing).
fn open_journal(opts: &UploadOptions, events: &Events) -> anyhow::Result<Journal> {
    if opts.dry_run {
        return Ok(Journal::disabled());
    }
    let warn = |message: String| {
        if opts.resume {
            events.emit(Event::Warning { message });
        }
    };
    let Some(dir) = opts.journal_dir.clone() else {
        warn("resume is off for this run: there is no state directory (set XDG_STATE_HOME)".into());
        return Ok(Journal::disabled());
    };
    let mut sources: Vec<String> = opts
        .paths
        .iter()
        .map(|p| {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let mut s = plan::show(&abs);
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
            plan::show(&std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        )),
        None => {}
    }
    // Shards of one tree are separate runs: they must not share (or remove) one journal.
    if let Some(shard) = opts.shard {
        sources.push(format!("shard:{shard}"));
    }
    let key = journal::key(
        &sources,
        &opts.workspace_id,
        &opts.dest_clean(),
        &opts.api_base,
    );
    let on_error: journal::OnWriteError = {
        let events = events.clone();
        Box::new(move |path, e| {
            events.emit(Event::Warning {
                message: format!(
                    "resume is off for the rest of this run: the journal `{}` cannot be written \
                     ({e})",
                    plan::show(path)
                ),
            })
        })
    };
    match Journal::open_with(&dir, &key, opts.resume, opts.resume, on_error) {
        Ok(j) => Ok(j),
        Err(journal::OpenError::Busy(path)) => {
            Err(super::RunError::AlreadyRunning(plan::show(&path).to_string()).into())
        }
        Err(journal::OpenError::Io(e)) => {
            warn(format!(
                "resume is off for this run: cannot open a journal in `{}` ({e})",
                plan::show(&dir)
            ));
            Ok(Journal::disabled())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule 16: `--if-changed hash` can compare with each algorithm a node may report.
    #[test]
    fn digests_in_every_reported_algorithm() {
        let cases = [
            ("md5", "900150983cd24fb0d6963f7d28e17f72"),
            ("SHA1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                "sha-256",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                "sha384",
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
        ];
        for (name, want) in cases {
            let algo = Algo::parse(name).unwrap();
            assert_eq!(
                algo.digest_reader(&mut &b"abc"[..]).unwrap(),
                want,
                "{name}"
            );
        }
        assert_eq!(Algo::parse("crc32"), None);
    }
}
