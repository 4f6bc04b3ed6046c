//! A small retry loop for idempotent calls made outside the upload scheduler (workspace
//! resolution, folder lookups, other commands): 429 waits at the shared gate, 5xx/timeouts/
//! connection errors back off with full jitter, other errors return at once.

use std::future::Future;
use std::time::Duration;

use super::ApiError;

/// Attempts at most (the first try included).
pub const ATTEMPTS: u32 = 5;

/// Run `f` until it succeeds, fails for good, or [`ATTEMPTS`] transient failures (429s count
/// too, up to 4× as many, since the gate already made them wait).
pub async fn idempotent<T, F, Fut>(mut f: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let (mut transient, mut throttled) = (0u32, 0u32);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_rate_limited() && throttled < ATTEMPTS * 4 => throttled += 1,
            Err(e) if e.is_transient() && transient + 1 < ATTEMPTS => {
                transient += 1;
                let ceiling = 200u64 << transient;
                tokio::time::sleep(Duration::from_millis(rand::random_range(0..=ceiling))).await;
            }
            Err(e) => return Err(e),
        }
    }
}
