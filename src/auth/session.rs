//! [`Credentials`] implementations: an OAuth session that refreshes itself, and a fixed token
//! (API key) that explains itself when the server refuses it.
//!
//! Both are shared by every worker of a command. A refresh (or a check) runs under one async
//! mutex, so when eight workers hit an expired token at once exactly one refresh is made and the
//! other seven pick up its result: a caller that was refused with token T only refreshes when T
//! is still the current token.
//!
//! When a credential is beyond repair (refresh refused, key rejected) the session turns "dead"
//! with one message naming the credential and the fix; `refresh()` then answers "retry" and the
//! retry's [`Credentials::bearer`] fails with that message, which the API client reports as a
//! 401 (exit 3) without sending anything more.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::oauth::{self, TokenError, now_ms};
use super::store::{OAuthTokens, Store, StoredCredential};
use super::{CredentialSource, Notice, Notices};
use crate::api::Credentials;

/// How long before the recorded expiry a token is refreshed: a tenth of its lifetime, at most
/// 30 s (a 2-second token is refreshed 200 ms early, a 1-hour token 30 s early).
fn margin_ms(lifetime_ms: Option<i64>) -> i64 {
    lifetime_ms.map_or(30_000, |l| (l / 10).min(30_000))
}

struct State {
    tokens: OAuthTokens,
    dead: Option<String>,
}

/// OAuth tokens from the keyring, refreshed before expiry or after a 401, single flight.
pub struct OAuthSession {
    profile: String,
    store: Option<Store>,
    http: reqwest::Client,
    state: Mutex<State>,
    refreshes: AtomicU64,
    notices: Notices,
}

impl OAuthSession {
    pub fn new(
        profile: &str,
        store: Option<Store>,
        tokens: OAuthTokens,
        notices: Notices,
    ) -> anyhow::Result<OAuthSession> {
        Ok(OAuthSession {
            profile: profile.to_string(),
            store,
            http: oauth::http_client()?,
            state: Mutex::new(State { tokens, dead: None }),
            refreshes: AtomicU64::new(0),
            notices,
        })
    }

    /// Refreshes made by this process.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// When the current access token lapses (Unix ms), if known.
    pub async fn expires_at_ms(&self) -> Option<i64> {
        self.state.lock().await.tokens.expires_at_ms
    }

    pub async fn tokens(&self) -> OAuthTokens {
        self.state.lock().await.tokens.clone()
    }

    fn relogin(&self, why: &str) -> String {
        let cmd = if self.profile == "default" {
            "fastio login".to_string()
        } else {
            format!("fastio login --profile {}", self.profile)
        };
        format!(
            "the login of keyring profile `{}` {why}: run `{cmd}` again",
            self.profile
        )
    }

    /// Refresh now, with the state lock held by the caller.
    async fn do_refresh(&self, state: &mut State) -> anyhow::Result<()> {
        if state.tokens.refresh_token.is_none() {
            state.dead = Some(self.relogin("has expired and holds no refresh token"));
            return Ok(());
        }
        match oauth::refresh(&self.http, &state.tokens).await {
            Ok(tokens) => {
                self.refreshes.fetch_add(1, Ordering::Relaxed);
                self.notices.send(Notice::Detail(format!(
                    "refreshed the access token of profile `{}`{}",
                    self.profile,
                    tokens
                        .lifetime_ms
                        .map(|l| format!(" (valid {} s)", l / 1000))
                        .unwrap_or_default()
                )));
                state.tokens = tokens;
                self.persist(&state.tokens).await;
                Ok(())
            }
            Err(TokenError::Refused(why)) => {
                self.notices
                    .send(Notice::Detail(format!("token refresh refused: {why}")));
                // Another fastio process may have rotated the refresh token and stored the new
                // one: adopt it rather than give up.
                if let Some(newer) = self.newer_in_keyring(&state.tokens).await {
                    self.notices.send(Notice::Detail(
                        "using the tokens another fastio process stored".into(),
                    ));
                    state.tokens = newer;
                    let expired = state.tokens.expires_at_ms.is_none_or(|at| {
                        now_ms() >= at.saturating_sub(margin_ms(state.tokens.lifetime_ms))
                    });
                    if !expired {
                        return Ok(());
                    }
                    if let Ok(tokens) = oauth::refresh(&self.http, &state.tokens).await {
                        self.refreshes.fetch_add(1, Ordering::Relaxed);
                        state.tokens = tokens;
                        self.persist(&state.tokens).await;
                        return Ok(());
                    }
                }
                state.dead = Some(self.relogin("has expired or was revoked"));
                Ok(())
            }
            Err(e @ TokenError::Unreachable(_)) => Err(e.into()),
        }
    }

