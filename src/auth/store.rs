//! The OS keyring: where `fastio login` keeps a profile's secret.
//!
//! One keyring entry per profile (service `fastio`, account = profile name) holds a small JSON
//! document: either an API key, or an OAuth access token, refresh token and expiry. Nothing
//! secret is ever written to a file.
//!
//! Linux backends, chosen by `FASTIO_KEYRING` (`auto` by default):
//! - `secret-service`: the desktop keyring (GNOME Keyring, KWallet) over D-Bus, with the kernel
//!   keyutils store as a cache, which is the keyring crate's `linux-native-sync-persistent` store;
//! - `keyutils`: the kernel key store alone (kept in memory by the kernel: it survives logouts
//!   for a few days but not a reboot);
//! - `auto`: Secret Service when one answers on the session bus, otherwise the kernel store.
//!
//! When neither serves (a container whose seccomp profile blocks `keyctl`, for example) every
//! operation fails fast with [`StoreError::Unavailable`], and the user is told to use
//! `FASTIO_API_KEY`. There is no plaintext fallback. Every keyring call runs on its own thread
//! under a deadline, so a D-Bus service that never answers (or waits on an unlock prompt nobody
//! will see) cannot hang the command.

use std::sync::mpsc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

/// Keyring service name under which profiles are stored.
pub const SERVICE: &str = "fastio";

/// How long one keyring operation may take before the keyring is declared unavailable.
const DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No usable OS keyring on this machine.
    #[error(
        "no OS keyring is available ({reason}): set FASTIO_API_KEY (or pass --token) instead of `fastio login`"
    )]
    Unavailable { reason: String },
    /// The keyring answered, but the operation failed.
    #[error("keyring {op} for profile `{profile}` failed: {detail}")]
    Failed {
        op: &'static str,
        profile: String,
        detail: String,
    },
    /// The entry exists but is not a document this version understands.
    #[error("the keyring entry of profile `{profile}` is not readable by this fastio: {detail}")]
    Corrupt { profile: String, detail: String },
}

/// Which kernel/desktop store holds the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Secret Service over D-Bus, with the kernel keyutils store as a cache.
    SecretService,
    /// The kernel keyutils store alone.
    Keyutils,
    /// The platform's native store (macOS Keychain, Windows Credential Manager).
    Native,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "Secret Service (with the kernel keyutils cache)",
            Backend::Keyutils => "kernel keyutils store (cleared at reboot)",
            Backend::Native => "OS keychain",
        })
    }
}

/// A profile's stored credential.
pub enum StoredCredential {
    ApiKey { api_base: String, key: SecretString },
    OAuth(OAuthTokens),
}

/// Tokens from the OAuth token endpoint, as kept in the keyring.
#[derive(Clone)]
pub struct OAuthTokens {
    pub api_base: String,
    pub client_id: String,
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// Unix milliseconds when the access token lapses, when the server said.
    pub expires_at_ms: Option<i64>,
    /// The access token's lifetime as issued (`expires_in`), in milliseconds.
    pub lifetime_ms: Option<i64>,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("api_base", &self.api_base)
            .field("client_id", &self.client_id)
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

impl std::fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoredCredential::ApiKey { api_base, .. } => f
                .debug_struct("ApiKey")
                .field("api_base", api_base)
                .field("key", &"[redacted]")
                .finish(),
            StoredCredential::OAuth(t) => t.fmt(f),
        }
    }
}

impl StoredCredential {
    pub fn api_base(&self) -> &str {
        match self {
            StoredCredential::ApiKey { api_base, .. } => api_base,
            StoredCredential::OAuth(t) => &t.api_base,
        }
    }

    /// The JSON document kept in the keyring (it holds the secrets: never log it).
    fn to_document(&self) -> SecretString {
        let value = match self {
            StoredCredential::ApiKey { api_base, key } => json!({
                "version": 1,
                "kind": "api_key",
                "api_base": api_base,
                "api_key": key.expose_secret(),
            }),
            StoredCredential::OAuth(t) => json!({
                "version": 1,
                "kind": "oauth",
                "api_base": t.api_base,
                "client_id": t.client_id,
                "access_token": t.access_token.expose_secret(),
                "refresh_token": t.refresh_token.as_ref().map(|s| s.expose_secret()),
                "expires_at_ms": t.expires_at_ms,
                "lifetime_ms": t.lifetime_ms,
            }),
        };
        SecretString::from(value.to_string())
    }

