//! A typed client for the Fast.io endpoints: one pooled reqwest client shared by everything,
//! envelope and error decoding, Bearer auth with refresh-on-401, and one rate-limit gate.

pub mod bwlimit;
pub mod chat;
pub mod envelope;
pub mod error;
pub mod folders;
pub mod imports;
pub mod locks;
pub mod ratelimit;
pub mod retry;
pub mod sse;
pub mod storage;
pub mod upload;
pub mod workspace;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::BoxFuture;
use reqwest::{Method, RequestBuilder, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

pub use bwlimit::BandwidthLimit;
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

/// Percent-encode one path segment the way RFC 3986 requires: unreserved characters
/// (`A–Z a–z 0–9 - . _ ~`) go out as they are, everything else is escaped. Ids therefore keep
/// their hyphens (`/upload/5abcd-efghi-…/chunk/`, never `%2D`).
pub fn segment(s: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
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

/// Default for [`ClientOptions::stall_timeout`].
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Default for [`ClientOptions::retries`].
pub const DEFAULT_RETRIES: u32 = 4;

/// How the HTTP client treats the network.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// A request that makes no progress (connect, sending its body, waiting for or reading the
    /// answer) for this long is abandoned as stalled ([`ApiError::Stalled`], retryable).
    pub stall_timeout: Duration,
    /// Retries of idempotent calls (GET, and calls marked idempotent) after 5xx, timeouts,
    /// stalls and connection errors. The upload engine sets 0 and retries under its own budget.
    pub retries: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            retries: DEFAULT_RETRIES,
        }
    }
}

/// One answer as it came over the wire (for `fastio doctor`, which reports where a server's
/// shapes differ from the canonical ones the document names).
#[derive(Debug, Clone)]
pub struct Observation {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body before the envelope is unwrapped (`Null` when it was not JSON).
    pub body: Value,
}

/// Sees every decoded answer of a client (see [`Client::observed`]).
pub type Observer = Arc<dyn Fn(Observation) + Send + Sync>;

/// The API client. Cheap to clone; clones share the connection pool, credentials and gates.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Arc<str>,
    creds: Arc<dyn Credentials>,
    gates: Arc<Gates>,
    opts: ClientOptions,
    observer: Option<Observer>,
    /// `--bwlimit`: the cap on body bytes shared by every request of the process.
    bwlimit: Option<Arc<BandwidthLimit>>,
    /// Requests sent so far by this client and its clones (`fastio bench` reports them).
    sent: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_API_BASE: &str = "https://api.fast.io/current";

/// The time of the last byte a request moved (body sent, answer read), shared with a watchdog.
#[derive(Debug, Clone)]
pub struct Progress(Arc<(Instant, std::sync::atomic::AtomicU64)>);

impl Progress {
    fn new() -> Progress {
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
    static PROGRESS: Progress;
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

/// Run `fut` until it finishes or `progress` has been idle for `limit`.
async fn watch<T>(
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

impl Client {
    /// `base` is the API root including the version segment, e.g. `https://api.fast.io/current`.
    pub fn new(base: &str, creds: Arc<dyn Credentials>) -> anyhow::Result<Client> {
        Client::with_options(base, creds, ClientOptions::default())
    }

    pub fn with_options(
        base: &str,
        creds: Arc<dyn Credentials>,
        opts: ClientOptions,
    ) -> anyhow::Result<Client> {
        // reqwest's own timeouts are a backstop, a little longer than the stall limit: where the
        // watchdog runs (every call) it fires first and names the server.
        let grace = (opts.stall_timeout / 2).max(Duration::from_secs(1));
        let http = reqwest::Client::builder()
            .user_agent(concat!("fastio/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.stall_timeout.min(Duration::from_secs(30)) + grace)
            .read_timeout(opts.stall_timeout + grace)
            .pool_max_idle_per_host(64)
            // A redirect to another host would drop the credential (and is not the API):
            // report it instead of following it.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').into(),
            creds,
            gates: Arc::new(Gates::default()),
            opts,
            observer: None,
            bwlimit: None,
            sent: Arc::default(),
        })
    }

    /// The same client (and its clones) with every request body under `limit`.
    pub fn with_bwlimit(mut self, limit: Option<Arc<BandwidthLimit>>) -> Client {
        self.bwlimit = limit;
        self
    }

    /// HTTP requests sent so far by this client and its clones (each attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The upload rate cap, when there is one.
    pub fn bwlimit(&self) -> Option<&Arc<BandwidthLimit>> {
        self.bwlimit.as_ref()
    }

    /// The same client, handing every answer it decodes (success or error envelope) to
    /// `observer` as it came over the wire.
    pub fn observed(&self, observer: Observer) -> Client {
        let mut c = self.clone();
        c.observer = Some(observer);
        c
    }

    fn observe(
        &self,
        method: &Method,
        path: &str,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) {
        if let Some(obs) = &self.observer {
            obs(Observation {
                method: method.to_string(),
                path: path.to_string(),
                status,
                headers: headers.clone(),
                body: serde_json::from_slice(body).unwrap_or(Value::Null),
            });
        }
    }

    /// The same client (pool, credentials, gates) with another retry count for idempotent calls.
    pub fn with_retries(&self, retries: u32) -> Client {
        let mut c = self.clone();
        c.opts.retries = retries;
        c
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The gate of the main bucket (every path but `/upload/batch/`).
    pub fn gate(&self) -> &RateGate {
        &self.gates.main
    }

    pub fn gates(&self) -> &Arc<Gates> {
        &self.gates
    }

    pub fn options(&self) -> ClientOptions {
        self.opts
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

    /// GET: idempotent, retried after transient failures.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call_idempotent(Method::GET, path, |rb| rb.query(query))
            .await
    }

    /// A form POST that may create or change something: sent once (a retry could duplicate it).
    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call(Method::POST, path, |rb| rb.form(form)).await
    }

    /// A form POST whose repetition is harmless (idempotent `createfolder`, lock heartbeat):
    /// retried after transient failures like a GET.
    pub async fn post_form_idempotent(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call_idempotent(Method::POST, path, |rb| rb.form(form))
            .await
    }

    /// DELETE with a form body (lock release); deleting twice is harmless, so it is retried.
    pub async fn delete_form(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call_idempotent(Method::DELETE, path, |rb| rb.form(form))
            .await
    }

    /// [`Client::call`] retried (up to [`ClientOptions::retries`] times, backing off with full
    /// jitter) after 5xx, timeouts, stalls and connection errors; 429s wait at the gate.
    pub async fn call_idempotent(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        retry::idempotent(self.opts.retries, || {
            self.call(method.clone(), path, &build)
        })
        .await
    }

    /// Send one request through the gate with auth, refresh once on 401, and decode the
    /// envelope into its payload. `build` may be called twice (after a refresh), so it must
    /// be able to rebuild the body. A 429 closes the gate and is returned to the caller, who
    /// decides whether to retry. Sent once: see [`Client::call_idempotent`] for retries.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        let progress = Progress::new();
        let limit = self.opts.stall_timeout;
        let fut = async {
            let resp = self.send_inner(method.clone(), path, &build).await?;
            self.decode(&method, path, resp).await
        };
        match watch(&progress, limit, PROGRESS.scope(progress.clone(), fut)).await {
            Ok(r) => r,
            Err(idle) => Err(self.stalled(&method, path, idle)),
        }
    }

    fn stalled(&self, method: &Method, path: &str, idle: Duration) -> ApiError {
        ApiError::Stalled {
            method: method.to_string(),
            path: path.to_string(),
            server: self.origin(),
            idle,
        }
    }

    /// `scheme://host:port` of the API, for messages.
    pub fn origin(&self) -> String {
        url::Url::parse(&self.base)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| self.base.to_string())
    }

    /// Like [`Client::call`] but returns the raw response of a success status (for bodies that
    /// are not envelopes, such as file reads). The answer's headers must come within the stall
    /// limit; reading the body is the caller's business.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let progress = Progress::new();
        let fut = self.send_inner(method.clone(), path, &build);
        match watch(
            &progress,
            self.opts.stall_timeout,
            PROGRESS.scope(progress.clone(), fut),
        )
        .await
        {
            Ok(r) => r,
            Err(idle) => Err(self.stalled(&method, path, idle)),
        }
    }

