//! The activity hub: `bump(key)` records that something changed; `GET /activity/poll/{id}/`
//! long-polls for keys changed since `lastactivity`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::json;
use tokio::sync::watch;

use super::AppState;
use super::caller::Caller;
use super::wire::{self, ApiResult, Fields};

/// Change keys (`upload:{id}`, `storage:{node}`, `ai_chat:{chat}`, `ai_state:{node}`, …) with the
/// sequence number of their last change.
pub struct ActivityHub {
    inner: Mutex<HashMap<String, u64>>,
    seq: watch::Sender<u64>,
}

impl Default for ActivityHub {
    fn default() -> Self {
        ActivityHub {
            inner: Mutex::new(HashMap::new()),
            seq: watch::channel(0).0,
        }
    }
}

impl ActivityHub {
    /// Record a change of `key` and wake every poller.
    pub fn bump(&self, key: impl Into<String>) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let next = *self.seq.borrow() + 1;
        m.insert(key.into(), next);
        self.seq.send_replace(next);
    }

    /// The current sequence number.
    pub fn current(&self) -> u64 {
        *self.seq.borrow()
    }

    /// Keys changed after `since`, and the current sequence.
    pub fn since(&self, since: u64) -> (Vec<String>, u64) {
        let m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let cur = *self.seq.borrow();
        let mut keys: Vec<(u64, String)> = m
            .iter()
            .filter(|(_, s)| **s > since)
            .map(|(k, s)| (*s, k.clone()))
            .collect();
        keys.sort();
        (keys.into_iter().map(|(_, k)| k).collect(), cur)
    }

    /// Wait until something changes after `since` or `wait` passes.
    pub async fn wait_since(&self, since: u64, wait: Duration) -> (Vec<String>, u64) {
        let mut rx = self.seq.subscribe();
        let _ = tokio::time::timeout(wait, rx.wait_for(|s| *s > since)).await;
        self.since(since)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/activity/poll/{id}", get(poll))
}

/// `GET /activity/poll/{id}/?wait=SECS&lastactivity=N` → `{activity: {key: seq}, keys: [..],
/// lastactivity: N}`. Without `lastactivity` it answers at once with the current position.
async fn poll(
    State(state): State<AppState>,
    _caller: Caller,
    Path(_id): Path<String>,
    f: Fields,
) -> ApiResult {
    let wait = f.parse::<f64>("wait")?.unwrap_or(0.0).clamp(0.0, 95.0);
    let since = match f.get("lastactivity") {
        // Accept integers and floats (clients may echo a timestamp-like value back).
        Some(v) if !v.is_empty() => v
            .parse::<f64>()
            .map(|x| x as u64)
            .map_err(|_| wire::ApiErr::invalid("lastactivity", "not a number"))?,
        _ => {
            let cur = state.activity.current();
            return wire::ok(json!({"activity": {}, "keys": [], "lastactivity": cur}));
        }
    };
    let (keys, cur) = state
        .activity
        .wait_since(since, Duration::from_secs_f64(wait))
        .await;
    let map: serde_json::Map<String, serde_json::Value> =
        keys.iter().map(|k| (k.clone(), json!(cur))).collect();
    wire::ok(json!({"activity": map, "keys": keys, "lastactivity": cur}))
}
