//! The retry loop of [`super::Client::call_idempotent`]: 429s wait at the shared gate (and do
//! not count as attempts, up to a bound), 5xx/timeouts/stalls/connection errors back off with
//! full jitter, other errors return at once. The upload engine does not use it (its client has
//! 0 retries): it retries under its own request budget and reports each retry as an event.

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

/// Run `f` until it succeeds, fails for good, or fails transiently `retries + 1` times.
pub async fn idempotent<T, F, Fut>(retries: u32, mut f: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let (mut transient, mut throttled) = (0u32, 0u32);
    loop {
        match crate::logging::attempt(transient + throttled, f()).await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_rate_limited() && retries > 0 && throttled < MAX_THROTTLES => {
                throttled += 1
            }
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
        let r: Result<(), _> = idempotent(2, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(gateway())
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 3);

        let calls = AtomicU32::new(0);
        let r = idempotent(3, || async {
            if calls.fetch_add(1, Ordering::Relaxed) < 2 {
                Err(gateway())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 7);
    }

    #[tokio::test]
    async fn zero_retries_sends_once_and_final_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let _ = idempotent(0, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(gateway())
        })
        .await;
        assert_eq!(calls.load(Ordering::Relaxed), 1);
        let calls = AtomicU32::new(0);
        let _ = idempotent(5, || async {
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
