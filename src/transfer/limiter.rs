//! The global budget of requests in flight, adaptive (AIMD): it starts at `--concurrency`, is
//! halved on every 429 and grows back by one after every `limit / 2` successes. Together with the
//! client's [`crate::api::RateGate`] (nobody sends while a 429 window is open) this keeps a
//! throttled run from hammering the server.
//!
//! [`Retrier::run`] wraps one idempotent request: permit, send, and on failure either wait for the
//! gate (429, not counted as a retry), back off with full jitter (5xx, timeouts, connection errors,
//! up to `retries` times), or give up.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::{Cancel, Event, Events, FileError};
use crate::api::ApiError;

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    successes: usize,
    /// Within the throttle window of the last cut: 429s do not cut again.
    no_cut_until: Option<Instant>,
}

/// Two cuts of the limit are at least this far apart.
pub const MIN_CUT_SPACING: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Inner {
    max: usize,
    state: Mutex<State>,
    notify: Notify,
}

/// An adaptive semaphore for HTTP requests. Cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct Limiter(Arc<Inner>);

/// Held while a request is in flight; owns its share of the limiter so it can move into tasks.
pub struct Permit(Arc<Inner>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.state.lock().unwrap().in_flight -= 1;
        self.0.notify.notify_waiters();
    }
}

impl Limiter {
    pub fn new(max: usize) -> Limiter {
        let max = max.max(1);
        Limiter(Arc::new(Inner {
            max,
            state: Mutex::new(State {
                limit: max,
                in_flight: 0,
                successes: 0,
                no_cut_until: None,
            }),
            notify: Notify::new(),
        }))
    }

    pub async fn acquire(&self) -> Permit {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.0.state.lock().unwrap();
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    return Permit(self.0.clone());
                }
            }
            notified.await;
        }
    }

    /// A 429: halve the limit, once per throttle window. The answers to the requests that
    /// were in flight when the server started refusing arrive as a burst of 429s; they are one
    /// signal, not many (otherwise 8 in flight would become 1 after one burst).
    pub fn cut(&self) {
        self.cut_for(Duration::ZERO);
    }

    /// [`Limiter::cut`] for a throttle window of `window` (the server's wait; at least
    /// [`MIN_CUT_SPACING`]): further 429s within it do not cut again.
    pub fn cut_for(&self, window: Duration) {
        let now = Instant::now();
        let mut s = self.0.state.lock().unwrap();
        if s.no_cut_until.is_some_and(|until| now < until) {
            return;
        }
        s.limit = (s.limit / 2).max(1);
        s.successes = 0;
        s.no_cut_until = now.checked_add(window.max(MIN_CUT_SPACING));
    }

    /// A success: grow back towards the maximum.
    pub fn success(&self) {
        let mut s = self.0.state.lock().unwrap();
        if s.limit < self.0.max {
            s.successes += 1;
            if s.successes >= (s.limit / 2).max(1) {
                s.limit += 1;
                s.successes = 0;
                drop(s);
                self.0.notify.notify_waiters();
            }
        }
    }

    /// The current limit (for progress display and tests).
    pub fn limit(&self) -> usize {
        self.0.state.lock().unwrap().limit
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.0.state.lock().unwrap().in_flight
    }
}

pub use crate::api::retry::{Throttles, backoff};

/// How many 429s one request tolerates before giving up (see [`Throttles`]).
const MAX_THROTTLES: u32 = 200;

/// Runs requests under the limiter with the retry policy, reporting retries and 429s.
pub struct Retrier<'a> {
    pub limiter: &'a Limiter,
    pub retries: u32,
    pub events: &'a Events,
    pub cancel: &'a Cancel,
    pub counters: &'a super::counters::Counters,
}

/// What to do after a failed attempt.
pub enum Next {
    /// Try again after this delay (zero for 429: the gate does the waiting).
    Again(Duration),
    GiveUp,
}

