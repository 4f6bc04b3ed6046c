//! The rate-limit gates every request passes: one [`RateGate`] per bucket the service keeps
//! apart ([`Gates`]), closed after a 429 and pacing requests while the allowance runs low.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::ratelimit::LimitInfo;

/// Shortest and longest spacing between request starts while pacing.
const PACE_MIN: Duration = Duration::from_millis(1);
const PACE_MAX: Duration = Duration::from_millis(1000);
/// How often a request waiting at the gate says it is still alive (well below the smallest
/// stall limit, 1 s).
const TICK: Duration = Duration::from_millis(100);
/// A pause that would end past what an [`Instant`] holds ends this far ahead instead.
const FAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// One gate for every request of the process: after a 429, nobody sends until the server's
/// window resets (plus jitter), so workers never hammer a throttled server.
///
/// It also paces: while the server reports few calls left in its window (`x-ve-limit-avail`
/// at most half of `x-ve-limit-max`), requests start at a steady spacing that adapts to what
/// the server reports (see [`RateGate::note`]), which keeps a refilling limit busy without
/// earning 429s. Pacing stops once the allowance recovers above three quarters.
#[derive(Debug, Default)]
pub struct RateGate {
    paused_until: Mutex<Option<Instant>>,
    throttled: std::sync::atomic::AtomicU64,
    /// While pacing: (earliest start of the next request, spacing, last reported allowance).
    pace: Mutex<Option<(Instant, Duration, u64)>>,
}

