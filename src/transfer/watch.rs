//! `upload --watch`: after the first pass, keep uploading what appears or changes under the
//! paths, for ingest folders that other programs keep writing to.
//!
//! File-system notifications (inotify, FSEvents, ReadDirectoryChangesW, through `notify`) say
//! which files changed; a periodic full pass (`--rescan`) is the safety net for file systems
//! that send none (network mounts) and for an overflowed event queue. A changed file is sent
//! once it has settled: its size and modification time unchanged for `--settle`. Each pass is
//! an ordinary run of the engine over those files only (the same budget, skip rules, journal,
//! receipts and events); its summary is added to the watch's own, sent once at the end. A pass
//! whose files failed because the server could not be reached is tried again after a pause
//! (said once, doubling up to a minute) with the same files. SIGINT/SIGTERM end the watch after
//! the pass in flight.
//!
//! Memory: the files waiting to settle and the counters; nothing grows with time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::plan::{OnlyPaths, mtime_ns};
use super::{Cancel, Event, Events, Fatality, Summary, UploadOptions};
use crate::api::Client;

/// What `--watch` adds to the upload's options.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// A file is sent once its size and mtime have not changed for this long.
    pub settle: Duration,
    /// A full pass this often (zero: never).
    pub rescan: Duration,
    /// Test hook: drop every notification, so only the rescans find files.
    pub drop_events: bool,
}

/// The longest pause between tries while the server cannot be reached.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// A changed file waiting to settle: what it looked like, and since when.
struct Pending {
    size: u64,
    mtime: u64,
    since: Instant,
}

/// Upload `opts` once, then keep watching (see the module docs). The summary covers every pass.
pub async fn watch(
    client: Client,
    opts: UploadOptions,
    wopts: WatchOptions,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let (tx, mut changes) = mpsc::unbounded_channel::<Change>();
    let _watcher = start_watcher(&opts.paths, tx, wopts.drop_events)?;
    let mut total = Summary::default();
    let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
    let mut last_upload: Option<SystemTime> = None;
    let mut pause = Duration::from_secs(2);
    let mut rescan_at = next_rescan(&wopts);
    // The first pass: everything.
    let mut next: Option<Option<OnlyPaths>> = Some(None);
    let tick = (wopts.settle / 2).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut idle_said = false;
    loop {
        if let Some(only) = next.take() {
            let files: Vec<PathBuf> = only
                .as_ref()
                .map(|o| o.files().cloned().collect())
                .unwrap_or_default();
            let mut run = opts.clone();
            // `--delete` mirrors at full passes only: a pass over a few changed files has no
            // twin for everything else.
            if only.is_some() {
                run.delete = None;
            }
            run.only = only.map(Arc::new);
            let s = match pass(&client, run, &events, &cancel).await {
                Ok(s) => s,
                // The pass could not start (the limits could not be read): the server is down.
                Err(e) if is_unreachable(&e) => Summary {
                    fatal: Some(Fatality::Unavailable),
                    ..Default::default()
                },
                Err(e) => return Err(e),
            };
            if s.uploaded > 0 {
                last_upload = Some(SystemTime::now());
            }
            let unreachable =
                s.fatal == Some(Fatality::Unavailable) && (s.failed > 0 || s.planned == 0);
            add(&mut total, &s);
            if cancel.stop.is_cancelled() {
                break;
            }
            if unreachable {
                // Not the files' fault: the same files again once the server answers.
                events.emit(Event::Warning {
                    message: format!(
                        "the server cannot be reached; trying again in {} s (files are kept \
                         and sent once it answers)",
                        pause.as_secs()
                    ),
                });
                total.failed -= s.failed.min(total.failed);
                total.planned -= s.failed.min(total.planned);
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = cancel.stop.cancelled() => break,
                }
                pause = (pause * 2).min(MAX_PAUSE);
                // A full pass is tried again in full; otherwise the same files.
                next = Some((!files.is_empty()).then(|| OnlyPaths::new(files)));
                continue;
            }
            pause = Duration::from_secs(2);
            idle_said = false;
        }
        if !idle_said && pending.is_empty() {
            events.emit(Event::Watching {
                paths: opts.paths.len(),
                uploaded: total.uploaded,
                last: last_upload,
            });
            idle_said = true;
        }
        tokio::select! {
            _ = cancel.stop.cancelled() => break,
            c = changes.recv() => match c {
                Some(Change::Path(p)) => note(&mut pending, p),
                Some(Change::Rescan) => next = Some(None),
                None => break,
            },
            _ = tokio::time::sleep(tick) => {}
        }
        while let Ok(c) = changes.try_recv() {
            match c {
                Change::Path(p) => note(&mut pending, p),
                Change::Rescan => next = Some(None),
            }
        }
        if let Some(at) = rescan_at
            && Instant::now() >= at
        {
            next = Some(None);
            rescan_at = next_rescan(&wopts);
        }
        if next.is_none() {
            let ready = settled(&mut pending, wopts.settle);
            if !ready.is_empty() {
                next = Some(Some(OnlyPaths::new(ready)));
            }
        } else {
            // A full pass takes everything waiting too.
            pending.clear();
        }
    }
    total.wall = started.elapsed();
    total.interrupted = cancel.signal().is_some();
    total.signal = cancel.signal();
    total.shard = opts.shard;
    total.shard_from = opts.shard_from.clone();
    total.destination = opts.destination.clone();
    total.workspace_id = opts.workspace_id.clone();
    total.remote_dir = opts.dest_clean();
    total.bwlimit = client.bwlimit().map(|l| l.rate());
    events.emit(Event::Summary(total.clone()));
    Ok(total)
}

