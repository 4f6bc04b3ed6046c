//! Who is calling: the `Caller` extractor and the token table behind it.
//!
//! API keys come from the configuration and never expire. Other modules (OAuth) insert access
//! tokens with an expiry through [`TokenTable::insert`]. Unknown or expired → 401/1650.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::SystemTime;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::AppState;
use super::wire::ApiErr;

/// What kind of credential authenticated the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    ApiKey,
    OAuth,
    Jwt,
}

/// One accepted bearer token.
#[derive(Clone)]
pub struct TokenInfo {
    pub user_id: String,
    pub kind: TokenKind,
    /// `None` = never expires.
    pub expires_at: Option<SystemTime>,
    /// Granted scope (informational).
    pub scope: String,
}

impl std::fmt::Debug for TokenInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenInfo")
            .field("user_id", &self.user_id)
            .field("kind", &self.kind)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Bearer tokens the emulator accepts.
#[derive(Default)]
pub struct TokenTable {
    tokens: RwLock<HashMap<String, TokenInfo>>,
}

impl TokenTable {
    /// Accept `token` from now on (until `info.expires_at`).
    pub fn insert(&self, token: &str, info: TokenInfo) {
        self.tokens
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.to_string(), info);
    }

    /// Stop accepting `token`. Returns whether it was known.
    pub fn remove(&self, token: &str) -> bool {
        self.tokens
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token)
            .is_some()
    }

    /// The token's record if it is known and not expired.
    pub fn lookup(&self, token: &str) -> Option<TokenInfo> {
        let info = self
            .tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .cloned()?;
        match info.expires_at {
            Some(t) if t <= SystemTime::now() => None,
            _ => Some(info),
        }
    }
}

/// The user id the emulator assigns to an API key (stable: derived from the key).
pub fn user_id_for_key(key: &str) -> String {
    let d = Sha256::digest(key.as_bytes());
    let n = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
    format!(
        "{}",
        1_000_000_000_000_000_000u64 + n % 8_000_000_000_000_000_000u64
    )
}

/// An authenticated caller. Extract it in a handler to require authentication.
#[derive(Clone)]
pub struct Caller {
    pub user_id: String,
    pub kind: TokenKind,
    /// Identifies the credential (a digest of the token, never the token itself); lock ownership
    /// and rate-limit buckets are per principal.
    pub principal: String,
    /// The raw bearer token (for modules that revoke it). Never log it.
    pub token: String,
    /// The request's `x-ve-password` (a share's password), if any. Never log it.
    pub share_password: Option<String>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user_id", &self.user_id)
            .field("kind", &self.kind)
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

/// A digest naming a token without revealing it.
pub fn principal_of(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..8])
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiErr> {
        let Some(token) = bearer(parts) else {
            return Err(ApiErr::unauthorized("authentication required"));
        };
        match state.tokens.lookup(token) {
            Some(info) => Ok(Caller {
                user_id: info.user_id,
                kind: info.kind,
                principal: principal_of(token),
                token: token.to_string(),
                share_password: parts
                    .headers
                    .get(super::shares::PASSWORD_HEADER)
                    .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
                    .map(str::to_string),
            }),
            None => Err(ApiErr::unauthorized("invalid or expired token")),
        }
    }
}
