//! Credential resolution (flag, environment, keyring profile) and the OAuth PKCE flow.
//!
//! Order: `--token`, `FASTIO_TOKEN`, `FASTIO_API_KEY`, then the keyring entry of the profile.

use std::sync::Arc;

use secrecy::SecretString;

use crate::api::{Credentials, StaticToken};
use crate::exit::Fatal;

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
}

pub struct Resolved {
    pub source: CredentialSource,
    pub credentials: Arc<dyn Credentials>,
}

fn env_secret(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| SecretString::from(v.trim().to_string()))
}

/// Resolve the credential to use, in the documented order.
pub fn resolve(input: ResolveInput<'_>) -> anyhow::Result<Resolved> {
    let fixed = |source, token| Resolved {
        source,
        credentials: Arc::new(StaticToken(token)),
    };
    if let Some(token) = input.flag_token {
        return Ok(fixed(CredentialSource::Flag, token));
    }
    if let Some(token) = env_secret("FASTIO_TOKEN") {
        return Ok(fixed(CredentialSource::EnvToken, token));
    }
    if let Some(token) = env_secret("FASTIO_API_KEY") {
        return Ok(fixed(CredentialSource::EnvApiKey, token));
    }
    Err(Fatal::auth(format!(
        "no credentials for profile `{}`: run `fastio login`, or set FASTIO_API_KEY",
        input.profile
    ))
    .into())
}