/// A run-level error that means the server cannot be reached (or keeps failing).
fn is_unreachable(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<crate::api::ApiError>()
            .is_some_and(|a| a.is_unreachable() || a.is_transient())
    })
}

fn next_rescan(w: &WatchOptions) -> Option<Instant> {
    (!w.rescan.is_zero()).then(|| Instant::now() + w.rescan)
}

/// One engine run; its events go on to the watch's listener, but its summary is kept here.
async fn pass(
    client: &Client,
    opts: UploadOptions,
    events: &Events,
    cancel: &Cancel,
) -> anyhow::Result<Summary> {
    let (pass_events, mut rx) = Events::channel();
    let forward = {
        let events = events.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if !matches!(e, Event::Summary(_)) {
                    events.emit(e);
                }
            }
        })
    };
    let r = super::upload(client.clone(), opts, pass_events, cancel.clone()).await;
    let _ = forward.await;
    r
}

/// A notification: this path changed, or the watcher lost track (rescan).
enum Change {
    Path(PathBuf),
    Rescan,
}

fn start_watcher(
    paths: &[PathBuf],
    tx: mpsc::UnboundedSender<Change>,
    drop_events: bool,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |r: notify::Result<notify::Event>| {
        if drop_events {
            return;
        }
        match r {
            Ok(ev) if ev.need_rescan() => {
                let _ = tx.send(Change::Rescan);
            }
            Ok(ev) => {
                use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
                // Reading a file (our own upload does) is no change.
                let change = match ev.kind {
                    notify::EventKind::Create(_) => true,
                    notify::EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => {
                        false
                    }
                    notify::EventKind::Modify(_) => true,
                    notify::EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                    _ => false,
                };
                if change {
                    for p in ev.paths {
                        let _ = tx.send(Change::Path(p));
                    }
                }
            }
            // The watcher could not keep up or lost a folder: look at everything again.
            Err(_) => {
                let _ = tx.send(Change::Rescan);
            }
        }
    })?;
    for p in paths {
        let (target, mode) = if p.is_dir() {
            (p.as_path(), RecursiveMode::Recursive)
        } else {
            // A file argument: its folder, for the file's own events (rewritten by rename too).
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            )
        };
        watcher
            .watch(target, mode)
            .map_err(|e| anyhow::anyhow!("cannot watch `{}`: {e}", super::plan::show(target)))?;
    }
    Ok(watcher)
}

