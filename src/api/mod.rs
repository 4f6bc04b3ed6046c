//! A typed client for the Fast.io endpoints: one pooled reqwest client shared by everything,
//! envelope and error decoding, Bearer auth with refresh-on-401, and one rate-limit gate.
//!
//! This module holds what every endpoint module shares: the [`Credentials`] trait and
//! [`segment`]. The client machinery is in [`client`] (with [`gates`] and the [`stall`]
//! watchdog); the endpoints are in their own modules.

pub mod bwlimit;
pub mod chat;
pub mod client;
pub mod envelope;
pub mod error;
pub mod folders;
pub mod gates;
pub mod imports;
pub mod locks;
pub mod names;
pub mod profile;
pub mod ratelimit;
pub mod retry;
pub mod sse;
pub mod stall;
pub mod storage;
pub mod upload;
pub mod workspace;

use futures_util::future::BoxFuture;
use secrecy::SecretString;

pub use bwlimit::BandwidthLimit;
pub use client::{
    ANNOUNCE_WAIT, Client, ClientOptions, DEFAULT_API_BASE, DEFAULT_MAX_WAIT, DEFAULT_RETRIES,
    DEFAULT_STALL_TIMEOUT, Observation, Observer, WaitHook, WaitNotice,
};
pub use error::ApiError;
pub use folders::FolderResolver;
pub use gates::{Gates, RateGate};
pub use profile::Profile;
pub use ratelimit::{LimitInfo, ServerWait};
pub use stall::{
    Progress, SentMeter, counted, is_metered, metered, note_progress, progress_stream,
};
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule 2: unreserved characters (ids' hyphens among them) are sent as they are; only what
    /// RFC 3986 requires is escaped.
    #[test]
    fn segments_escape_only_what_they_must() {
        assert_eq!(segment("5abcd-efghi-jklmn"), "5abcd-efghi-jklmn");
        assert_eq!(segment("a.b_c~d"), "a.b_c~d");
        assert_eq!(segment("a b/c?d#e%"), "a%20b%2Fc%3Fd%23e%25");
        assert_eq!(segment("caf\u{e9}"), "caf%C3%A9");
    }
}
