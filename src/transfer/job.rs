//! One upload job as the command starts it: a tree (or standard input) uploaded while an
//! optional destination lock is held, stopped when that lock is lost, the lock released at the
//! end (bounded after a signal), and signals turned into the run's cancellation.

use std::time::Duration;

use super::stdin::{self, StdinOptions};
use super::{Cancel, Events, Summary, UploadOptions};
use crate::api::Client;
use crate::locks::HeldLock;
use crate::signals::Signals;

/// What a job uploads.
pub enum Input {
    Tree(UploadOptions),
    /// `--watch`: the tree, then what appears or changes in it.
    Watch(UploadOptions, super::watch::WatchOptions),
    Stdin(StdinOptions, Box<dyn std::io::Read + Send>),
}

/// How the destination lock ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockEnd {
    Released,
    /// Lost while the upload ran (the upload was stopped).
    Lost(String),
    ReleaseFailed(String),
    /// Not released within [`RELEASE_AFTER_SIGNAL`] after a signal: it lapses by itself.
    ReleaseTimedOut,
}

/// The destination lock was lost while the upload ran (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("the lock on the destination was lost ({0}); the upload was stopped")]
pub struct LockLost(pub String);

/// How long the lock release may take after a signal.
pub const RELEASE_AFTER_SIGNAL: Duration = Duration::from_secs(5);

/// Run the upload to its end; with `held`, stop it when the lock is lost and release it after.
pub async fn run(
    client: &Client,
    input: Input,
    events: Events,
    cancel: &Cancel,
    held: Option<HeldLock>,
) -> (anyhow::Result<Summary>, Option<LockEnd>) {
    let run = async {
        match input {
            Input::Tree(opts) => super::upload(client.clone(), opts, events, cancel.clone()).await,
            Input::Watch(opts, w) => {
                super::watch::watch(client.clone(), opts, w, events, cancel.clone()).await
            }
            Input::Stdin(opts, read) => {
                stdin::upload_stdin(client.clone(), opts, read, events, cancel.clone())
                    .await
                    .map(|(summary, _mode)| summary)
            }
        }
    };
    let Some(lock) = held else {
        return (run.await, None);
    };
    tokio::pin!(run);
    let result = tokio::select! {
        r = &mut run => r,
        _ = lock.lost() => {
            cancel.stop.cancel();
            cancel.abort.cancel();
            run.await
        }
    };
    // After a signal the release is bounded: the user asked to stop.
    let bound = match cancel.signal() {
        Some(_) => RELEASE_AFTER_SIGNAL,
        None => Duration::MAX,
    };
    let lost = lock.is_lost();
    let released = tokio::time::timeout(bound, lock.release()).await;
    let end = match (lost, released) {
        (Some(reason), _) => LockEnd::Lost(reason),
        (None, Ok(Ok(()))) => LockEnd::Released,
        (None, Ok(Err(e))) => LockEnd::ReleaseFailed(e.to_string()),
        (None, Err(_)) => LockEnd::ReleaseTimedOut,
    };
    (result, Some(end))
}

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP alike. First: start nothing new, cancel what is still
/// in flight after 1.5 s. Second: cancel what is in flight now. Either way the run ends on the
/// main path: locks released, summary printed, exit 128 + the first signal's number. `say`
/// gets the first signal's number, then `None` at the second.
pub async fn watch_signals(cancel: Cancel, say: impl Fn(Option<i32>)) {
    let mut signals = Signals::new();
    let Some(first) = signals.next().await else {
        return;
    };
    cancel.set_signal(first);
    say(Some(first));
    cancel.stop.cancel();
    let abort = cancel.abort.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        abort.cancel();
    });
    if signals.next().await.is_some() {
        say(None);
        cancel.abort.cancel();
    }
}
