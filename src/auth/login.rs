//! The pieces of `login` and `logout` below the command: keyring calls off the async threads,
//! the API key read without echo, and the check that a new credential works (its user id).

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context as _;
use secrecy::SecretString;

use super::AuthError;
use super::store::StoreError;
use crate::api::{self, ApiError, Client, StaticToken};

/// Run a keyring call off the async threads; a keyring that cannot be used is an
/// [`AuthError::Refused`] (exit 3) naming why.
pub async fn keyring<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .context("keyring thread")?
        .map_err(|e| AuthError::refused(e.to_string()).into())
}

/// `GET /user/auth/check/` with `token`: the caller's user id (`?` when none is named).
pub async fn user_id(
    api_base: &str,
    token: SecretString,
) -> anyhow::Result<Result<String, ApiError>> {
    let client = Client::new(api_base, Arc::new(StaticToken(token)))
        .with_context(|| format!("setting up the HTTP client for {api_base}"))?;
    Ok(match client.get("/user/auth/check/", &[]).await {
        Ok(payload) => {
            Ok(api::envelope::string_field(&payload, "id").unwrap_or_else(|| "?".into()))
        }
        Err(e) => Err(e),
    })
}

/// Why no API key was read.
#[derive(Debug, thiserror::Error)]
pub enum KeyInput {
    #[error("no API key given on stdin")]
    Empty,
    #[error("reading the API key: {0}")]
    Read(#[source] std::io::Error),
    #[error("the API key on stdin is too long: {0}")]
    TooLong(String),
    #[error("the API key on stdin is not UTF-8 text")]
    NotText,
}

/// The API key from stdin (piped) or a no-echo prompt (terminal). Never from an argument.
pub fn read_api_key() -> Result<SecretString, KeyInput> {
    let stdin = std::io::stdin();
    let key = if stdin.is_terminal() {
        rpassword::prompt_password("Fast.io API key: ").map_err(KeyInput::Read)?
    } else {
        let bytes = crate::input::read_at_most(stdin.lock(), crate::input::SECRET_MAX).map_err(
            |e| match e {
                crate::input::InputError::Io(e) => KeyInput::Read(e),
                bound => KeyInput::TooLong(bound.to_string()),
            },
        )?;
        String::from_utf8(bytes).map_err(|_| KeyInput::NotText)?
    };
    match key.trim() {
        "" => Err(KeyInput::Empty),
        key => Ok(SecretString::from(key.to_string())),
    }
}
