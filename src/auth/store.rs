//! The OS keyring: where `fastio login` keeps a profile's secret.
//!
//! One keyring entry per profile (service `fastio`, account = profile name) holds a small JSON
//! document: either an API key, or an OAuth access token, refresh token and expiry. Nothing
//! secret is ever written to a file.
//!
//! Linux backends, chosen by `FASTIO_KEYRING` (`auto` by default):
//! - `secret-service`: the desktop keyring (GNOME Keyring, KWallet) over D-Bus, through the
//!   keyring crate;
//! - `keyutils`: the kernel key store (the user keyring, kept in kernel memory: it lasts while the
//!   user has processes and never survives a reboot);
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
            Backend::SecretService => "Secret Service keyring",
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

/// A backend failure as text (never containing a secret).
#[derive(Debug)]
enum Fault {
    /// The store cannot be used at all.
    Unavailable(String),
    Other(String),
}

/// Run a keyring call on its own thread, giving up after [`DEADLINE`].
fn with_deadline<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Fault> + Send + 'static,
) -> Result<T, Fault> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("fastio-keyring".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| Fault::Unavailable(format!("cannot start the keyring thread: {e}")))?;
    rx.recv_timeout(DEADLINE).unwrap_or_else(|_| {
        Err(Fault::Unavailable(format!(
            "the keyring did not answer within {} s (locked, or waiting for a prompt)",
            DEADLINE.as_secs()
        )))
    })
}

/// A keyring-crate error as text that can never contain the secret (`BadEncoding` carries it).
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

fn fault(err: keyring::Error) -> Fault {
    match err {
        keyring::Error::NoStorageAccess(_) => Fault::Unavailable(describe(&err)),
        other => Fault::Other(describe(&other)),
    }
}

/// The keyring-crate entry for `profile` (Secret Service on Linux, the native store elsewhere).
fn crate_entry(profile: &str) -> Result<keyring::Entry, Fault> {
    #[cfg(target_os = "linux")]
    {
        let cred = keyring::secret_service::SsCredential::new_with_target(None, SERVICE, profile)
            .map_err(fault)?;
        Ok(keyring::Entry::new_with_credential(Box::new(cred)))
    }
    #[cfg(not(target_os = "linux"))]
    keyring::Entry::new(SERVICE, profile).map_err(fault)
}

/// The three operations, per backend. `Ok(None)` / `Ok(false)`: no entry.
fn backend_get(backend: Backend, profile: &str) -> Result<Option<String>, Fault> {
    match backend {
        #[cfg(target_os = "linux")]
        Backend::Keyutils => kernel::get(profile),
        _ => match crate_entry(profile)?.get_password() {
            Ok(doc) => Ok(Some(doc)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(fault(e)),
        },
    }
}

fn backend_set(backend: Backend, profile: &str, doc: &str) -> Result<(), Fault> {
    match backend {
        #[cfg(target_os = "linux")]
        Backend::Keyutils => kernel::set(profile, doc),
        _ => crate_entry(profile)?.set_password(doc).map_err(fault),
    }
}

fn backend_delete(backend: Backend, profile: &str) -> Result<bool, Fault> {
    match backend {
        #[cfg(target_os = "linux")]
        Backend::Keyutils => kernel::delete(profile),
        _ => match crate_entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(fault(e)),
        },
    }
}

/// The kernel key store, used directly. (The keyring crate's keyutils store also links every key
/// into the kernel's per-user *persistent* keyring and fails when that link is refused, which it
/// is in sessions without a PAM login: containers, CI runners. Here the key lives in the user
/// keyring `@u`, readable by the same user's later processes until reboot.)
#[cfg(target_os = "linux")]
mod kernel {
    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    use super::{Fault, SERVICE};

    fn description(profile: &str) -> String {
        format!("{SERVICE}:profile:{profile}")
    }

    fn fault(e: KeyError) -> Fault {
        match e {
            KeyError::OperationNotSupported
            | KeyError::AccessDenied
            | KeyError::PermissionDenied
            | KeyError::KeyringDoesNotExist => Fault::Unavailable(format!("keyctl: {e:?}")),
            other => Fault::Other(format!("keyctl: {other:?}")),
        }
    }