    /// The profile's tokens in the keyring, when they differ from `ours` (same server).
    async fn newer_in_keyring(&self, ours: &OAuthTokens) -> Option<OAuthTokens> {
        let store = self.store.clone()?;
        let loaded = tokio::task::spawn_blocking(move || store.load())
            .await
            .ok()?
            .ok()??;
        match loaded {
            StoredCredential::OAuth(t)
                if t.api_base == ours.api_base
                    && t.refresh_token
                        .as_ref()
                        .map(|r| r.expose_secret().to_string())
                        != ours
                            .refresh_token
                            .as_ref()
                            .map(|r| r.expose_secret().to_string()) =>
            {
                Some(t)
            }
            _ => None,
        }
    }

    /// Keep the new tokens (a rotated refresh token in particular) in the keyring.
    async fn persist(&self, tokens: &OAuthTokens) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let cred = StoredCredential::OAuth(tokens.clone());
        let result = tokio::task::spawn_blocking(move || store.save(&cred)).await;
        if let Ok(Err(e)) = result {
            self.notices.send(Notice::Warning(format!(
                "could not store the refreshed tokens of profile `{}`: {e}",
                self.profile
            )));
        }
    }
}

impl Credentials for OAuthSession {
    fn bearer(&self) -> BoxFuture<'_, anyhow::Result<SecretString>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if let Some(msg) = &state.dead {
                anyhow::bail!("{msg}");
            }
            let due = state.tokens.expires_at_ms.is_some_and(|at| {
                now_ms() >= at.saturating_sub(margin_ms(state.tokens.lifetime_ms))
            });
            if due {
                if let Err(e) = self.do_refresh(&mut state).await {
                    // The token endpoint is unreachable: a token still inside its lifetime is
                    // used (the next call tries again); an expired one is an error.
                    if state.tokens.expires_at_ms.is_some_and(|at| now_ms() >= at) {
                        return Err(e);
                    }
                }
                if let Some(msg) = &state.dead {
                    anyhow::bail!("{msg}");
                }
            }
            Ok(state.tokens.access_token.clone())
        })
    }

    fn refresh(&self, rejected: &SecretString) -> BoxFuture<'_, anyhow::Result<bool>> {
        let rejected = rejected.clone();
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if state.dead.is_some() {
                return Ok(true);
            }
            if state.tokens.access_token.expose_secret() != rejected.expose_secret() {
                // Another worker already refreshed: retry with the new token.
                return Ok(true);
            }
            self.do_refresh(&mut state).await?;
            Ok(true)
        })
    }
}

/// A fixed token (API key or access token from `--token`, the environment or the keyring).
/// After a 401 it asks `/user/auth/check/` once whether the token itself is bad (a 401 can also
/// mean "not a member of this workspace"); if so every later request fails with one line that
/// names where the token came from.
pub struct CheckedToken {
    token: SecretString,
    source: CredentialSource,
    api_base: String,
    http: reqwest::Client,
    verdict: Mutex<Option<Option<String>>>,
}

impl CheckedToken {
    pub fn new(
        token: SecretString,
        source: CredentialSource,
        api_base: &str,
    ) -> anyhow::Result<Self> {
        Ok(CheckedToken {
            token,
            source,
            api_base: api_base.trim_end_matches('/').to_string(),
            http: oauth::http_client()?,
            verdict: Mutex::new(None),
        })
    }

    fn rejected_message(&self) -> String {
        let fix = match self.source {
            CredentialSource::Keyring { .. } => "run `fastio login` again",
            _ => "check it, or create a new key",
        };
        format!(
            "the server rejected the credential from {} (HTTP 401): {fix}",
            self.source
        )
    }
}

/// Whether the server accepts `token`: `Ok(false)` only on a definite 401.
pub async fn token_is_valid(
    http: &reqwest::Client,
    api_base: &str,
    token: &SecretString,
) -> anyhow::Result<bool> {
    let resp = http
        .get(format!(
            "{}/user/auth/check/",
            api_base.trim_end_matches('/')
        ))
        .bearer_auth(token.expose_secret())
        .send()
        .await?;
    Ok(resp.status() != reqwest::StatusCode::UNAUTHORIZED)
}

impl Credentials for CheckedToken {
    fn bearer(&self) -> BoxFuture<'_, anyhow::Result<SecretString>> {
        Box::pin(async move {
            if let Some(Some(msg)) = &*self.verdict.lock().await {
                anyhow::bail!("{msg}");
            }
            Ok(self.token.clone())
        })
    }

    fn refresh(&self, _rejected: &SecretString) -> BoxFuture<'_, anyhow::Result<bool>> {
        Box::pin(async move {
            let mut verdict = self.verdict.lock().await;
            if verdict.is_none() {
                let valid = token_is_valid(&self.http, &self.api_base, &self.token)
                    .await
                    .unwrap_or(true);
                *verdict = Some((!valid).then(|| self.rejected_message()));
            }
            // Retry only to let `bearer` report the rejection; a valid token's 401 stands.
            Ok(matches!(*verdict, Some(Some(_))))
        })
    }
}

/// Wrap a fixed token.
pub fn checked(
    token: SecretString,
    source: CredentialSource,
    api_base: &str,
) -> anyhow::Result<Arc<dyn Credentials>> {
    Ok(Arc::new(CheckedToken::new(token, source, api_base)?))
}
