//! The scheduler: takes planned files from the walk as they come, resolves their remote folder
//! (created once), checks the remote twin (one listing per folder), and routes each file to the
//! batcher (< 4,194,304 bytes) or to a chunked session. Every HTTP request goes through one
//! [`Limiter`]; large files additionally share a bounded number of open sessions.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::batch::{self, SmallFile};
use super::chunked;
use super::context::Context;
use super::counters::Counters;
use super::generated::{GeneratedFile, Pattern};
use super::journal::{self, Journal};
use super::limiter::{Limiter, Retrier};
use super::mirror::Twins;
use super::plan::{self, PlanItem, PlannedFile};
use super::remote::{Dir, RemoteTree, in_the_way, remote_key};
use super::{Cancel, Event, Events, FileError, SkipMode, Summary, UploadOptions};
use crate::api::Client;
use crate::api::error::WorkspaceError;
use crate::api::upload::{BATCH_NAME_MAX, Limits, SINGLE_CALL_MAX_EXCLUSIVE, TargetLimits};

impl Context {
    /// A file the resume journal says an earlier run finished, when skip events must name the
    /// remote node: found in its folder's listing (one per folder), else sent again.
    async fn journal_done(
        self: Arc<Self>,
        id: u64,
        f: PlannedFile,
        batch_tx: mpsc::Sender<SmallFile>,
    ) {
        let twin = async {
            let Dir::Exists(folder_id) = self.dir_state(&f.remote_dir).await? else {
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
        super::fault::file_task(&f.name);
        // A folder that is missing (or that this run creates) holds nothing to compare with:
        // it is not listed.
        let reason = match self.dir_state(&f.remote_dir).await? {
            Dir::Blocked { path } => return Err(in_the_way(&path)),
            Dir::Exists(folder_id) if self.opts.skip != SkipMode::Overwrite => {
                match self.skip_for_twin(id, f, &folder_id).await? {
                    None => return Ok(()),
                    Some(why) => why,
                }
            }
            Dir::Exists(_) => "--overwrite".to_string(),
            Dir::Missing => "its remote folder does not exist yet".to_string(),
        };
        if self.opts.dry_run {
            if !self.settle(id) {
                return Ok(());
            }
            self.mark_created(&f.remote_dir);
            self.counters.uploaded.fetch_add(1, Ordering::Relaxed);
            self.counters.bytes.fetch_add(f.size, Ordering::Relaxed);
            self.events.emit(Event::WouldUpload {
                id,
                local: f.shown(),
                remote_path: f.remote_path(),
                size: f.size,
                reason,
            });
            return Ok(());
        }
        // Small files go by batch, each with its folder as `relative_path`: the server builds
        // the tree. The batch endpoint truncates long names; such files go through a session,
        // where the name survives.
        if f.size < SINGLE_CALL_MAX_EXCLUSIVE && f.name.chars().count() <= BATCH_NAME_MAX {
            let small = SmallFile {
                id,
                file: f.clone(),
            };
            if batch_tx.send(small).await.is_err() {
                return Err(FileError::Cancelled);
            }
            return Ok(());
        }
        let folder_id = self.ensure_dir(&f.remote_dir).await?;
        let done = chunked::upload_file(&self, id, f, &folder_id)
            .await
            .map_err(|e| self.in_folder(&folder_id, e))?;
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
}

/// Open upload sessions at once when the server states no cap.
const DEFAULT_SESSIONS: usize = 64;

/// Files between the walk and their outcome (waiting for their folder's state, hashing, on
/// their way to a batch): enough that every folder of a wide tree is looked at at once.
const FILES_IN_PROGRESS: usize = 4096;

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
    // The engine retries under its own budget (and reports each retry and 429): none below it.
    let client = client.with_retries(0).without_throttle_waits();
    let limiter = Limiter::new(opts.concurrency);
    let journal = open_journal(&opts, &events)?;
    let index = match &input {
        Input::Walk => open_index(&opts, &events),
        Input::Generated(..) => super::index::Index::disabled(),
    };
    let counters = Counters::default();
    let limits = {
        let r = Retrier {
            limiter: &limiter,
            retries: opts.retries,
            events: &events,
            cancel: &cancel,
            counters: &counters,
        };
        let ws = &opts.workspace_id;
        match r
            .run("upload limits", || {
                crate::api::upload::target_limits(&client, ws)
            })
            .await
        {
            Ok(TargetLimits::Found(l)) => l,
            // A server without the endpoint: the documented free-plan values.
            Ok(TargetLimits::NoEndpoint) => Limits::default(),
            Ok(TargetLimits::UnknownWorkspace) => {
                return Err(WorkspaceError::NotFound(ws.clone()).into());
            }
            Err(FileError::Api(api)) => {
                return Err(anyhow::Error::new(api).context(format!(
                    "reading the upload limits from {}",
                    client.origin()
                )));
            }
            Err(other) => return Err(anyhow::Error::new(other)),
        }
    };
    // Sending files: enough to keep the budget busy (each sends up to three chunks at once).
    // Open sessions: the server's cap, else a default well past what is sending, so files
    // waiting for `stored` do not hold back the next ones.
    let senders = (opts.concurrency / 2).max(1);
    let max_sessions = limits
        .sessions
        .map_or(DEFAULT_SESSIONS, |n| n.clamp(1, usize::MAX as u64) as usize);
    let engine = Arc::new(Context {
        remote: RemoteTree::default(),
        client,
        events: events.clone(),
        cancel: cancel.clone(),
        limiter,
        counters,
        listings: Mutex::new(HashMap::new()),
        limits,
        journal,
        index,
        sessions: Arc::new(Semaphore::new(max_sessions)),
        senders: Arc::new(Semaphore::new(senders)),
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
                        file_id: 0,
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
    let file_slots = Arc::new(Semaphore::new(FILES_IN_PROGRESS));
    let mut tasks = JoinSet::new();
    let mut next_id = 0u64;
    let dest = engine.opts.dest_clean();
    // Remote path → the local file that goes there (the first one). A second local file with
    // the same remote path fails instead of silently replacing the first one's content; the
    // same file listed again, under any spelling, is skipped (`plan::same_file`). Within one
    // directory argument remote paths cannot repeat (names are unique and carried exactly), so
    // the table is kept only when there are several sources or a `--files-from` list.
    let sources = engine.opts.paths.len() + usize::from(engine.opts.files_from.is_some());
    let mut claimed: Option<HashMap<u64, Box<std::path::Path>>> =
        (sources > 1 || engine.opts.files_from.is_some()).then(HashMap::new);
    // `--delete`: what the local side holds (all shards' files).
    let mut twins = engine.opts.delete.is_some().then(Twins::default);
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
            PlanItem::BadInput(reason) => engine.bad_input(reason),
            PlanItem::Duplicate { file, reason } => {
                if !engine.in_shard(&file, &dest) {
                    continue;
                }
                next_id += 1;
                engine.queue(next_id, &file);
                engine.skipped(next_id, &file, &reason, None, None);
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
            PlanItem::Root(remote) => {
                if let Some(t) = &mut twins {
                    t.root(remote);
                }
            }
            PlanItem::Kept(remote) => {
                if let Some(t) = &mut twins {
                    t.kept(&remote);
                }
            }
            PlanItem::File(f) => {
                if let Some(t) = &mut twins {
                    t.file(&f.remote_path());
                }
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
                    let local = std::path::absolute(&f.local).unwrap_or_default();
                    match claimed.entry(remote_key(&remote)) {
                        std::collections::hash_map::Entry::Occupied(first) => {
                            if let Some(why) = plan::same_file(first.get(), &local) {
                                engine.skipped(id, &f, &why, None, None);
                            } else {
                                let first = plan::show(first.get()).to_string();
                                engine.failed(
                                    Some(id),
                                    &f,
                                    &FileError::Collision { remote, first },
                                );
                            }
                            continue;
                        }
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(local.into_boxed_path());
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
                tasks.spawn(engine.clone().guarded(id, async move {
                    if journal_done {
                        e.journal_done(id, f, tx).await;
                    } else {
                        e.handle_file(id, f, tx).await;
                    }
                    drop(slot);
                }));
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
        && let Ok(Err(_)) = tokio::task::spawn_blocking(move || walker.join()).await
    {
        engine.walk_died();
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

    engine.index.flush();
    if !cancel.stop.is_cancelled() {
        engine.fail_lost();
    }
    let not_started = engine.report_not_started();
    let interrupted = cancel.signal().is_some()
        || (cancel.stop.is_cancelled() && engine.fatal.lock().unwrap().is_none());
    let mut summary = engine.summary(started, interrupted, not_started);
    if let Some(twins) = twins {
        let why_not = if summary.interrupted {
            Some("the run was interrupted".to_string())
        } else if summary.failed > 0 {
            Some(format!("{} files failed", summary.failed))
        } else if summary.fatal.is_some() || summary.not_started > 0 || cancel.stop.is_cancelled() {
            Some("the run stopped early".to_string())
        } else {
            None
        };
        let outcome = match why_not {
            Some(why) => engine.refuse_delete(format!(
                "nothing deleted (--delete): {why}; run again once every file is uploaded"
            )),
            None => engine.mirror(&twins).await,
        };
        summary.deleted = outcome.deleted;
        summary.delete_failed = outcome.failed;
        summary.delete_refused = outcome.refused;
        summary.wall = started.elapsed();
    }
    let engine = Arc::into_inner(engine);
    if let Some(engine) = engine {
        let clean = summary.failed == 0 && !summary.interrupted && summary.fatal.is_none();
        engine.journal.finish(clean);
    }
    events.emit(Event::Summary(summary.clone()));
    Ok(summary)
}

/// The upload index of the run's destination (workspace, folder): read unless the run
/// overwrites anyway, written unless it is a dry run. An index that cannot be used is one
/// notice (shown with `-v`; the state directory's own problem is the journal's warning): every
/// skip decision then reads the file, which the summary's `hashed_bytes` shows.
fn open_index(opts: &UploadOptions, events: &Events) -> super::index::Index {
    use super::index::Index;
    let Some(dir) = opts.journal_dir.as_ref().and_then(|d| d.parent()) else {
        return Index::disabled();
    };
    let dir = dir.join("index");
    // Not keyed by the server's address (`--emulator` listens on a new port each run): a
    // record vouches only for the node id and content it names, whichever server reports them.
    let key = journal::key(&[], &opts.workspace_id, &opts.dest_clean(), "");
    // Only the default rule asks the index (`--if-changed hash` only to spare a line).
    let read = matches!(opts.skip, SkipMode::Auto | SkipMode::Hash);
    match Index::open(&dir, &key, read, !opts.dry_run) {
        Ok(i) => i,
        Err(e) => {
            if opts.skip == SkipMode::Auto {
                events.emit(Event::Notice {
                    message: format!(
                        "the upload index in `{}` cannot be used ({e}): files with a remote twin \
                         of the same size are read to compare",
                        plan::show(&dir)
                    ),
                });
            }
            Index::disabled()
        }
    }
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
