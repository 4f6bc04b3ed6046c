//! More listeners of one run's events beside the terminal reporter: the receipt writer and the
//! GitHub Actions renderer. [`attach`] puts a forwarding task between the engine and
//! [`super::report`]: every event goes to each sink first, then on to the reporter, in order.

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::JoinHandle;

use crate::transfer::Event;

/// A renderer of events that is not the terminal reporter.
pub trait Sink: Send {
    /// One event, in the order the engine emitted them. Must not block for long.
    fn event(&mut self, e: &Event);
    /// The run is over and the reporter has printed its last line.
    fn finish(self: Box<Self>);
}

/// The forwarding task and its sinks.
pub struct Attached {
    task: JoinHandle<Vec<Box<dyn Sink>>>,
}

/// Route `rx` through `sinks`; the returned receiver gets every event after them.
pub fn attach(
    mut rx: UnboundedReceiver<Event>,
    mut sinks: Vec<Box<dyn Sink>>,
) -> (UnboundedReceiver<Event>, Attached) {
    let (tx, out) = unbounded_channel();
    let task = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            for s in sinks.iter_mut() {
                s.event(&e);
            }
            let _ = tx.send(e);
        }
        sinks
    });
    (out, Attached { task })
}

impl Attached {
    /// Wait for the last event to pass, then finish every sink (in the order given).
    pub async fn finish(self) {
        if let Ok(sinks) = self.task.await {
            // Finishing may wait for a writer thread (a receipt hashing a skipped file).
            let _ = tokio::task::spawn_blocking(move || {
                for s in sinks {
                    s.finish();
                }
            })
            .await;
        }
    }
}

/// After a standard-input upload: where it went and its SHA-256, on stderr.
#[derive(Default)]
pub struct StdinResult {
    done: Option<(String, u64, String)>,
}

impl Sink for StdinResult {
    fn event(&mut self, e: &Event) {
        if let Event::FileDone {
            remote_path,
            size,
            sha256,
            ..
        } = e
        {
            self.done = Some((remote_path.clone(), *size, sha256.clone()));
        }
    }

    fn finish(self: Box<Self>) {
        if let Some((remote, size, sha)) = self.done {
            eprintln!(
                "fastio: stored `{}` ({size} bytes), SHA-256 {sha} (checked with the server)",
                super::escape(&remote)
            );
        }
    }
}