impl RateGate {
    /// Wait while the gate is closed. This is the client's own waiting, not a stalled server:
    /// the progress clock of the request waiting here keeps ticking, so neither the stall
    /// watchdog fires nor a retry is spent however long the server's window is.
    pub async fn wait_open(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap();
            match until {
                Some(t) if t > Instant::now() => waiting_until(t).await,
                _ => return,
            }
        }
    }

    /// A 429: close the gate for `wait` (plus up to 10% + 50 ms jitter), extending any current
    /// pause, and count it. `true` when this extended the pause (a new wait to announce).
    pub fn pause(&self, wait: Duration) -> bool {
        self.throttled
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.hold(wait)
    }

    /// Close the gate for `wait` (plus jitter) without counting a 429: a 503 whose answer says
    /// when to come back. `true` when this extended the pause. Never overflows, whatever
    /// `wait` is (callers cap it at `--max-wait` first).
    pub fn hold(&self, wait: Duration) -> bool {
        let tenth = u64::try_from(wait.as_millis() / 10).unwrap_or(u64::MAX);
        let jitter = Duration::from_millis(50).saturating_add(Duration::from_millis(
            rand::random_range(0..=tenth.saturating_add(1)),
        ));
        let now = Instant::now();
        let until = now
            .checked_add(wait.saturating_add(jitter))
            .unwrap_or_else(|| now + FAR);
        let mut guard = self.paused_until.lock().unwrap();
        let extends = guard.is_none_or(|t| t < until);
        if extends {
            *guard = Some(until);
        }
        extends
    }

    /// Wait for this request's turn when pacing is on.
    pub async fn wait_turn(&self) {
        let slot = {
            let mut pace = self.pace.lock().unwrap();
            match pace.as_mut() {
                Some((next, spacing, _)) => {
                    let slot = (*next).max(Instant::now());
                    *next = slot + *spacing;
                    Some(slot)
                }
                None => None,
            }
        };
        if let Some(slot) = slot {
            waiting_until(slot).await;
        }
    }

    /// Take note of a response's limit headers: start, adjust or stop pacing.
    ///
    /// Pacing starts at `1.05 × window / max` (window: what is left of it, at most 1 s) and then
    /// follows the allowance the server reports: nothing left, or less than last time, means we
    /// send faster than it refills (spacing +5% / +2%); more than last time means slower
    /// (spacing −5%). A 429 ([`RateGate::note_refused`]) grows it 50%. (Speeding up on an
    /// unchanged allowance was tried: it overshoots, 8% of requests answered 429 in bench (c).)
    pub fn note(&self, info: &LimitInfo, now: SystemTime) {
        let (Some(avail), Some(max)) = (info.available, info.max) else {
            return;
        };
        let max = max.max(1);
        let mut pace = self.pace.lock().unwrap();
        if avail.saturating_mul(2) <= max {
            match pace.as_mut() {
                Some((_, s, last)) => {
                    let factor = match avail {
                        0 => 1.05,
                        a if a < *last => 1.02,
                        a if a > *last => 0.95,
                        _ => 1.0,
                    };
                    *s = s.mul_f64(factor).clamp(PACE_MIN, PACE_MAX);
                    *last = avail;
                }
                None => {
                    let window = match info.expires_epoch {
                        Some(_) => info.wait_from(now).min(Duration::from_secs(1)),
                        None => Duration::from_secs(1),
                    };
                    let spacing = (window.mul_f64(1.05) / max.min(u32::MAX as u64) as u32)
                        .clamp(PACE_MIN, PACE_MAX);
                    *pace = Some((Instant::now(), spacing, avail));
                }
            }
        } else if avail.saturating_mul(4) > max.saturating_mul(3) {
            *pace = None;
        }
    }

    /// A 429: pace more slowly from now on (or start pacing at 50 ms).
    pub fn note_refused(&self) {
        let mut pace = self.pace.lock().unwrap();
        match pace.as_mut() {
            Some((_, s, last)) => {
                *s = s.mul_f64(1.5).clamp(PACE_MIN, PACE_MAX);
                *last = 0;
            }
            None => *pace = Some((Instant::now(), Duration::from_millis(50), 0)),
        }
    }

    /// When the gate is closed, until when.
    pub fn paused_until(&self) -> Option<Instant> {
        let until = *self.paused_until.lock().unwrap();
        until.filter(|t| *t > Instant::now())
    }

    /// 429s seen so far.
    pub fn throttled_count(&self) -> u64 {
        self.throttled.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Sleep until `t`, ticking the progress clock of the request being sent on this task (see
/// [`RateGate::wait_open`]) every [`TICK`].
async fn waiting_until(t: Instant) {
    loop {
        let now = Instant::now();
        if now >= t {
            return;
        }
        tokio::time::sleep_until(t.min(now + TICK).into()).await;
        super::stall::note_progress();
    }
}

/// The rate-limit buckets the service keeps apart (fastio-api.md §1.5): `/upload/batch/` has
/// its own, so a throttled batch must not pause chunk uploads.
#[derive(Debug, Default)]
pub struct Gates {
    pub main: RateGate,
    pub batch: RateGate,
}

impl Gates {
    /// The gate a request to `path` goes through.
    pub fn for_path(&self, path: &str) -> &RateGate {
        if path.starts_with("/upload/batch") {
            &self.batch
        } else {
            &self.main
        }
    }

    /// 429s seen so far, every bucket.
    pub fn throttled_count(&self) -> u64 {
        self.main.throttled_count() + self.batch.throttled_count()
    }

    /// When the main gate is closed, until when (what progress displays show).
    pub fn paused_until(&self) -> Option<Instant> {
        self.main.paused_until()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// Rule 14: a 429 on the batch bucket does not close the gate of chunk uploads.
    #[test]
    fn batch_bucket_is_separate() {
        let gates = Gates::default();
        gates
            .for_path("/upload/batch/")
            .pause(Duration::from_secs(30));
        assert!(gates.for_path("/upload/batch/").paused_until().is_some());
        assert!(
            gates
                .for_path("/upload/5abc/chunk/")
                .paused_until()
                .is_none()
        );
        assert!(gates.for_path("/upload/").paused_until().is_none());
        assert_eq!(gates.throttled_count(), 1);
    }

    #[tokio::test]
    async fn low_allowance_paces_requests_and_recovery_stops_it() {
        let gate = RateGate::default();
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let low = LimitInfo {
            available: Some(2),
            max: Some(20),
            expires_epoch: Some(1002),
            retry_after: None,
        };
        gate.note(&low, now);
        let t = Instant::now();
        for _ in 0..5 {
            gate.wait_turn().await;
        }
        // 4 spacings of 1.05 s / 20 = 52.5 ms after the first.
        assert!(
            t.elapsed() >= Duration::from_millis(200),
            "{:?}",
            t.elapsed()
        );
        gate.note(
            &LimitInfo {
                available: Some(18),
                ..low
            },
            now,
        );
        assert!(gate.pace.lock().unwrap().is_none(), "pacing stops");
    }
}