impl Retrier<'_> {
    /// Classify a failure of attempt `attempt` (1-based count of transient failures so far
    /// in `transient`), report it, and say what to do.
    pub fn after_error(
        &self,
        what: &str,
        err: &ApiError,
        transient: &mut u32,
        throttles: &mut Throttles,
    ) -> Next {
        if throttles.again(err, MAX_THROTTLES) {
            self.counters.add_throttled();
            let wait = match err {
                ApiError::Status {
                    retry_after: Some(w),
                    ..
                } => w.wait,
                _ => Duration::ZERO,
            };
            self.limiter.cut_for(wait);
            self.events.emit(Event::Throttled {
                what: what.to_string(),
                wait,
            });
            return Next::Again(Duration::ZERO);
        }
        if err.is_transient() && *transient < self.retries {
            *transient += 1;
            let delay = backoff(*transient);
            self.counters.add_retry();
            self.events.emit(Event::Retry {
                what: what.to_string(),
                attempt: *transient,
                delay,
                error: err.to_string(),
                stalled: matches!(err, ApiError::Stalled { .. }),
            });
            return Next::Again(delay);
        }
        Next::GiveUp
    }

    /// Sleep unless aborted.
    pub async fn sleep(&self, d: Duration) -> Result<(), FileError> {
        if d.is_zero() {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = self.cancel.abort.cancelled() => Err(FileError::Cancelled),
        }
    }

    /// A permit, unless aborted first.
    pub async fn permit(&self) -> Result<Permit, FileError> {
        tokio::select! {
            p = self.limiter.acquire() => Ok(p),
            _ = self.cancel.abort.cancelled() => Err(FileError::Cancelled),
        }
    }

    /// One request under a permit (taken now unless `held` is given), abortable.
    pub async fn once_with<T, Fut>(
        &self,
        held: Option<Permit>,
        fut: Fut,
    ) -> Result<Result<T, ApiError>, FileError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let permit = match held {
            Some(p) => p,
            None => self.permit().await?,
        };
        let r = tokio::select! {
            r = fut => r,
            _ = self.cancel.abort.cancelled() => return Err(FileError::Cancelled),
        };
        drop(permit);
        if r.is_ok() {
            self.limiter.success();
        }
        Ok(r)
    }

    /// One request under a fresh permit, abortable, and not sent at all when the run stopped
    /// while it waited for the permit (a batch refused with 403 before anything succeeded
    /// stops the run: the batches queued behind it are not sent).
    pub async fn once_unless_stopped<T, Fut>(
        &self,
        fut: Fut,
    ) -> Result<Result<T, ApiError>, FileError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let permit = self.permit().await?;
        if self.cancel.stop.is_cancelled() {
            return Err(FileError::Cancelled);
        }
        self.once_with(Some(permit), fut).await
    }

    /// One request under a fresh permit, abortable.
    pub async fn once<T, Fut>(&self, fut: Fut) -> Result<Result<T, ApiError>, FileError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.once_with(None, fut).await
    }

    /// One request outside the budget (long-polls that mostly wait), abortable.
    pub async fn once_free<T, Fut>(&self, fut: Fut) -> Result<Result<T, ApiError>, FileError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        tokio::select! {
            r = fut => Ok(r),
            _ = self.cancel.abort.cancelled() => Err(FileError::Cancelled),
        }
    }

    /// Run an idempotent request with retries, under the budget.
    pub async fn run<T, F, Fut>(&self, what: &str, f: F) -> Result<T, FileError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.run_with(what, None, false, f).await
    }

    /// Run an idempotent request with retries. `held`: a permit already taken for the first
    /// attempt; `free`: outside the budget (long-polls).
    pub async fn run_with<T, F, Fut>(
        &self,
        what: &str,
        mut held: Option<Permit>,
        free: bool,
        mut f: F,
    ) -> Result<T, FileError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let (mut transient, mut throttles) = (0, Throttles::default());
        loop {
            let r = if free {
                self.once_free(crate::logging::attempt(transient + throttles.count(), f()))
                    .await?
            } else {
                self.once_with(
                    held.take(),
                    crate::logging::attempt(transient + throttles.count(), f()),
                )
                .await?
            };
            match r {
                Ok(v) => return Ok(v),
                Err(e) => match self.after_error(what, &e, &mut transient, &mut throttles) {
                    Next::Again(d) => self.sleep(d).await?,
                    Next::GiveUp => return Err(e.into()),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rewind the last cut's window (as if it had passed).
    fn window_passes(l: &Limiter) {
        l.0.state.lock().unwrap().no_cut_until = None;
    }

    #[test]
    fn limit_halves_and_grows_back() {
        let l = Limiter::new(8);
        l.cut();
        assert_eq!(l.limit(), 4);
        for _ in 0..3 {
            window_passes(&l);
            l.cut();
        }
        assert_eq!(l.limit(), 1);
        for _ in 0..100 {
            l.success();
        }
        assert_eq!(l.limit(), 8);
    }

    #[test]
    fn a_burst_of_429s_cuts_once_per_window() {
        let l = Limiter::new(8);
        for _ in 0..8 {
            l.cut_for(Duration::from_secs(30));
        }
        assert_eq!(l.limit(), 4, "one burst, one cut");
        window_passes(&l);
        l.cut_for(Duration::ZERO);
        assert_eq!(l.limit(), 2, "the next window cuts again");
        l.cut_for(Duration::ZERO);
        assert_eq!(l.limit(), 2, "within the minimum spacing");
    }

    #[test]
    fn backoff_is_bounded() {
        for a in 0..40 {
            assert!(backoff(a) <= Duration::from_secs(20));
        }
    }

    #[tokio::test]
    async fn permits_bound_in_flight() {
        let l = Limiter::new(2);
        let a = l.acquire().await;
        let _b = l.acquire().await;
        assert_eq!(l.in_flight(), 2);
        let l2 = l.clone();
        let waiter = tokio::spawn(async move {
            let _c = l2.acquire().await;
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        drop(a);
        waiter.await.unwrap();
    }
}
