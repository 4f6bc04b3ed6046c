//! The retry loop of [`super::Client::call_idempotent`]: 429s wait at the shared gate (and do
//! not count as attempts, up to a bound: [`Throttles`]), 5xx/timeouts/stalls/connection errors
//! back off with full jitter, other errors return at once. The upload engine does not use it
//! (its client has 0 retries and leaves 429s to it): it retries under its own request budget
//! and reports each retry as an event.

use std::future::Future;
use std::time::Duration;

use super::ApiError;

/// 429s one call tolerates before giving up.
const MAX_THROTTLES: u32 = 20;

/// Backoff before retry `attempt` (1-based): uniform in `[0, min(20 s, 200 ms · 2^attempt)]`.
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = 200u64.saturating_mul(1u64 << attempt.min(16)).min(20_000);
    Duration::from_millis(rand::random_range(0..=ceiling))
}

/// The 429s one request met. Waiting one out (at the gate, before the next try) spends no
/// retry; but a request is given up on after `max` of them, or after the server asked it, for
/// the second time, to wait longer than `--max-wait` (the first time it waits `--max-wait`
/// and tries again: a server clock that is far ahead says "years" and means seconds).
#[derive(Debug, Clone, Copy, Default)]
pub struct Throttles {
    count: u32,
    capped: bool,
}

impl Throttles {
    /// How many 429s were waited out so far.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// `err` is a 429: whether to try again (after the gate opens).
    pub fn again(&mut self, err: &ApiError, max: u32) -> bool {
        if !err.is_rate_limited() || self.count >= max {
            return false;
        }
        let capped = matches!(err, ApiError::Status { retry_after: Some(w), .. } if w.was_capped());
        if capped && self.capped {
            return false;
        }
        self.capped |= capped;
        self.count += 1;
        true
    }
}

/// Run `f` until it succeeds, fails for good, or fails transiently `retries + 1` times. With
/// `wait_throttled`, 429s are waited out too ([`Throttles`]); otherwise they are returned.
pub async fn idempotent<T, F, Fut>(
    retries: u32,
    wait_throttled: bool,
    mut f: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let (mut transient, mut throttled) = (0u32, Throttles::default());
    loop {
        match crate::logging::attempt(transient + throttled.count(), f()).await {
            Ok(v) => return Ok(v),
            Err(e) if wait_throttled && throttled.again(&e, MAX_THROTTLES) => {}
            Err(e) if e.is_transient() && transient < retries => {
                transient += 1;
                tokio::time::sleep(backoff(transient)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn gateway() -> ApiError {
        ApiError::Status {
            method: "GET".into(),
            path: "/x/".into(),
            status: 503,
            code: 0,
            text: "busy".into(),
            retry_after: None,
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_up_to_the_count() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = idempotent(2, true, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(gateway())
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 3);

        let calls = AtomicU32::new(0);
        let r = idempotent(3, true, || async {
            if calls.fetch_add(1, Ordering::Relaxed) < 2 {
                Err(gateway())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 7);
    }

    fn throttled(asked: u64) -> ApiError {
        ApiError::Status {
            method: "GET".into(),
            path: "/x/".into(),
            status: 429,
            code: 1671,
            text: "calm".into(),
            retry_after: Some(crate::api::ServerWait::capped(
                Duration::from_secs(asked),
                Duration::from_secs(60),
            )),
        }
    }

    /// Waiting out a 429 spends no retry, even with 0 retries; a second wait longer than the
    /// cap gives up (with the wait asked for in the message).
    #[tokio::test]
    async fn throttles_are_not_retries_and_a_second_overlong_wait_gives_up() {
        let calls = AtomicU32::new(0);
        let r = idempotent(0, true, || async {
            match calls.fetch_add(1, Ordering::Relaxed) {
                0..3 => Err(throttled(0)),
                _ => Ok(1),
            }
        })
        .await;
        assert_eq!(r.unwrap(), 1);
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = idempotent(3, true, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(throttled(u64::MAX))
        })
        .await;
        assert_eq!(calls.load(Ordering::Relaxed), 2);
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("longer than --max-wait 1 min"), "{msg}");
        // Left to the caller when it handles 429s itself.
        let calls = AtomicU32::new(0);
        let _ = idempotent(3, false, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(throttled(0))
        })
        .await;
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn zero_retries_sends_once_and_final_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let _ = idempotent(0, true, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(gateway())
        })
        .await;
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        let calls = AtomicU32::new(0);
        let _ = idempotent(5, true, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(ApiError::Decode {
                method: "GET".into(),
                path: "/x/".into(),
                detail: "garbage".into(),
            })
        })
        .await;
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }
}
