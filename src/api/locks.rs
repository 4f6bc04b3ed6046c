//! File and folder locks (fastio-api.md §6): acquire, status, heartbeat, release.
//!
//! The lock payload is not documented; the client accepts `lock_token` at the top level or under
//! `lock`, `expires` as epoch seconds (milliseconds above 10^12) or an ISO 8601 / `… UTC` string,
//! and `locked_by` as a string, a number or an object with an id/name/email.

use serde_json::Value;

use super::envelope::string_field;
use super::{ApiError, Client};

/// Shortest and longest lock the service grants, in seconds.
pub const MIN_DURATION: u64 = 60;
pub const MAX_DURATION: u64 = 3600;

/// What the server says about one lock.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LockInfo {
    /// Only present in the answer to an acquire.
    pub token: Option<String>,
    pub node_id: Option<String>,
    /// Who holds it, as the server names them (user id, name or email).
    pub locked_by: Option<String>,
    /// Unix time (seconds) when the lock lapses without a heartbeat.
    pub expires_epoch: Option<i64>,
    pub duration: Option<u64>,
    pub client_info: Option<Value>,
}

impl LockInfo {
    /// Seconds until expiry as of `now_epoch` (never negative).
    pub fn expires_in(&self, now_epoch: i64) -> Option<u64> {
        self.expires_epoch
            .map(|e| e.saturating_sub(now_epoch).max(0) as u64)
    }

    /// The device name the holder announced in `client_info`, if any.
    pub fn device_name(&self) -> Option<&str> {
        self.client_info
            .as_ref()?
            .get("device_name")
            .and_then(Value::as_str)
    }
}

/// `GET …/lock/`: locked or not, and by whom.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LockStatus {
    pub locked: bool,
    pub lock: Option<LockInfo>,
}

fn lock_path(workspace_id: &str, node_id: &str) -> String {
    super::storage::storage_path(workspace_id, node_id, "lock/")
}

/// Take a lock on `node_id` for `duration` seconds. `client_info` is sent as a JSON string.
pub async fn acquire(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
    duration: u64,
    client_info: &Value,
) -> Result<LockInfo, ApiError> {
    let form = [
        ("duration", duration.to_string()),
        ("client_info", client_info.to_string()),
    ];
    let payload = client
        .post_form(&lock_path(workspace_id, node_id), &form)
        .await?;
    let info = parse_lock(&payload);
    if info.token.is_none() {
        return Err(ApiError::Decode {
            method: "POST".into(),
            path: lock_path(workspace_id, node_id),
            detail: "the lock answer carries no `lock_token`".into(),
        });
    }
    Ok(info)
}

pub async fn status(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
) -> Result<LockStatus, ApiError> {
    let payload = client.get(&lock_path(workspace_id, node_id), &[]).await?;
    Ok(parse_status(&payload))
}

/// Extend a lock we hold. Returns what the server says about it afterwards.
pub async fn heartbeat(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
    token: &str,
) -> Result<LockInfo, ApiError> {
    let path = format!("{}heartbeat/", lock_path(workspace_id, node_id));
    // Extending a lock twice is harmless: retried like a read.
    let payload = client
        .post_form_idempotent(&path, &[("lock_token", token.to_string())])
        .await?;
    Ok(parse_lock(&payload))
}

/// Release a lock we hold; the token travels in a form-encoded DELETE body.
pub async fn release(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
    token: &str,
) -> Result<(), ApiError> {
    client
        .delete_form(
            &lock_path(workspace_id, node_id),
            &[("lock_token", token.to_string())],
        )
        .await?;
    Ok(())
}

/// Is this error "someone else holds the lock"? 423 (code 1677 or any other).
pub fn is_locked_error(err: &ApiError) -> bool {
    err.status() == Some(423) || err.code() == 1677
}

/// Read a lock object from a payload: under `lock` if present, else the payload itself.
pub fn parse_lock(payload: &Value) -> LockInfo {
    let inner = payload
        .get("lock")
        .filter(|v| v.is_object())
        .unwrap_or(payload);
    let token = find_token(payload);
    let duration = inner.get("duration").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    LockInfo {
        token,
        node_id: string_field(inner, "node_id").or_else(|| string_field(inner, "id")),
        locked_by: inner
            .get("locked_by")
            .or_else(|| inner.get("user"))
            .and_then(holder_name),
        expires_epoch: ["expires", "expires_at", "expiry"]
            .iter()
            .find_map(|k| inner.get(*k))
            .and_then(parse_time),
        duration,
        client_info: inner.get("client_info").and_then(|v| match v {
            Value::Object(_) => Some(v.clone()),
            // Some servers echo the form field back as the JSON string it was sent as.
            Value::String(s) => serde_json::from_str(s).ok(),
            _ => None,
        }),
    }
}

/// Read a status payload: `{"locked": bool, "lock": {…}|null}`, or `locked` wherever the
/// payload nests it (`{"lock": {"locked": false}}`); with no `locked` anywhere, a lock object
/// that names a holder, a token or an expiry counts as locked.
pub fn parse_status(payload: &Value) -> LockStatus {
    let lock = payload
        .get("lock")
        .filter(|v| v.is_object())
        .map(|_| parse_lock(payload));
    let flag = |v: &Value| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(matches!(s.trim(), "true" | "yes" | "1")),
        Value::Number(n) => Some(n.as_i64().unwrap_or(0) != 0),
        _ => None,
    };
    let locked = payload
        .get("locked")
        .and_then(flag)
        .or_else(|| find_key(payload, "locked").and_then(flag))
        .unwrap_or_else(|| {
            lock.as_ref().is_some_and(|l| {
                l.locked_by.is_some() || l.token.is_some() || l.expires_epoch.is_some()
            })
        });
    LockStatus {
        locked,
        lock: if locked { lock } else { None },
    }
}

