//! No planned file goes without an outcome. A file task that panics fails its file (named, with
//! the panic's message); at the end of a run that was not stopped or interrupted, a file still
//! without an outcome (its task ended early: a batch that panicked) fails as lost. Either way
//! the run cannot end with exit 0 (see `exit::summary_status`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::FutureExt as _;

use super::context::Context;
use super::{Event, Fatality};

impl Context {
    /// Run the task of file `id`; a panic in it fails that file instead of losing it.
    pub(super) async fn guarded(self: Arc<Self>, id: u64, task: impl Future<Output = ()>) {
        if let Err(panic) = AssertUnwindSafe(task).catch_unwind().await {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            self.lost(id, format!("internal error: its task panicked ({what})"));
        }
    }

    /// Fail every queued file that has no outcome yet: their tasks ended without one.
    pub(super) fn fail_lost(&self) {
        let mut ids: Vec<u64> = self.outstanding.lock().unwrap().keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            self.lost(
                id,
                "internal error: the run ended without an outcome for this file".into(),
            );
        }
    }

    /// The walk of the local paths died (a panic): what it did not reach was never planned, so
    /// the run is not complete.
    pub(super) fn walk_died(&self) {
        self.counters.planned.fetch_add(1, Ordering::Relaxed);
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileFailed {
            id: None,
            local: "(the walk of the local paths)".into(),
            remote_path: None,
            error: "internal error: the walk ended early (it panicked); files it did not reach \
                    were not planned"
                .into(),
        });
    }

    /// Whether `f` is this run's to upload (`--shard`); counted as left to the others if not.
    pub(super) fn in_shard(&self, f: &super::plan::PlannedFile, dest: &str) -> bool {
        match self.opts.shard {
            Some(shard) if !shard.contains(super::shard::key(&f.remote_path(), dest)) => {
                self.counters.out_of_shard.fetch_add(1, Ordering::Relaxed);
                false
            }
            _ => true,
        }
    }

    /// The input is unusable (a list past its bounds): stop the run, as a usage error.
    pub(super) fn bad_input(&self, reason: String) {
        *self.fatal.lock().unwrap() = Some(Fatality::BadInput);
        self.stop_run(reason);
    }

    /// Queued file `id` failed without an error of its own.
    fn lost(&self, id: u64, error: String) {
        let Some((local, remote_path)) = self.outstanding.lock().unwrap().remove(&id) else {
            return;
        };
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        self.events.emit(Event::FileFailed {
            id: Some(id),
            local,
            remote_path: Some(remote_path),
            error,
        });
    }
}
