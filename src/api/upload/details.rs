//! The state of an upload session ([`Session`], §3.7) and polling it: `GET
//! /upload/{id}/details/` with long-poll, and the pause between polls.

use std::collections::HashMap;

use serde_json::Value;

use super::u64_field;
use crate::api::envelope::string_field;
use crate::api::{ApiError, Client, segment};

/// The state of an upload session (§3.7).
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub status: String,
    pub status_message: Option<String>,
    pub new_file_id: Option<String>,
    /// Chunk number → bytes stored.
    pub chunks: HashMap<u64, u64>,
    pub size: Option<u64>,
    pub hash: Option<String>,
    pub hash_algo: Option<String>,
}

impl Session {
    pub fn from_json(payload: &Value) -> Session {
        let s = payload.get("session").unwrap_or(payload);
        let mut chunks = HashMap::new();
        match s.get("chunks") {
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    let n = match v {
                        Value::Number(n) => n.as_u64(),
                        Value::String(x) => x.parse().ok(),
                        Value::Object(_) => u64_field(v, "size"),
                        _ => None,
                    };
                    if let (Ok(order), Some(n)) = (k.parse::<u64>(), n) {
                        chunks.insert(order, n);
                    }
                }
            }
            Some(Value::Array(items)) => {
                for item in items {
                    if let (Some(order), Some(n)) =
                        (u64_field(item, "order"), u64_field(item, "size"))
                    {
                        chunks.insert(order, n);
                    }
                }
            }
            _ => {}
        }
        Session {
            status: string_field(s, "status").unwrap_or_default(),
            status_message: string_field(s, "status_message").filter(|m| !m.is_empty()),
            new_file_id: string_field(s, "new_file_id").filter(|m| !m.is_empty()),
            chunks,
            size: u64_field(s, "size"),
            hash: string_field(s, "hash").filter(|m| !m.is_empty()),
            hash_algo: string_field(s, "hash_algo").map(|a| a.to_ascii_lowercase()),
        }
    }

    pub fn is_stored(&self) -> bool {
        self.status == "stored"
    }

    pub fn is_failed(&self) -> bool {
        matches!(self.status.as_str(), "assembly_failed" | "store_failed")
    }
}

/// Seconds per details long-poll (harmless whether the server reads them as seconds or ms).
pub const WAIT_SECS: u64 = 30;
/// The long-poll wait for a client whose stall limit is `stall`: [`WAIT_SECS`] at most, and
/// never more than half the stall limit, or a long-poll that waits would look stalled.
pub fn long_poll_secs(stall: std::time::Duration) -> u64 {
    (stall.as_secs() / 2).min(WAIT_SECS)
}

/// Pause before polling again when the server answered at once with an unchanged status.
pub const POLL_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);
/// An answer quicker than this did not wait.
const ANSWERED_AT_ONCE: std::time::Duration = std::time::Duration::from_millis(1000);

/// After a details answer, how long to pause before the next one: [`POLL_PAUSE`] when the
/// answer came back at once with the status of the answer before (the server read `wait` as
/// milliseconds, or ignores it), so a non-terminal session is never polled in a tight loop.
pub fn poll_pause(
    answered_in: std::time::Duration,
    previous: Option<&str>,
    status: &str,
) -> std::time::Duration {
    if answered_in < ANSWERED_AT_ONCE && previous == Some(status) {
        POLL_PAUSE
    } else {
        std::time::Duration::ZERO
    }
}

/// `GET /upload/{id}/details/[?wait=SECS]`: the session; with `wait`, the server holds the
/// request until the status changes (seconds, clamped by the server).
pub async fn session_details(
    client: &Client,
    upload_id: &str,
    wait: Option<u64>,
) -> Result<Session, ApiError> {
    let path = format!("/upload/{}/details/", segment(upload_id));
    let query: Vec<(&str, String)> = wait.map(|w| ("wait", w.to_string())).into_iter().collect();
    Ok(Session::from_json(&client.get(&path, &query).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Rule 4: an immediate answer with an unchanged non-terminal status is followed by a pause;
    /// a real long-poll answer (it waited) or a status change is not.
    #[test]
    fn immediate_unchanged_answers_pause() {
        use std::time::Duration;
        let quick = Duration::from_millis(5);
        assert_eq!(
            poll_pause(quick, Some("assembling"), "assembling"),
            POLL_PAUSE
        );
        assert_eq!(
            poll_pause(quick, Some("assembling"), "storing"),
            Duration::ZERO
        );
        assert_eq!(poll_pause(quick, None, "assembling"), Duration::ZERO);
        assert_eq!(
            poll_pause(Duration::from_secs(30), Some("storing"), "storing"),
            Duration::ZERO
        );
    }

    /// A long-poll never waits as long as the stall limit.
    #[test]
    fn long_polls_stay_under_the_stall_limit() {
        use std::time::Duration;
        assert_eq!(long_poll_secs(Duration::from_secs(60)), 30);
        assert_eq!(long_poll_secs(Duration::from_secs(10)), 5);
        assert_eq!(long_poll_secs(Duration::from_secs(1)), 0);
    }

    #[test]
    fn session_chunks_map_with_string_keys() {
        let s = Session::from_json(&json!({"session": {"status": "uploading",
            "chunks": {"1": 1048576, "3": "10"}}}));
        assert_eq!(s.chunks.get(&1), Some(&1048576));
        assert_eq!(s.chunks.get(&3), Some(&10));
        assert!(!s.is_stored());
    }
}
