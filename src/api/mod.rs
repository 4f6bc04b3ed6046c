//! A typed client for the Fast.io endpoints: one pooled reqwest client shared by everything,
//! envelope and error decoding, Bearer auth with refresh-on-401, and one rate-limit gate.

pub mod chat;
pub mod envelope;
pub mod error;
pub mod folders;
pub mod imports;
pub mod locks;
pub mod ratelimit;
pub mod retry;
pub mod storage;
pub mod upload;
pub mod workspace;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::BoxFuture;
use reqwest::{Method, RequestBuilder, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

pub use error::ApiError;
pub use folders::FolderResolver;
pub use ratelimit::LimitInfo;
pub use storage::Node;
pub use workspace::{Workspace, resolve_workspace};

/// Where `Authorization: Bearer` tokens come from. Implemented in `auth` (static keys, OAuth
/// tokens with refresh); the client calls [`Credentials::refresh`] once after a 401.
pub trait Credentials: Send + Sync {
    /// The token to send now.
    fn bearer(&self) -> BoxFuture<'_, anyhow::Result<SecretString>>;
    /// The server refused `rejected` with 401. Obtain a fresh token if this credential can
    /// (single flight across concurrent callers); `Ok(true)` means retry the request.
    fn refresh(&self, rejected: &SecretString) -> BoxFuture<'_, anyhow::Result<bool>>;
}

/// A fixed token: an API key or an access token given on the command line or in the environment.
pub struct StaticToken(pub SecretString);

impl Credentials for StaticToken {
    fn bearer(&self) -> BoxFuture<'_, anyhow::Result<SecretString>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
    fn refresh(&self, _rejected: &SecretString) -> BoxFuture<'_, anyhow::Result<bool>> {
        Box::pin(async { Ok(false) })
    }
}

/// Shortest and longest spacing between request starts while pacing.
const PACE_MIN: Duration = Duration::from_millis(1);
const PACE_MAX: Duration = Duration::from_millis(1000);

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
    /// Wait while the gate is closed.
    pub async fn wait_open(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap();
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t.into()).await,
                _ => return,
            }
        }
    }

    /// Close the gate for `wait` (plus up to 10% + 50 ms jitter), extending any current pause.
    pub fn pause(&self, wait: Duration) {
        let jitter =
            Duration::from_millis(50 + rand::random_range(0..=wait.as_millis() as u64 / 10 + 1));
        let until = Instant::now() + wait + jitter;
        let mut guard = self.paused_until.lock().unwrap();
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
        self.throttled
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
            tokio::time::sleep_until(slot.into()).await;
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

/// The API client. Cheap to clone; clones share the connection pool, credentials and gate.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Arc<str>,
    creds: Arc<dyn Credentials>,
    gate: Arc<RateGate>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_API_BASE: &str = "https://api.fast.io/current";

impl Client {
    /// `base` is the API root including the version segment, e.g. `https://api.fast.io/current`.
    pub fn new(base: &str, creds: Arc<dyn Credentials>) -> anyhow::Result<Client> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("fastio/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(300))
            .pool_max_idle_per_host(64)
            .build()?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').into(),
            creds,
            gate: Arc::new(RateGate::default()),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn gate(&self) -> &Arc<RateGate> {
        &self.gate
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn credentials(&self) -> &Arc<dyn Credentials> {
        &self.creds
    }

    /// Absolute URL for an API path such as `/upload/` (always sent with its trailing slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call(Method::GET, path, |rb| rb.query(query)).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call(Method::POST, path, |rb| rb.form(form)).await
    }

    pub async fn delete_form(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call(Method::DELETE, path, |rb| rb.form(form)).await
    }

    /// Send one request through the gate with auth, refresh once on 401, and decode the
    /// envelope into its payload. `build` may be called twice (after a refresh), so it must
    /// be able to rebuild the body. A 429 closes the gate and is returned to the caller, who
    /// decides whether to retry.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        let resp = self.send(method.clone(), path, build).await?;
        self.decode(&method, path, resp).await
    }

    /// Like [`Client::call`] but returns the raw response of a success status (for bodies that
    /// are not envelopes, such as the OAuth token endpoint and file reads).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let transport = |source| ApiError::Transport {
            method: method.to_string(),
            path: path.to_string(),
            source,
        };
        let mut refreshed = false;
        loop {
            self.gate.wait_open().await;
            self.gate.wait_turn().await;
            let token = self.creds.bearer().await.map_err(|e| ApiError::Status {
                method: method.to_string(),
                path: path.to_string(),
                status: 401,
                code: 0,
                text: format!("{e:#}"),
                retry_after: None,
            })?;
            let rb = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token.expose_secret());
            let resp = build(rb).send().await.map_err(transport)?;
            let status = resp.status().as_u16();
            if status == 401 && !refreshed {
                refreshed = true;
                if self.creds.refresh(&token).await.unwrap_or(false) {
                    continue;
                }
            }
            if status == 429 {
                let wait = LimitInfo::from_headers(resp.headers()).wait_from(SystemTime::now());
                self.gate.pause(wait);
                self.gate.note_refused();
                let err = self.error_from(&method, path, resp).await;
                return Err(match err {
                    ApiError::Status {
                        method,
                        path,
                        status,
                        code,
                        text,
                        ..
                    } => ApiError::Status {
                        method,
                        path,
                        status,
                        code,
                        text,
                        retry_after: Some(wait),
                    },
                    other => other,
                });
            }
            if !resp.status().is_success() {
                return Err(self.error_from(&method, path, resp).await);
            }
            self.gate
                .note(&LimitInfo::from_headers(resp.headers()), SystemTime::now());
            return Ok(resp);
        }
    }

    async fn error_from(&self, method: &Method, path: &str, resp: Response) -> ApiError {
        let status = resp.status().as_u16();
        let body = resp.bytes().await.unwrap_or_default();
        let (code, text) = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => envelope::error_details(&v),
            Err(_) => (
                0,
                String::from_utf8_lossy(&body).chars().take(200).collect(),
            ),
        };
        let text = if text.is_empty() {
            reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error")
                .to_string()
        } else {
            text
        };
        ApiError::Status {
            method: method.to_string(),
            path: path.to_string(),
            status,
            code,
            text,
            retry_after: None,
        }
    }

    /// Decode a 2xx response: it must be a JSON success envelope.
    pub async fn decode(
        &self,
        method: &Method,
        path: &str,
        resp: Response,
    ) -> Result<Value, ApiError> {
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|source| ApiError::Transport {
            method: method.to_string(),
            path: path.to_string(),
            source,
        })?;
        let value: Value = serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
            method: method.to_string(),
            path: path.to_string(),
            detail: format!("not JSON ({e})"),
        })?;
        if envelope::result_is_truthy(&value) {
            return Ok(envelope::payload(value));
        }
        let (code, text) = envelope::error_details(&value);
        Err(ApiError::Status {
            method: method.to_string(),
            path: path.to_string(),
            status,
            code,
            text: if text.is_empty() {
                "request refused".into()
            } else {
                text
            },
            retry_after: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

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
