//! How `fastio lock` shows a lock: its holder in one line, its JSON object, a shell-safe label.

use serde_json::{Value, json};

use crate::api::locks::LockInfo;
use crate::locks::{human_secs, now_epoch};

/// A lock's target as shown: its path, `/` for the workspace root.
pub fn display(label: &str) -> &str {
    if label.is_empty() { "/" } else { label }
}

/// `s` as one shell word (quoted when it must be), for a command line the user can paste.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Who holds a lock, on which device, and for how long yet.
pub fn holder_line(info: &LockInfo) -> String {
    let who = info.locked_by.as_deref().unwrap_or("another client");
    let mut s = match info.device_name() {
        Some(dev) => format!("{who} ({dev})"),
        None => who.to_string(),
    };
    if let Some(secs) = info.expires_in(now_epoch()) {
        s.push_str(&format!(", expires in {}", human_secs(secs)));
    }
    s
}

/// The `--json` object of a lock (`type` is `kind`); the token only where the user asked for it.
pub fn lock_json(
    kind: &str,
    path: &str,
    node_id: &str,
    info: &LockInfo,
    token: Option<&str>,
) -> Value {
    let mut v = json!({
        "type": kind,
        "path": path,
        "node_id": node_id,
        "locked_by": info.locked_by,
        "expires": info.expires_epoch,
        "expires_in": info.expires_in(now_epoch()),
        "duration": info.duration,
        "client_info": info.client_info,
    });
    if let Some(token) = token {
        v["lock_token"] = Value::String(token.to_string());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("reports/2026"), "reports/2026");
        assert_eq!(shell_word("my files"), "'my files'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
