//! The [`Client`]: one pooled reqwest client with its options, credentials, rate-limit gates,
//! bandwidth cap and observer. Sending and decoding requests is in its `send` submodule.

mod send;

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::Credentials;
use super::bwlimit::BandwidthLimit;
use super::gates::{Gates, RateGate};

/// Default for [`ClientOptions::stall_timeout`].
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Default for [`ClientOptions::retries`].
pub const DEFAULT_RETRIES: u32 = 4;
/// Default for [`ClientOptions::max_wait`].
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(5 * 60);
/// A server-imposed wait at least this long is announced ([`Client::with_wait_hook`]).
pub const ANNOUNCE_WAIT: Duration = Duration::from_secs(5);

/// How the HTTP client treats the network.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// A request that makes no progress (connect, sending its body, waiting for or reading the
    /// answer) for this long is abandoned as stalled ([`ApiError::Stalled`], retryable).
    ///
    /// [`ApiError::Stalled`]: crate::api::ApiError::Stalled
    pub stall_timeout: Duration,
    /// Retries of idempotent calls (GET, and calls marked idempotent) after 5xx, timeouts,
    /// stalls and connection errors. The upload engine sets 0 and retries under its own budget.
    pub retries: u32,
    /// The longest wait a server's `Retry-After` or rate-limit expiry can impose (429, 503):
    /// a longer one is cut to this (`--max-wait`).
    pub max_wait: Duration,
    /// Idempotent calls wait out 429s at the gate (not counted as retries). The upload engine
    /// turns this off: it sees each 429 itself (to adapt its concurrency and report it).
    pub wait_throttled: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            retries: DEFAULT_RETRIES,
            max_wait: DEFAULT_MAX_WAIT,
            wait_throttled: true,
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

/// A wait the server imposed on every request of the client (a 429, or a 503 saying when to
/// come back), as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitNotice {
    /// 429 or 503.
    pub status: u16,
    pub wait: crate::api::ratelimit::ServerWait,
    /// When the wait ends.
    pub until: std::time::SystemTime,
}

/// Told of each wait of at least [`ANNOUNCE_WAIT`] (see [`Client::with_wait_hook`]).
pub type WaitHook = Arc<dyn Fn(WaitNotice) + Send + Sync>;

/// The API client. Cheap to clone; clones share the connection pool, credentials and gates.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Arc<str>,
    creds: Arc<dyn Credentials>,
    gates: Arc<Gates>,
    opts: ClientOptions,
    observer: Option<Observer>,
    /// Told when the server imposes a long wait.
    on_wait: Option<WaitHook>,
    /// `--bwlimit`: the cap on body bytes shared by every request of the process.
    bwlimit: Option<Arc<BandwidthLimit>>,
    /// Requests sent so far by this client and its clones (`fastio bench` reports them).
    sent: Arc<std::sync::atomic::AtomicU64>,
    /// Whether the server answers `/user/auth/check/` as an API would, once asked (after a
    /// "no such route"): see [`ApiError::NotTheApi`](super::ApiError::NotTheApi).
    api_answers: Arc<tokio::sync::OnceCell<bool>>,
    /// A share's password, sent as `x-ve-password` with every request (marked sensitive: never
    /// in logs or `Debug`).
    share_password: Option<reqwest::header::HeaderValue>,
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
        Client::with_options(base, creds, ClientOptions::default())
    }

    pub fn with_options(
        base: &str,
        creds: Arc<dyn Credentials>,
        opts: ClientOptions,
    ) -> anyhow::Result<Client> {
        // reqwest's connect timeout is a backstop, a little longer than the stall limit: the
        // watchdog (every call) fires first and names the server. There is no read timeout:
        // reqwest's would run from the start of a request, so a body sent slowly on purpose
        // (`--bwlimit`) would time out however well it moves; the watchdog covers reading.
        let grace = (opts.stall_timeout / 2).max(Duration::from_secs(1));
        let http = reqwest::Client::builder()
            .user_agent(concat!("fastio/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.stall_timeout.min(Duration::from_secs(30)) + grace)
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
            on_wait: None,
            bwlimit: None,
            sent: Arc::default(),
            api_answers: Arc::default(),
            share_password: None,
        })
    }

    /// The same client with a share's password on every request (`x-ve-password`, fastio-api.md
    /// §1.2). Any UTF-8 password goes as its bytes; one with a control character cannot be a
    /// header and is refused (the error never shows it).
    pub fn with_share_password(
        mut self,
        password: Option<&secrecy::SecretString>,
    ) -> Result<Client, super::profile::BadSharePassword> {
        use secrecy::ExposeSecret as _;
        self.share_password = match password {
            None => None,
            Some(p) => {
                let mut v = reqwest::header::HeaderValue::from_bytes(p.expose_secret().as_bytes())
                    .map_err(|_| super::profile::BadSharePassword)?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        Ok(self)
    }

    /// The same client (and its clones) with every request body under `limit`.
    pub fn with_bwlimit(mut self, limit: Option<Arc<BandwidthLimit>>) -> Client {
        self.bwlimit = limit;
        self
    }

    /// The same client (and its clones), telling `hook` of every wait of at least
    /// [`ANNOUNCE_WAIT`] the server imposes, as it starts (once per wait, however many requests
    /// it holds back).
    pub fn with_wait_hook(mut self, hook: WaitHook) -> Client {
        self.on_wait = Some(hook);
        self
    }

    /// The same client, leaving 429s to the caller (see [`ClientOptions::wait_throttled`]).
    pub fn without_throttle_waits(&self) -> Client {
        let mut c = self.clone();
        c.opts.wait_throttled = false;
        c
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

    /// What to check when the server is not the API: `--api-base`, which should end in
    /// `/current`.
    pub fn base_hint(&self) -> String {
        let ends_current = url::Url::parse(&self.base)
            .is_ok_and(|u| u.path().trim_end_matches('/').ends_with("/current"));
        match ends_current {
            true => format!(
                "check --api-base (or FASTIO_API_BASE, now {}): is it the Fast.io API?",
                self.base
            ),
            false => format!(
                "check --api-base (or FASTIO_API_BASE, now {}): it should end in /current, as \
                 https://api.fast.io/current does",
                self.base
            ),
        }
    }

    /// Absolute URL for an API path such as `/upload/` (always sent with its trailing slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}