    fn from_document(doc: &str) -> Result<StoredCredential, String> {
        let v: Value = serde_json::from_str(doc).map_err(|_| "not a JSON document".to_string())?;
        let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let secret = |key: &str| text(key).map(SecretString::from);
        let api_base = text("api_base").ok_or("no `api_base`")?;
        match v.get("kind").and_then(Value::as_str) {
            Some("api_key") => Ok(StoredCredential::ApiKey {
                api_base,
                key: secret("api_key").ok_or("no `api_key`")?,
            }),
            Some("oauth") => Ok(StoredCredential::OAuth(OAuthTokens {
                api_base,
                client_id: text("client_id").unwrap_or_else(|| "fastio-cli".into()),
                access_token: secret("access_token").ok_or("no `access_token`")?,
                refresh_token: secret("refresh_token"),
                expires_at_ms: v.get("expires_at_ms").and_then(Value::as_i64),
                lifetime_ms: v.get("lifetime_ms").and_then(Value::as_i64),
            })),
            _ => Err("unknown `kind`".into()),
        }
    }
}

/// Run a keyring call on its own thread, giving up after [`DEADLINE`].
fn with_deadline<T: Send + 'static>(
    f: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<keyring::Result<T>, StoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("fastio-keyring".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| StoreError::Unavailable {
            reason: format!("cannot start the keyring thread: {e}"),
        })?;
    rx.recv_timeout(DEADLINE)
        .map_err(|_| StoreError::Unavailable {
            reason: format!(
                "the keyring did not answer within {} s (locked, or waiting for a prompt)",
                DEADLINE.as_secs()
            ),
        })
}

/// A keyring error as text that can never contain the secret (`BadEncoding` carries the bytes).
fn describe(err: &keyring::Error) -> String {
    match err {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => e.to_string(),
        keyring::Error::BadEncoding(_) => "the stored entry is not UTF-8".into(),
        keyring::Error::NoEntry => "no entry".into(),
        keyring::Error::TooLong(what, max) => format!("{what} longer than {max}"),
        keyring::Error::Invalid(what, why) => format!("invalid {what}: {why}"),
        keyring::Error::Ambiguous(_) => "more than one matching entry".into(),
        _ => "unknown keyring error".into(),
    }
}

/// The keyring for one profile.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    profile: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("profile", &self.profile)
            .finish()
    }
}

impl Store {
    /// Pick the backend (see the module docs) for `profile`'s entry.
    pub fn open(profile: &str) -> Result<Store, StoreError> {
        let backend = select_backend()?;
        Ok(Store {
            backend,
            profile: profile.to_string(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn entry(backend: Backend, profile: &str) -> keyring::Result<keyring::Entry> {
        entry_for(backend, profile)
    }

    /// The stored credential, or `None` when the profile has none.
    pub fn load(&self) -> Result<Option<StoredCredential>, StoreError> {
        let (backend, profile) = (self.backend, self.profile.clone());
        let got = with_deadline(move || Store::entry(backend, &profile)?.get_password())?;
        match got {
            Ok(doc) => StoredCredential::from_document(&doc)
                .map(Some)
                .map_err(|detail| StoreError::Corrupt {
                    profile: self.profile.clone(),
                    detail,
                }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.failed("read", &e)),
        }
    }

    /// Store (replace) the profile's credential.
    pub fn save(&self, cred: &StoredCredential) -> Result<(), StoreError> {
        let doc = cred.to_document();
        let (backend, profile) = (self.backend, self.profile.clone());
        with_deadline(move || Store::entry(backend, &profile)?.set_password(doc.expose_secret()))?
            .map_err(|e| self.failed("write", &e))
    }

    /// Remove the profile's entry; `Ok(false)` when there was none.
    pub fn delete(&self) -> Result<bool, StoreError> {
        let (backend, profile) = (self.backend, self.profile.clone());
        let got = with_deadline(move || Store::entry(backend, &profile)?.delete_credential())?;
        match got {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.failed("delete", &e)),
        }
    }

    fn failed(&self, op: &'static str, err: &keyring::Error) -> StoreError {
        if matches!(err, keyring::Error::NoStorageAccess(_)) {
            return StoreError::Unavailable {
                reason: describe(err),
            };
        }
        StoreError::Failed {
            op,
            profile: self.profile.clone(),
            detail: describe(err),
        }
    }
}

#[cfg(target_os = "linux")]
fn entry_for(backend: Backend, profile: &str) -> keyring::Result<keyring::Entry> {
    use keyring::credential::Credential;
    let cred: Box<Credential> = match backend {
        Backend::SecretService => Box::new(
            keyring::keyutils_persistent::KeyutilsPersistentCredential::new_with_target(
                None, SERVICE, profile,
            )?,
        ),
        Backend::Keyutils | Backend::Native => Box::new(
            keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, profile)?,
        ),
    };
    Ok(keyring::Entry::new_with_credential(cred))
}

#[cfg(not(target_os = "linux"))]
fn entry_for(_backend: Backend, profile: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, profile)
}

/// Whether a store answers at all: reading an entry that does not exist must say "no entry".
#[cfg(target_os = "linux")]
fn probe(backend: Backend) -> Result<(), String> {
    use keyring::credential::CredentialApi;
    let got = with_deadline(move || match backend {
        Backend::SecretService => {
            keyring::secret_service::SsCredential::new_with_target(None, SERVICE, "probe")?
                .get_password()
        }
        _ => keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, "probe")?
            .get_password(),
    })
    .map_err(|e| match e {
        StoreError::Unavailable { reason } => reason,
        other => other.to_string(),
    })?;
    match got {
        Ok(_) | Err(keyring::Error::NoEntry) | Err(keyring::Error::Ambiguous(_)) => Ok(()),
        Err(e) => Err(describe(&e)),
    }
}

