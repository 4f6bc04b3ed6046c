//! SIGINT (Ctrl-C), SIGTERM and SIGHUP, for the commands that stop gracefully on them.

/// SIGINT, SIGTERM and SIGHUP as one stream of signal numbers (Ctrl-C only elsewhere).
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    pub fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (libc::SIGINT, SignalKind::interrupt()),
                (libc::SIGTERM, SignalKind::terminate()),
                (libc::SIGHUP, SignalKind::hangup()),
            ];
            Signals {
                streams: kinds
                    .into_iter()
                    .filter_map(|(n, k)| signal(k).ok().map(|s| (n, s)))
                    .collect(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal's number; `None` when none can be received.
    pub async fn next(&mut self) -> Option<i32> {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return None;
            }
            let waits = self.streams.iter_mut().map(|(n, s)| {
                let n = *n;
                Box::pin(async move { s.recv().await.map(|()| n) })
            });
            futures_util::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.ok().map(|()| 2)
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Signals::new()
    }
}

/// Cancel `stop` at the first SIGINT, SIGTERM or SIGHUP.
pub async fn stop_on_signal(stop: tokio_util::sync::CancellationToken) {
    let mut signals = Signals::new();
    if signals.next().await.is_some() {
        stop.cancel();
    }
}
