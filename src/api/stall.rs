//! The stall watchdog: a per-request progress clock (ticked by bodies as they move bytes) and
//! the loop that abandons a request once that clock has been idle for the stall limit.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// The time of the last byte a request moved (body sent, answer read), shared with a watchdog.
#[derive(Debug, Clone)]
pub struct Progress(Arc<(Instant, std::sync::atomic::AtomicU64)>);

impl Progress {
    pub(super) fn new() -> Progress {
        Progress(Arc::new((
            Instant::now(),
            std::sync::atomic::AtomicU64::new(0),
        )))
    }

    /// Something moved now.
    pub fn tick(&self) {
        let ms = self.0.0.elapsed().as_millis() as u64;
        self.0.1.store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.0.1.load(std::sync::atomic::Ordering::Relaxed));
        self.0.0.elapsed().saturating_sub(last)
    }
}

tokio::task_local! {
    /// The progress clock of the request being sent on this task, for streamed bodies.
    pub(super) static PROGRESS: Progress;
}

/// Note progress of the request being sent by the current task (called by streamed bodies).
pub fn note_progress() {
    let _ = PROGRESS.try_with(Progress::tick);
}

/// Wrap a body stream so that every piece it yields counts as progress of its request.
pub fn progress_stream<S, E>(stream: S) -> impl futures_util::Stream<Item = Result<bytes::Bytes, E>>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>>,
{
    use futures_util::StreamExt as _;
    let progress = PROGRESS.try_with(Progress::clone).ok();
    stream.inspect(move |_| {
        if let Some(p) = &progress {
            p.tick();
        }
    })
}

/// Counts the bytes of file data as request bodies hand them to the connection (after any
/// `--bwlimit` wait), for progress that tells the truth at any bandwidth. Set around a
/// request with [`metered`]; bodies built while it is set report to it.
#[derive(Clone)]
pub struct SentMeter(Arc<dyn Fn(u64) + Send + Sync>);

impl SentMeter {
    pub fn new(f: impl Fn(u64) + Send + Sync + 'static) -> SentMeter {
        SentMeter(Arc::new(f))
    }
}

impl std::fmt::Debug for SentMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SentMeter")
    }
}

tokio::task_local! {
    static SENT: SentMeter;
}

/// Run `fut` (one request) with `meter` counting the body bytes it sends.
pub async fn metered<T>(meter: SentMeter, fut: impl std::future::Future<Output = T>) -> T {
    SENT.scope(meter, fut).await
}

/// Whether a [`SentMeter`] is counting for the request being built on this task.
pub fn is_metered() -> bool {
    SENT.try_with(|_| ()).is_ok()
}

/// Wrap a body stream (outermost, after the bandwidth cap) so that each piece it yields is
/// counted by the meter set when it was built, if any.
pub fn counted<S, E>(stream: S) -> impl futures_util::Stream<Item = Result<bytes::Bytes, E>>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>>,
{
    use futures_util::StreamExt as _;
    let meter = SENT.try_with(SentMeter::clone).ok();
    stream.inspect(move |piece| {
        if let (Some(m), Ok(b)) = (&meter, piece) {
            (m.0)(b.len() as u64);
        }
    })
}

/// Run `fut` until it finishes or `progress` has been idle for `limit`.
pub(super) async fn watch<T>(
    progress: &Progress,
    limit: Duration,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, Duration> {
    tokio::pin!(fut);
    let step = (limit / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
    loop {
        tokio::select! {
            r = &mut fut => return Ok(r),
            _ = tokio::time::sleep(step) => {
                let idle = progress.idle();
                if idle >= limit {
                    return Err(idle);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request that makes no progress is abandoned after the limit; one that keeps moving
    /// is not.
    #[tokio::test]
    async fn the_watchdog_fires_only_without_progress() {
        let p = Progress::new();
        let stuck = watch(&p, Duration::from_millis(200), std::future::pending::<()>()).await;
        assert!(stuck.is_err());
        let p = Progress::new();
        let ticking = {
            let p = p.clone();
            async move {
                for _ in 0..6 {
                    tokio::time::sleep(Duration::from_millis(80)).await;
                    p.tick();
                }
            }
        };
        assert!(watch(&p, Duration::from_millis(200), ticking).await.is_ok());
    }
}
