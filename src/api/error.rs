//! Typed API errors. Callers branch on HTTP status first, then on the envelope's error code.
//! Nothing here invents a status: a failure that never got an HTTP answer has its own variant.

use std::time::Duration;

use super::ratelimit::ServerWait;

/// A failed call to the Fast.io API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error envelope (or a non-2xx status).
    #[error(
        "{method} {path}: HTTP {status}{}: {text}{}",
        code_suffix(*.code),
        wait_suffix(.retry_after)
    )]
    Status {
        method: String,
        path: String,
        status: u16,
        /// `error.code` (integer or numeric string on the wire; 0 when absent or unparseable).
        code: i64,
        text: String,
        /// When the server asked us to wait (429, or a 503 saying when): how long, and how
        /// long we wait (at most `--max-wait`).
        retry_after: Option<ServerWait>,
    },
    /// A 2xx body that is not a success envelope (no truthy `result`), or not JSON.
    #[error("{method} {path}: unexpected response: {detail}")]
    Decode {
        method: String,
        path: String,
        detail: String,
    },
    /// The request never got an answer: connection refused or reset, timeout, DNS. The message
    /// names the host and port and what to check; the HTTP library's own chain of causes is
    /// its `source` (shown with `-v`).
    #[error("{method} {path}: {}", transport_text(.source))]
    Transport {
        method: String,
        path: String,
        #[source]
        source: reqwest::Error,
    },
    /// The request made no progress (connecting, sending, waiting for or reading the answer)
    /// for the stall limit.
    #[error(
        "{method} {path}: {server} stalled: no progress for {} s",
        idle.as_secs()
    )]
    Stalled {
        method: String,
        path: String,
        server: String,
        idle: Duration,
    },
    /// The server answered with a redirect. The API never redirects; following one could send
    /// the credential elsewhere, so it is reported.
    #[error(
        "{method} {path}: the server redirected (HTTP {status}) to {location}; check --api-base"
    )]
    Redirected {
        method: String,
        path: String,
        status: u16,
        location: String,
    },
    /// The server answered, but not as the API does: a web page (HTML or other text) for an
    /// API path, or "no such route" both for it and for `/user/auth/check/`, which every
    /// Fast.io API has. Usually a wrong `--api-base`.
    /// `detail` says what answered and what to check: `http://host:port answered HTTP 404
    /// with an HTML page: not the Fast.io API; check --api-base …`.
    #[error("{method} {path}: {detail}")]
    NotTheApi {
        method: String,
        path: String,
        detail: String,
    },
    /// `createfolder` answered with a folder of another name: a file of that name is in the way
    /// and the server auto-renamed the new folder.
    #[error(
        "cannot create folder `{name}`: a file of that name is in the way (the server made `{got}` instead)"
    )]
    NameTaken { name: String, got: String },
    /// No usable credential could be obtained for the request (login expired, refresh refused,
    /// token endpoint unreachable).
    /// (`source` is shown in the message, so it is not also chained as a cause.)
    #[error("{method} {path}: {source:#}")]
    Credential {
        method: String,
        path: String,
        source: anyhow::Error,
    },
}

/// Said when the server asked for a longer wait than `--max-wait`.
fn wait_suffix(wait: &Option<ServerWait>) -> String {
    match wait {
        Some(w) if w.was_capped() => format!(
            " (the server asked to wait {}, longer than --max-wait {})",
            human_duration(w.asked),
            human_duration(w.wait)
        ),
        _ => String::new(),
    }
}

/// A duration for people, at a sensible precision: `3 min`, `2 h 5 min`, `45 s`, `584942417355
/// years`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    const YEAR: u64 = 365 * 24 * 3600;
    match s {
        _ if d < Duration::from_secs(1) => format!("{} ms", d.as_millis()),
        0..60 => format!("{s} s"),
        60..3600 if s.is_multiple_of(60) => format!("{} min", s / 60),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        3600..86400 if s % 3600 / 60 == 0 => format!("{} h", s / 3600),
        3600..86400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        86400..YEAR => format!("{} days", s / 86400),
        _ => format!("{} years", s / YEAR),
    }
}

fn code_suffix(code: i64) -> String {
    if code == 0 {
        String::new()
    } else {
        format!(" (code {code})")
    }
}

/// What went wrong, in one line without the HTTP library's chain: `cannot connect to
/// host:port (connection refused): is the server running, and is --api-base right?`, `timed
/// out talking to host:port`, or reqwest's own first line.
fn transport_text(e: &reqwest::Error) -> String {
    let at = e
        .url()
        .and_then(|u| {
            let host = u.host_str()?;
            let port = u.port_or_known_default()?;
            Some(match host.contains(':') {
                true => format!("[{host}]:{port}"),
                false => format!("{host}:{port}"),
            })
        })
        .unwrap_or_else(|| "the server".into());
    if e.is_connect() {
        let why = io_reason(e).map(|r| format!(" ({r})")).unwrap_or_default();
        return format!(
            "cannot connect to {at}{why}: is the server running, and is --api-base (or \
             FASTIO_API_BASE) right?"
        );
    }
    if e.is_timeout() {
        return format!("timed out talking to {at}");
    }
    let s = e.to_string();
    let first = match s.find(" for url (") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    match io_reason(e) {
        Some(r) if !first.contains(&r) => format!("{first} ({r}) at {at}"),
        _ => format!("{first} at {at}"),
    }
}

