//! Credential resolution (flag, environment, keyring profile) and the OAuth PKCE flow.
//!
//! Order: `--token`, `FASTIO_TOKEN`, `FASTIO_API_KEY`, then the keyring entry of the profile.
//! Modules: [`store`] (the OS keyring), [`config`] (per-profile settings file, no secrets),
//! [`oauth`] (the PKCE browser login and token calls), [`session`] (refreshing credentials).

pub mod config;
pub mod login;
pub mod oauth;
pub mod session;
pub mod store;

use std::sync::{Arc, Mutex};

use secrecy::SecretString;

use crate::api::Credentials;
use store::{Store, StoredCredential};

/// Why no usable credential could be had, or a login failed. The command layer maps it to an
/// exit code (`exit.rs`): `Refused` → 3, `Unreachable` → 4.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No credential, a credential that cannot be used, or a login the server refused.
    #[error("{0}")]
    Refused(String),
    /// The authorization or token endpoint could not be reached.
    #[error("{0}")]
    Unreachable(String),
}

impl AuthError {
    pub fn refused(message: impl Into<String>) -> AuthError {
        AuthError::Refused(message.into())
    }
    pub fn unreachable(message: impl Into<String>) -> AuthError {
        AuthError::Unreachable(message.into())
    }
}

/// Something the auth layer has to tell the user (never a secret). It prints nothing itself:
/// the command layer decides how a notice is shown (a line on stderr, an event of an upload
/// run, nothing under `-q`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Shown with `-v`: a token was refreshed, another process's tokens were adopted.
    Detail(String),
    /// Something went wrong without failing the command.
    Warning(String),
    /// A step of an interactive login the user must act on (the URL to open).
    Prompt(String),
    /// A question answered on stdin, printed without a line break (`Authorization code: `).
    Ask(String),
}

type NoticeFn = Arc<dyn Fn(Notice) + Send + Sync>;

/// Where notices go. Clones share one destination, which the command may re-point (an upload
/// run sends them into its events while its progress is drawn).
#[derive(Clone)]
pub struct Notices(Arc<Mutex<NoticeFn>>);

impl Notices {
    pub fn new(sink: impl Fn(Notice) + Send + Sync + 'static) -> Notices {
        Notices(Arc::new(Mutex::new(Arc::new(sink))))
    }

    /// Notices that go nowhere (tests, probes that report by other means).
    pub fn discard() -> Notices {
        Notices::new(|_| {})
    }

    /// From now on, send notices to `sink`.
    pub fn route(&self, sink: impl Fn(Notice) + Send + Sync + 'static) {
        *self.0.lock().unwrap() = Arc::new(sink);
    }

    pub fn send(&self, notice: Notice) {
        let sink = self.0.lock().unwrap().clone();
        sink(notice);
    }
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notices")
    }
}

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
    /// `FASTIO_TOKEN` (resolved by the settings layer).
    pub env_token: Option<SecretString>,
    /// `FASTIO_API_KEY`.
    pub env_api_key: Option<SecretString>,
    /// `FASTIO_KEYRING`: `auto`, `secret-service` or `keyutils`.
    pub keyring: &'a str,
    pub profile: &'a str,
    pub api_base: &'a str,
    /// Where refresh notices go.
    pub notices: Notices,
}

pub struct Resolved {
    pub source: CredentialSource,
    pub credentials: Arc<dyn Credentials>,
    /// Set when the credential is an OAuth login from the keyring (for `whoami`, tests).
    pub oauth: Option<Arc<session::OAuthSession>>,
}

/// A token goes into an `Authorization` header: a control character in it (a pasted newline)
/// makes it unusable. Refused at once, naming where it came from (never the value).
fn check_token(source: &CredentialSource, token: &SecretString) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    if let Some(c) = token.expose_secret().chars().find(|c| c.is_control()) {
        return Err(AuthError::refused(format!(
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
    if let Some(token) = input.env_token.clone() {
        return fixed(CredentialSource::EnvToken, token);
    }
    if let Some(token) = input.env_api_key.clone() {
        return fixed(CredentialSource::EnvApiKey, token);
    }
    let profile = input.profile;
    let store =
        Store::open_with(profile, input.keyring).map_err(|e| AuthError::refused(e.to_string()))?;
    let stored = store
        .load()
        .map_err(|e| AuthError::refused(e.to_string()))?;
    let Some(stored) = stored else {
        return Err(AuthError::refused(format!(
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
        return Err(AuthError::refused(format!(
            "profile `{profile}` is logged in to {have}, not {want}: run `fastio login --profile {profile}` for {want}"
        )).into());
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
                input.notices.clone(),
            )?);
            Ok(Resolved {
                source,
                credentials: session.clone(),
                oauth: Some(session),
            })
        }
    }
}
