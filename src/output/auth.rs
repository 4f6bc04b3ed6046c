//! How `fastio login` and `fastio whoami` report: lines on stderr (`whoami`'s on stdout), or
//! one `--json` object in the common envelope: `{"v":1,"type":"login","profile","user_id",
//! "api_base","backend"}` and `{"v":1,"type":"whoami","source","profile","kind","user_id",
//! "expires_at","api_base"}`. No secret is ever part of either.

/// A line on stdout (see [`super::stdout`]).
macro_rules! out {
    ($($t:tt)*) => { super::stdout::line(&format!($($t)*)) };
}

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use super::{Printer, json_line};
use crate::auth::CredentialSource;
use crate::auth::store::Backend;

/// A finished login.
pub struct LoggedIn<'a> {
    pub api_base: &'a str,
    pub user_id: &'a str,
    pub profile: &'a str,
    pub backend: Backend,
    /// A credential that is used before the stored one (`--token`, `FASTIO_TOKEN`, ...).
    pub overriding: Option<&'a str>,
}

pub fn logged_in(p: &Printer, l: &LoggedIn<'_>) {
    if !p.quiet {
        eprintln!(
            "Logged in to {} as user {}; profile `{}` stored in the {}",
            l.api_base, l.user_id, l.profile, l.backend
        );
        if l.backend == Backend::Keyutils {
            eprintln!(
                "note: no Secret Service is running, so the kernel keyring keeps it: it is gone \
                 after a reboot"
            );
        }
    }
    if let Some(name) = l.overriding {
        eprintln!("note: {name} is set and is used before this stored login");
    }
    if p.json {
        json_line(json!({
            "type": "login",
            "profile": l.profile,
            "user_id": l.user_id,
            "api_base": l.api_base,
            "backend": l.backend.to_string(),
        }));
    }
}

/// After `logout` of `profile`: `None` when it had nothing stored, else whether an OAuth
/// session was revoked too.
pub fn logged_out(p: &Printer, profile: &str, revoked: Option<bool>) {
    if p.quiet {
        return;
    }
    match revoked {
        None => eprintln!("profile `{profile}` has no stored credentials"),
        Some(revoked) => eprintln!(
            "Logged out: removed the credentials of profile `{profile}`{}",
            if revoked {
                " and revoked its OAuth session"
            } else {
                ""
            }
        ),
    }
}

/// Who the credential in use is.
pub struct Whoami<'a> {
    pub source: &'a CredentialSource,
    /// An OAuth login (else a key or a fixed token).
    pub oauth: bool,
    pub user_id: &'a str,
    pub expires: Option<DateTime<Utc>>,
    pub api_base: &'a str,
}

pub fn whoami(p: &Printer, w: &Whoami<'_>) {
    let expires = w
        .expires
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    if p.json {
        let (source_kind, profile) = match w.source {
            CredentialSource::Flag => ("flag", None),
            CredentialSource::EnvToken => ("env:FASTIO_TOKEN", None),
            CredentialSource::EnvApiKey => ("env:FASTIO_API_KEY", None),
            CredentialSource::Keyring { profile } => ("keyring", Some(profile.clone())),
            CredentialSource::Emulator => ("emulator", None),
        };
        json_line(json!({
            "type": "whoami",
            "source": source_kind,
            "profile": profile,
            "kind": if w.oauth { "oauth" } else { "token" },
            "user_id": w.user_id,
            "expires_at": expires,
            "api_base": w.api_base,
        }));
        return;
    }
    let how = if w.oauth { " (OAuth login)" } else { "" };
    out!("source:   {}{how}", w.source);
    out!("user:     {}", w.user_id);
    match (w.expires, expires) {
        (Some(t), Some(at)) => {
            let left = (t.timestamp_millis() - crate::auth::oauth::now_ms()) / 1000;
            out!(
                "expires:  {at} (in {} s; refreshed automatically)",
                left.max(0)
            );
        }
        _ => out!("expires:  never (a key or token without recorded expiry)"),
    }
    out!("api base: {}", w.api_base);
}