/// The innermost I/O error's kind in words (`connection refused`, `connection reset`), or
/// the DNS failure, when the chain has one.
fn io_reason(e: &reqwest::Error) -> Option<String> {
    let mut cause = std::error::Error::source(e);
    let mut found = None;
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            found = Some(match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
                std::io::ErrorKind::ConnectionReset => "connection reset".to_string(),
                std::io::ErrorKind::ConnectionAborted => "connection aborted".to_string(),
                std::io::ErrorKind::TimedOut => "timed out".to_string(),
                _ => io.to_string(),
            });
        } else if c.to_string().contains("dns error") || c.to_string().contains("failed to lookup")
        {
            found = Some("the name does not resolve".to_string());
        }
        cause = c.source();
    }
    found
}

/// Every cause below a transport error, joined (`-v`): reqwest's, hyper's and the OS's.
pub fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = Vec::new();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
        cause = c.source();
    }
    out.join(": ")
}

impl ApiError {
    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API path of the failed request.
    pub fn path(&self) -> Option<&str> {
        match self {
            ApiError::Status { path, .. }
            | ApiError::Decode { path, .. }
            | ApiError::Transport { path, .. }
            | ApiError::Stalled { path, .. }
            | ApiError::Redirected { path, .. }
            | ApiError::NotTheApi { path, .. }
            | ApiError::Credential { path, .. } => Some(path),
            ApiError::NameTaken { .. } => None,
        }
    }

    /// `error.code` from the envelope, 0 when there was none.
    pub fn code(&self) -> i64 {
        match self {
            ApiError::Status { code, .. } => *code,
            _ => 0,
        }
    }

    /// 401 or 403, or no credential could be had: the credential is wrong, expired or lacks
    /// permission.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
            || matches!(self, ApiError::Credential { .. }) && !self.credential_unreachable()
    }

    /// 401 (after one refresh), or no credential: nothing else can succeed either.
    pub fn is_unauthenticated(&self) -> bool {
        self.status() == Some(401)
            || matches!(self, ApiError::Credential { .. }) && !self.credential_unreachable()
    }

    /// 403: this request is not allowed (a scoped key, a plan limit); others may be.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// A credential failure because the token endpoint could not be reached.
    fn credential_unreachable(&self) -> bool {
        let ApiError::Credential { source, .. } = self else {
            return false;
        };
        source.chain().any(|c| {
            matches!(
                c.downcast_ref::<TokenError>(),
                Some(TokenError::Unreachable(_))
            )
        })
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// 404 for a resource (not the 9992 "no such route").
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) && !self.is_no_route()
    }

    /// 404 with code 9992: the server does not have this route at all.
    pub fn is_no_route(&self) -> bool {
        self.status() == Some(404) && self.code() == 9992
    }

    /// The server could not be used at all: no answer, a stall, a redirect elsewhere, or an
    /// answer that is not the API's.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            ApiError::Transport { .. }
                | ApiError::Stalled { .. }
                | ApiError::Redirected { .. }
                | ApiError::NotTheApi { .. }
        ) || self.credential_unreachable()
    }

    /// Worth retrying with backoff: gateway errors, 500, timeouts, stalls, connection failures.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            ApiError::Transport { .. } | ApiError::Stalled { .. } => true,
            ApiError::Decode { .. }
            | ApiError::Redirected { .. }
            | ApiError::NotTheApi { .. }
            | ApiError::Credential { .. }
            | ApiError::NameTaken { .. } => false,
        }
    }

    /// Whether the request may have reached the server and been applied (so resending a
    /// non-idempotent request needs a check first).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            ApiError::Transport { source, .. } => !source.is_connect(),
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Decode { .. } | ApiError::Stalled { .. } => true,
            ApiError::Redirected { .. } | ApiError::Credential { .. } => false,
            ApiError::NameTaken { .. } | ApiError::NotTheApi { .. } => false,
        }
    }
}

/// Why a `--workspace` value could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("empty workspace name")]
    EmptyName,
    #[error("workspace `{0}` not found")]
    NotFound(String),
    #[error("workspace name `{name}` matches several workspaces: {candidates}; pass the id")]
    Ambiguous { name: String, candidates: String },
    #[error("this server cannot look workspaces up by name (`{0}`): pass the numeric workspace id")]
    NoLookup(String),
}

/// Why a call to the OAuth token endpoint (`/oauth/token/`) failed. `Refused` means the server said no (bad code, revoked or expired
/// refresh token); `Unreachable` means no usable answer came back.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token endpoint refused: {0}")]
    Refused(String),
    #[error("the token endpoint could not be reached: {0}")]
    Unreachable(String),
}
