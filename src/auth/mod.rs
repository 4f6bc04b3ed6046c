//! Credential resolution (flag, environment, keyring profile) and the OAuth PKCE flow.
//!
//! Order: `--token`, `FASTIO_TOKEN`, `FASTIO_API_KEY`, then the keyring entry of the profile.
//! Modules: [`store`] (the OS keyring), [`config`] (per-profile settings file, no secrets),
//! [`oauth`] (the PKCE browser login and token calls), [`session`] (refreshing credentials).

pub mod config;
pub mod oauth;
pub mod session;
pub mod store;

use std::sync::Arc;

use secrecy::SecretString;

use crate::api::Credentials;
use crate::exit::Fatal;
use store::{Store, StoredCredential};

/// Where the credential in use came from (for `whoami` and for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Flag,
    EnvToken,
    EnvApiKey,
    Keyring { profile: String },
    Emulator,
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialSource::Flag => f.write_str("--token"),
            CredentialSource::EnvToken => f.write_str("FASTIO_TOKEN"),
            CredentialSource::EnvApiKey => f.write_str("FASTIO_API_KEY"),
            CredentialSource::Keyring { profile } => write!(f, "keyring profile `{profile}`"),
            CredentialSource::Emulator => f.write_str("the in-process emulator"),
        }
    }
}

/// Inputs to credential resolution, gathered by the command layer.
pub struct ResolveInput<'a> {
    pub flag_token: Option<SecretString>,
    pub profile: &'a str,
    pub api_base: &'a str,
    /// `-v` count: refreshes are reported from 1.
    pub verbose: u8,
}

pub struct Resolved {
    pub source: CredentialSource,
    pub credentials: Arc<dyn Credentials>,
    /// Set when the credential is an OAuth login from the keyring (for `whoami`, tests).
    pub oauth: Option<Arc<session::OAuthSession>>,
}

fn env_secret(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| SecretString::from(v.trim().to_string()))
}

/// A token goes into an `Authorization` header: a control character in it (a pasted newline)
/// makes it unusable. Refused at once, naming where it came from (never the value).
fn check_token(source: &CredentialSource, token: &SecretString) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    if let Some(c) = token.expose_secret().chars().find(|c| c.is_control()) {
        return Err(Fatal::auth(format!(
            "the credential from {source} contains a control character (U+{:04X}), so it cannot \
             be sent; check the value (a pasted line break?)",
            c as u32
        ))
        .into());
    }
    Ok(())
}

/// Resolve the credential to use, in the documented order.
pub fn resolve(input: ResolveInput<'_>) -> anyhow::Result<Resolved> {
    let fixed = |source: CredentialSource, token| -> anyhow::Result<Resolved> {
        check_token(&source, &token)?;
        Ok(Resolved {
            credentials: session::checked(token, source.clone(), input.api_base)?,
            source,
            oauth: None,
        })
    };
    if let Some(token) = input.flag_token {
        return fixed(CredentialSource::Flag, token);
    }
    if let Some(token) = env_secret("FASTIO_TOKEN") {
        return fixed(CredentialSource::EnvToken, token);
    }
    if let Some(token) = env_secret("FASTIO_API_KEY") {
        return fixed(CredentialSource::EnvApiKey, token);
    }
    let profile = input.profile;
    let store = Store::open(profile).map_err(|e| Fatal::auth(e.to_string()))?;
    let stored = store.load().map_err(|e| Fatal::auth(e.to_string()))?;
    let Some(stored) = stored else {
        return Err(Fatal::auth(format!(
            "no credentials for profile `{profile}`: run `fastio login`, or set FASTIO_API_KEY"
        ))
        .into());
    };
    let (want, have) = (
        input.api_base.trim_end_matches('/'),
        stored.api_base().trim_end_matches('/'),
    );
    if want != have {
        // Never send a credential to a server it was not issued by.
        return Err(Fatal::auth(format!(
            "profile `{profile}` is logged in to {have}, not {want}: run `fastio login --profile {profile}` for {want}"
        ))
        .into());
    }
    let source = CredentialSource::Keyring {
        profile: profile.to_string(),
    };
    match stored {
        StoredCredential::ApiKey { key, .. } => fixed(source, key),
        StoredCredential::OAuth(tokens) => {
            let session = Arc::new(session::OAuthSession::new(
                profile,
                Some(store),
                tokens,
                input.verbose,
            )?);
            Ok(Resolved {
                source,
                credentials: session.clone(),
                oauth: Some(session),
            })
        }
    }
}