#[cfg(target_os = "linux")]
fn select_backend() -> Result<Backend, StoreError> {
    let choice = std::env::var("FASTIO_KEYRING").unwrap_or_default();
    let unavailable = |reason: String| StoreError::Unavailable { reason };
    match choice.trim() {
        "secret-service" => probe(Backend::SecretService)
            .map(|()| Backend::SecretService)
            .map_err(|e| unavailable(format!("no Secret Service: {e}"))),
        "keyutils" => probe(Backend::Keyutils)
            .map(|()| Backend::Keyutils)
            .map_err(|e| unavailable(format!("kernel keyutils store refused: {e}"))),
        "" | "auto" => match probe(Backend::SecretService) {
            Ok(()) => Ok(Backend::SecretService),
            Err(ss) => match probe(Backend::Keyutils) {
                Ok(()) => Ok(Backend::Keyutils),
                Err(ku) => Err(unavailable(format!(
                    "no Secret Service ({ss}) and the kernel keyutils store refused ({ku})"
                ))),
            },
        },
        other => Err(unavailable(format!(
            "FASTIO_KEYRING=`{other}` is not one of auto, secret-service, keyutils"
        ))),
    }
}

#[cfg(not(target_os = "linux"))]
fn select_backend() -> Result<Backend, StoreError> {
    Ok(Backend::Native)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_and_debug_hides_secrets() {
        let cred = StoredCredential::OAuth(OAuthTokens {
            api_base: "http://127.0.0.1:1/current".into(),
            client_id: "fastio-cli".into(),
            access_token: SecretString::from("acc-SECRET-1"),
            refresh_token: Some(SecretString::from("ref-SECRET-2")),
            expires_at_ms: Some(1_900_000_000_000),
            lifetime_ms: Some(3_600_000),
        });
        let debug = format!("{cred:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        let doc = cred.to_document();
        let back = StoredCredential::from_document(doc.expose_secret()).unwrap();
        match back {
            StoredCredential::OAuth(t) => {
                assert_eq!(t.access_token.expose_secret(), "acc-SECRET-1");
                assert_eq!(
                    t.refresh_token.as_ref().unwrap().expose_secret(),
                    "ref-SECRET-2"
                );
                assert_eq!(t.expires_at_ms, Some(1_900_000_000_000));
            }
            other => panic!("wrong kind: {other:?}"),
        }
        let key = StoredCredential::ApiKey {
            api_base: "b".into(),
            key: SecretString::from("KEY-SECRET"),
        };
        assert!(!format!("{key:?}").contains("SECRET"));
        assert!(StoredCredential::from_document("{\"kind\":\"x\",\"api_base\":\"b\"}").is_err());
    }
}