    async fn send_inner(
        &self,
        method: Method,
        path: &str,
        build: &impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let transport = |source| ApiError::Transport {
            method: method.to_string(),
            path: path.to_string(),
            source,
        };
        let gate = self.gates.for_path(path);
        let mut refreshed = false;
        loop {
            gate.wait_open().await;
            gate.wait_turn().await;
            note_progress();
            let token = self
                .creds
                .bearer()
                .await
                .map_err(|source| ApiError::Credential {
                    method: method.to_string(),
                    path: path.to_string(),
                    source,
                })?;
            let rb = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token.expose_secret());
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let resp = build(rb).send().await.map_err(transport)?;
            note_progress();
            let status = resp.status().as_u16();
            if resp.status().is_redirection() {
                let location = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                return Err(ApiError::Redirected {
                    method: method.to_string(),
                    path: path.to_string(),
                    status,
                    location: redact_location(&location),
                });
            }
            if status == 401 && !refreshed {
                refreshed = true;
                if self.creds.refresh(&token).await.unwrap_or(false) {
                    continue;
                }
            }
            if status == 429 {
                let wait = LimitInfo::from_headers(resp.headers()).wait_from(SystemTime::now());
                gate.pause(wait);
                gate.note_refused();
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
            gate.note(&LimitInfo::from_headers(resp.headers()), SystemTime::now());
            return Ok(resp);
        }
    }

    async fn error_from(&self, method: &Method, path: &str, resp: Response) -> ApiError {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.unwrap_or_default();
        self.observe(method, path, status, &headers, &body);
        let (code, text) = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => envelope::error_details(&v),
            Err(_) => (0, envelope::body_excerpt(&body)),
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
        let headers = resp.headers().clone();
        let body = read_body(resp)
            .await
            .map_err(|source| ApiError::Transport {
                method: method.to_string(),
                path: path.to_string(),
                source,
            })?;
        self.observe(method, path, status, &headers, &body);
        let value: Value = serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
            method: method.to_string(),
            path: path.to_string(),
            detail: format!("not JSON ({e}): {}", envelope::body_excerpt(&body)),
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

/// Read a whole answer body. Not counted as progress: an envelope is small, so the whole body
/// must arrive within the stall limit after the headers (a server trickling it is stalled).
async fn read_body(resp: Response) -> Result<bytes::Bytes, reqwest::Error> {
    resp.bytes().await
}

/// A redirect target for messages: scheme, host and path only (a query could carry a secret).
fn redact_location(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_password(None);
            let _ = u.set_username("");
            u.to_string()
        }
        Err(_) => location.split('?').next().unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// Rule 2: unreserved characters (ids' hyphens among them) are sent as they are; only what
    /// RFC 3986 requires is escaped.
    #[test]
    fn segments_escape_only_what_they_must() {
        assert_eq!(segment("5abcd-efghi-jklmn"), "5abcd-efghi-jklmn");
        assert_eq!(segment("a.b_c~d"), "a.b_c~d");
        assert_eq!(segment("a b/c?d#e%"), "a%20b%2Fc%3Fd%23e%25");
        assert_eq!(segment("caf\u{e9}"), "caf%C3%A9");
    }

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