/// A changed path: a regular file starts (or restarts) settling; a new folder is looked
/// through (files may have been written into it before its own watch was set up); anything
/// else is dropped.
fn note(pending: &mut HashMap<PathBuf, Pending>, p: PathBuf) {
    if p.is_dir() {
        for e in walkdir::WalkDir::new(&p)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            note_file(pending, e.into_path());
        }
        return;
    }
    note_file(pending, p);
}

fn note_file(pending: &mut HashMap<PathBuf, Pending>, p: PathBuf) {
    match std::fs::metadata(&p) {
        Ok(m) if m.is_file() => {
            let (size, mtime) = (m.len(), mtime_ns(&m));
            let changed = pending
                .get(&p)
                .is_none_or(|w| w.size != size || w.mtime != mtime);
            if changed {
                pending.insert(
                    p,
                    Pending {
                        size,
                        mtime,
                        since: Instant::now(),
                    },
                );
            }
        }
        _ => {
            pending.remove(&p);
        }
    }
}

/// The files unchanged for `settle` (taken out of `pending`); a file that changed meanwhile
/// starts settling again, one that is gone is dropped.
fn settled(pending: &mut HashMap<PathBuf, Pending>, settle: Duration) -> Vec<PathBuf> {
    let now = Instant::now();
    let mut ready = Vec::new();
    pending.retain(|p, w| {
        if now.duration_since(w.since) < settle {
            return true;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => {
                let (size, mtime) = (m.len(), mtime_ns(&m));
                if size == w.size && mtime == w.mtime {
                    ready.push(p.clone());
                    false
                } else {
                    *w = Pending {
                        size,
                        mtime,
                        since: now,
                    };
                    true
                }
            }
            _ => false,
        }
    });
    ready
}

/// Add one pass's counts to the watch's summary.
fn add(total: &mut Summary, s: &Summary) {
    total.planned += s.planned;
    total.uploaded += s.uploaded;
    total.skipped += s.skipped;
    total.failed += s.failed;
    total.not_started += s.not_started;
    total.bytes += s.bytes;
    total.bytes_sent += s.bytes_sent;
    total.hashed_bytes += s.hashed_bytes;
    total.deleted += s.deleted;
    total.delete_failed += s.delete_failed;
    total.retries += s.retries;
    total.throttled += s.throttled;
    total.folders_created += s.folders_created;
    total.symlinks_skipped += s.symlinks_skipped;
    total.special_skipped += s.special_skipped;
    total.out_of_shard += s.out_of_shard;
    if total.fatal.is_none() {
        total.fatal = s.fatal;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_ready_only_once_it_stops_changing() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "one").unwrap();
        let mut pending = HashMap::new();
        note(&mut pending, f.clone());
        assert!(settled(&mut pending, Duration::from_secs(60)).is_empty());
        // Grows: starts settling again.
        std::fs::write(&f, "one two").unwrap();
        pending.get_mut(&f).unwrap().since -= Duration::from_secs(120);
        assert!(settled(&mut pending, Duration::from_secs(60)).is_empty());
        assert_eq!(pending[&f].size, 7);
        pending.get_mut(&f).unwrap().since -= Duration::from_secs(120);
        assert_eq!(
            settled(&mut pending, Duration::from_secs(60)),
            vec![f.clone()]
        );
        assert!(pending.is_empty());
        // Gone: dropped.
        note(&mut pending, dir.path().join("missing"));
        assert!(pending.is_empty());
        // A new folder: the files already in it are noted.
        std::fs::create_dir_all(dir.path().join("new/deeper")).unwrap();
        std::fs::write(dir.path().join("new/deeper/b.txt"), "b").unwrap();
        note(&mut pending, dir.path().join("new"));
        assert!(pending.contains_key(&dir.path().join("new/deeper/b.txt")));
    }
}