    fn ring() -> Result<KeyRing, Fault> {
        KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(fault)
    }

    fn absent(e: &KeyError) -> bool {
        matches!(
            e,
            KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked
        )
    }

    pub(super) fn get(profile: &str) -> Result<Option<String>, Fault> {
        let key = match ring()?.search(&description(profile)) {
            Ok(key) => key,
            Err(e) if absent(&e) => return Ok(None),
            Err(e) => return Err(fault(e)),
        };
        let bytes = key.read_to_vec().map_err(fault)?;
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Fault::Other("the stored entry is not UTF-8".into()))
    }

    pub(super) fn set(profile: &str, doc: &str) -> Result<(), Fault> {
        // add_key replaces a key of the same type and description in the same keyring.
        let key = ring()?.add_key(&description(profile), doc).map_err(fault)?;
        // Only this user (possessor or same uid) may see, read, update or remove it.
        let perms = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(Permission::ALL)
            .build();
        key.set_perms(perms).map_err(fault)
    }

    pub(super) fn delete(profile: &str) -> Result<bool, Fault> {
        let ring = ring()?;
        match ring.search(&description(profile)) {
            Ok(key) => {
                key.invalidate()
                    .or_else(|_| ring.unlink_key(key))
                    .map_err(fault)?;
                Ok(true)
            }
            Err(e) if absent(&e) => Ok(false),
            Err(e) => Err(fault(e)),
        }
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
    /// Pick the backend automatically (see the module docs) for `profile`'s entry.
    pub fn open(profile: &str) -> Result<Store, StoreError> {
        Store::open_with(profile, "auto")
    }

    /// Open `profile`'s entry in the backend `choice` names (`FASTIO_KEYRING`: `auto`,
    /// `secret-service`, `keyutils`).
    pub fn open_with(profile: &str, choice: &str) -> Result<Store, StoreError> {
        let backend = select_backend(choice)?;
        Ok(Store {
            backend,
            profile: profile.to_string(),
        })
    }

    /// The entry of `profile` in a given backend (tests, and callers that know better).
    pub fn with_backend(backend: Backend, profile: &str) -> Store {
        Store {
            backend,
            profile: profile.to_string(),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn error(&self, op: &'static str, f: Fault) -> StoreError {
        match f {
            Fault::Unavailable(reason) => StoreError::Unavailable { reason },
            Fault::Other(detail) => StoreError::Failed {
                op,
                profile: self.profile.clone(),
                detail,
            },
        }
    }

    /// The stored credential, or `None` when the profile has none.
    pub fn load(&self) -> Result<Option<StoredCredential>, StoreError> {
        let (backend, profile) = (self.backend, self.profile.clone());
        let doc = with_deadline(move || backend_get(backend, &profile))
            .map_err(|f| self.error("read", f))?;
        doc.map(|doc| {
            StoredCredential::from_document(&doc).map_err(|detail| StoreError::Corrupt {
                profile: self.profile.clone(),
                detail,
            })
        })
        .transpose()
    }

    /// Store (replace) the profile's credential.
    pub fn save(&self, cred: &StoredCredential) -> Result<(), StoreError> {
        let doc = cred.to_document();
        let (backend, profile) = (self.backend, self.profile.clone());
        with_deadline(move || backend_set(backend, &profile, doc.expose_secret()))
            .map_err(|f| self.error("write", f))
    }

    /// Remove the profile's entry; `Ok(false)` when there was none.
    pub fn delete(&self) -> Result<bool, StoreError> {
        let (backend, profile) = (self.backend, self.profile.clone());
        with_deadline(move || backend_delete(backend, &profile))
            .map_err(|f| self.error("delete", f))
    }
}

/// Whether a store answers at all: reading an entry that does not exist must say "no entry".
#[cfg(target_os = "linux")]
fn probe(backend: Backend) -> Result<(), String> {
    match with_deadline(move || backend_get(backend, "probe")) {
        Ok(_) => Ok(()),
        Err(Fault::Unavailable(e) | Fault::Other(e)) => Err(e),
    }
}

#[cfg(target_os = "linux")]
fn select_backend(choice: &str) -> Result<Backend, StoreError> {
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
fn select_backend(_choice: &str) -> Result<Backend, StoreError> {
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
