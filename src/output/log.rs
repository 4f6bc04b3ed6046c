//! A run's events in the log (`--log-file`, or `RUST_LOG=fastio::run=info` on stderr): one line
//! per file outcome, retry, throttle, warning and the summary, on the [`crate::logging::RUN`]
//! target. Progress events (bytes, starts) are left out.

use crate::logging::RUN;
use crate::transfer::Event;

/// Log `e` when it is an outcome worth a line.
pub fn event(e: &Event) {
    match e {
        Event::FileDone {
            local,
            remote_path,
            size,
            resumed,
            ..
        } => tracing::info!(target: RUN, %local, %remote_path, size, resumed, "uploaded"),
        Event::FileSkipped {
            local,
            remote_path,
            reason,
            ..
        } => tracing::info!(target: RUN, %local, %remote_path, %reason, "skipped"),
        Event::FileFailed {
            local,
            remote_path,
            error,
            ..
        } => {
            let remote_path = remote_path.as_deref().unwrap_or("");
            tracing::warn!(target: RUN, %local, %remote_path, %error, "failed")
        }
        Event::FileNotStarted { local, .. } => tracing::info!(target: RUN, %local, "not started"),
        Event::SymlinkSkipped { local } => tracing::info!(target: RUN, %local, "symlink skipped"),
        Event::SpecialSkipped { local, kind } => {
            tracing::info!(target: RUN, %local, %kind, "not a regular file, skipped")
        }
        Event::Retry {
            what,
            attempt,
            delay,
            error,
            ..
        } => {
            let delay_ms = delay.as_millis() as u64;
            tracing::info!(target: RUN, %what, attempt, delay_ms, %error, "retry")
        }
        Event::Throttled { what, wait } => {
            let wait_ms = wait.as_millis() as u64;
            tracing::info!(target: RUN, %what, wait_ms, "throttled")
        }
        Event::Warning { message } => tracing::warn!(target: RUN, "{message}"),
        Event::Notice { message } => tracing::info!(target: RUN, "{message}"),
        Event::Stopped { reason } => tracing::warn!(target: RUN, %reason, "stopping"),
        Event::Deleted {
            remote_path,
            count,
            dry_run,
            ..
        } => tracing::info!(target: RUN, %remote_path, count, dry_run, "deleted"),
        Event::DeleteFailed { remote_path, error } => {
            tracing::warn!(target: RUN, %remote_path, %error, "delete failed")
        }
        Event::DeleteRefused { reason } => tracing::warn!(target: RUN, %reason, "nothing deleted"),
        Event::Watching { uploaded, .. } => {
            tracing::info!(target: RUN, uploaded, "watching for changes")
        }
        Event::Summary(s) => tracing::info!(target: RUN, "{}", super::summary_line(s)),
        Event::FileQueued { .. }
        | Event::WalkDone
        | Event::FileStarted { .. }
        | Event::Bytes { .. }
        | Event::Unsent { .. }
        | Event::FolderCreated { .. }
        | Event::WouldUpload { .. } => {}
    }
}
