//! Typed API errors. Callers branch on HTTP status first, then on the envelope's error code.

use std::time::Duration;

use crate::exit::ExitStatus;

/// A failed call to the Fast.io API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error envelope (or a non-2xx status).
    #[error("{method} {path}: HTTP {status}{}: {text}", code_suffix(*.code))]
    Status {
        method: String,
        path: String,
        status: u16,
        /// `error.code` (integer or numeric string on the wire; 0 when absent or unparseable).
        code: i64,
        text: String,
        /// When the server asked us to wait (429): how long.
        retry_after: Option<Duration>,
    },
    /// A 2xx body that is not a success envelope (no truthy `result`), or not JSON.
    #[error("{method} {path}: unexpected response: {detail}")]
    Decode {
        method: String,
        path: String,
        detail: String,
    },
    /// The request never got an answer: connection refused or reset, timeout, DNS.
    #[error("{method} {path}: {source}")]
    Transport {
        method: String,
        path: String,
        #[source]
        source: reqwest::Error,
    },
}

fn code_suffix(code: i64) -> String {
    if code == 0 {
        String::new()
    } else {
        format!(" (code {code})")
    }
}

impl ApiError {
    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// `error.code` from the envelope, 0 when there was none.
    pub fn code(&self) -> i64 {
        match self {
            ApiError::Status { code, .. } => *code,
            _ => 0,
        }
    }

    /// 401 or 403: the credential is wrong, expired or lacks permission.
    pub fn is_auth(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Worth retrying with backoff: gateway errors, 500, timeouts, connection failures.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            ApiError::Transport { .. } => true,
            ApiError::Decode { .. } => false,
        }
    }

    /// Whether the request may have reached the server and been applied (so resending a
    /// non-idempotent request needs a check first).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            ApiError::Transport { source, .. } => !source.is_connect(),
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Decode { .. } => true,
        }
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self {
            _ if self.is_auth() => ExitStatus::Auth,
            ApiError::Transport { .. } => ExitStatus::Unavailable,
            _ => ExitStatus::PartialFailure,
        }
    }
}