/// The lock token wherever the acquire payload puts it: `lock_token` (or `token`) at the top,
/// under `lock`, or in any nested object (breadth first, `lock_token` preferred).
pub fn find_token(payload: &Value) -> Option<String> {
    let mut level: Vec<&Value> = vec![payload];
    while !level.is_empty() {
        for key in ["lock_token", "token"] {
            if let Some(t) = level.iter().find_map(|v| string_field(v, key)) {
                return Some(t);
            }
        }
        level = level
            .iter()
            .filter_map(|v| v.as_object())
            .flat_map(|m| m.values().filter(|v| v.is_object()))
            .collect();
    }
    None
}

/// The first value under `key` in any nested object of `payload` (breadth first).
fn find_key<'a>(payload: &'a Value, key: &str) -> Option<&'a Value> {
    let mut level: Vec<&Value> = vec![payload];
    while !level.is_empty() {
        if let Some(v) = level.iter().find_map(|v| v.get(key)) {
            return Some(v);
        }
        level = level
            .iter()
            .filter_map(|v| v.as_object())
            .flat_map(|m| m.values().filter(|v| v.is_object()))
            .collect();
    }
    None
}

fn holder_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(_) => ["email", "name", "display_name", "id", "user_id"]
            .iter()
            .find_map(|k| string_field(v, k)),
        _ => None,
    }
}

/// Epoch seconds (milliseconds above 10^12), or an RFC 3339 / `YYYY-MM-DD HH:MM:SS[ UTC]` string.
fn parse_time(v: &Value) -> Option<i64> {
    let from_num = |n: i64| if n > 1_000_000_000_000 { n / 1000 } else { n };
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(from_num),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i64>() {
                return Some(from_num(n));
            }
            if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
                return Some(dt.timestamp());
            }
            let bare = s.trim_end_matches("UTC").trim();
            chrono::NaiveDateTime::parse_from_str(bare, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|dt| dt.and_utc().timestamp())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_at_top_level_or_under_lock() {
        let nested = json!({"lock": {"lock_token": "t1", "node_id": "n", "locked_by": "42",
                                     "expires": 1_800_000_000, "duration": 300,
                                     "client_info": {"device_name": "ci-7"}}});
        let info = parse_lock(&nested);
        assert_eq!(info.token.as_deref(), Some("t1"));
        assert_eq!(info.locked_by.as_deref(), Some("42"));
        assert_eq!(info.expires_epoch, Some(1_800_000_000));
        assert_eq!(info.device_name(), Some("ci-7"));
        assert_eq!(info.expires_in(1_799_999_900), Some(100));

        let flat = json!({"lock_token": "t2", "expires": "2027-01-15T08:00:00Z",
                          "locked_by": {"id": 7, "email": "a@b.c"},
                          "client_info": "{\"device_name\":\"x\"}"});
        let info = parse_lock(&flat);
        assert_eq!(info.token.as_deref(), Some("t2"));
        assert_eq!(info.locked_by.as_deref(), Some("a@b.c"));
        assert_eq!(info.expires_epoch, Some(1_800_000_000));
        assert_eq!(info.device_name(), Some("x"));
    }

    /// Rule 8: `lock_token` or `token`, at any depth of the acquire payload.
    #[test]
    fn token_found_wherever_it_is() {
        for p in [
            json!({"lock_token": "t"}),
            json!({"token": "t"}),
            json!({"lock": {"token": "t", "node_id": "n"}}),
            json!({"result": {"lock": {"lock_token": "t"}}}),
            json!({"lock": {"node_id": "n"}, "meta": {"token": "t"}}),
        ] {
            assert_eq!(find_token(&p).as_deref(), Some("t"), "{p}");
        }
        assert_eq!(find_token(&json!({"lock": {"node_id": "n"}})), None);
        assert_eq!(
            find_token(&json!({"token": "outer", "lock": {"lock_token": "inner"}})).as_deref(),
            Some("outer")
        );
    }

    #[test]
    fn status_shapes() {
        let free = parse_status(&json!({"locked": false, "lock": null}));
        assert!(!free.locked && free.lock.is_none());
        let held = parse_status(&json!({"locked": true, "lock": {"locked_by": 9,
                                        "expires": 1_800_000_000_000i64}}));
        assert!(held.locked);
        let lock = held.lock.unwrap();
        assert_eq!(lock.locked_by.as_deref(), Some("9"));
        assert_eq!(lock.expires_epoch, Some(1_800_000_000));
        let bare = parse_status(&json!({"lock": {"locked_by": "x"}}));
        assert!(bare.locked);
        // `locked` read wherever it is nested.
        let nested = parse_status(&json!({"lock": {"locked": false, "node_id": "n"}}));
        assert!(!nested.locked && nested.lock.is_none());
        let nested = parse_status(&json!({"lock": {"locked": "true", "locked_by": 3}}));
        assert!(nested.locked);
        assert!(!parse_status(&json!({"lock": {"node_id": "n"}})).locked);
    }
}
