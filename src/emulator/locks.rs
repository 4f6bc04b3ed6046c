//! File-lock endpoints (fastio-api.md §6) over [`super::lock_table::LockTable`]:
//! `POST|GET|DELETE /workspace/{ws}/storage/{node}/lock/` and `POST …/lock/heartbeat/`.
//!
//! Contract (◇ emulator choices from §6): durations 60–3600 s (default 300; the minimum is configurable for tests); a lock lapses after
//! its duration without a heartbeat; an acquire on a node someone holds (any credential, also
//! the holder's own: a second acquire must not silently share the first one's lock) is 423/1677
//! with the holder's description in `params.lock`; heartbeat and release need the token (wrong
//! token 423/1677, no lock 404/1609); the release token comes in a form-encoded DELETE body.
//!
//! Variants: `nested-lock-token` answers an acquire with `{"lock": {"token": …}}` (heartbeat and
//! release still take the `lock_token` form field); `no-folder-locks` refuses an acquire on a
//! folder or `root` with 406/1605 (`params[0].name` = `node_id`), files lock as usual.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};

use super::caller::Caller;
use super::lock_table::AcquireError;
use super::wire::{self, ApiErr, ApiResult, Fields};
use super::{AppState, Variant};

const MAX_DURATION: u64 = 3600;
const DEFAULT_DURATION: u64 = 300;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/workspace/{ws}/storage/{node}/lock",
            post(acquire).get(status).delete(release),
        )
        .route(
            "/workspace/{ws}/storage/{node}/lock/heartbeat",
            post(heartbeat),
        )
}

/// Serialises check-then-acquire so two concurrent acquires cannot both succeed.
#[derive(Default)]
struct AcquireGate(std::sync::Mutex<()>);

/// The node named in the path (a folder or file of workspace `ws`, or `root`): its lock key.
async fn node_key(state: &AppState, ws: &str, node: &str) -> Result<String, ApiErr> {
    Ok(node_key_kind(state, ws, node).await?.0)
}

/// [`node_key`] and whether the node is a folder (`root` is).
async fn node_key_kind(state: &AppState, ws: &str, node: &str) -> Result<(String, bool), ApiErr> {
    let ws = state.workspace_for(ws).await?;
    let node = node.to_string();
    state
        .db(move |s| {
            if node == "root" {
                return Ok(("root".to_string(), true));
            }
            s.node(&ws.id, &node)?
                .map(|n| {
                    let folder = n.is_folder();
                    (n.id, folder)
                })
                .ok_or_else(|| ApiErr::not_found("node"))
        })
        .await
}

fn duration_field(state: &AppState, f: &Fields) -> Result<Option<u64>, ApiErr> {
    let min = state.config.lock_min_duration.min(MAX_DURATION);
    match f.parse::<u64>("duration")? {
        Some(d) if !(min..=MAX_DURATION).contains(&d) => Err(ApiErr::invalid(
            "duration",
            &format!("must be between {min} and {MAX_DURATION} seconds"),
        )),
        other => Ok(other),
    }
}

async fn acquire(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let (key, is_folder) = node_key_kind(&state, &ws, &node).await?;
    if is_folder && state.has(Variant::NoFolderLocks) {
        return Err(ApiErr::invalid(
            "node_id",
            "locks are for files; folders cannot be locked",
        ));
    }
    let duration = duration_field(&state, &f)?.unwrap_or(DEFAULT_DURATION);
    let client_info = match f.get("client_info") {
        None | Some("") => Value::Null,
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(v @ Value::Object(_)) => v,
            _ => return Err(ApiErr::invalid("client_info", "must be a JSON object")),
        },
    };
    let gate = state.ext::<AcquireGate>();
    let lock = {
        let _held = gate.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(current) = state.locks.get(&key) {
            return Err(held_by(&current));
        }
        state
            .locks
            .acquire(&key, &caller, duration, client_info)
            .map_err(|AcquireError::HeldByOther(l)| held_by(&l))?
    };
    state.activity.bump(format!("storage:{key}"));
    let mut payload = lock.to_json_with_token();
    if state.has(Variant::NestedLockToken)
        && let Some(m) = payload.as_object_mut()
        && let Some(t) = m.remove("lock_token")
    {
        m.insert("token".into(), t);
    }
    wire::ok(json!({ "lock": payload }))
}

fn held_by(lock: &super::lock_table::Lock) -> ApiErr {
    ApiErr::locked(format!(
        "node {} is locked by user {}",
        lock.node_id, lock.user_id
    ))
    .with_params(json!({"lock": lock.to_json()}))
}

async fn status(
    State(state): State<AppState>,
    _caller: Caller,
    Path((ws, node)): Path<(String, String)>,
) -> ApiResult {
    let key = node_key(&state, &ws, &node).await?;
    if state.has(crate::emulator::Variant::NestedLockStatus) {
        // `locked` inside `lock`, none at the top.
        return match state.locks.get(&key) {
            Some(l) => {
                let mut lock = l.to_json();
                lock["locked"] = json!(true);
                wire::ok(json!({"lock": lock}))
            }
            None => wire::ok(json!({"lock": {"locked": false, "node_id": key}})),
        };
    }
    match state.locks.get(&key) {
        Some(l) => wire::ok(json!({"locked": true, "lock": l.to_json()})),
        None => wire::ok(json!({"locked": false, "lock": null})),
    }
}

async fn heartbeat(
    State(state): State<AppState>,
    _caller: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let key = node_key(&state, &ws, &node).await?;
    let token = f.req("lock_token")?;
    let duration = duration_field(&state, &f)?;
    let lock = state.locks.heartbeat(&key, token, duration)?;
    wire::ok(json!({"lock": lock.to_json()}))
}

async fn release(
    State(state): State<AppState>,
    _caller: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let key = node_key(&state, &ws, &node).await?;
    let token = f.req("lock_token")?;
    let lock = state.locks.release(&key, token)?;
    state.activity.bump(format!("storage:{key}"));
    wire::ok(json!({"released": true, "node_id": lock.node_id}))
}

/// May `caller` write into folder `folder` (`root` or an id) of workspace `ws`? The folder and
/// every folder above it must be unlocked, locked by the caller, or unlocked by `lock_token`;
/// otherwise 423/1677. The batch upload path calls this for the destination folder of each file.
pub async fn check_write_into(
    state: &AppState,
    ws: &str,
    folder: &str,
    caller: &Caller,
    lock_token: Option<&str>,
) -> Result<(), ApiErr> {
    let (st, ws, folder, caller) = (
        state.clone(),
        ws.to_string(),
        folder.to_string(),
        caller.clone(),
    );
    let token = lock_token.map(str::to_string);
    state
        .db(move |s| {
            let mut cur = folder;
            let strict = st.has(crate::emulator::Variant::FolderLockBindsHolder);
            for _ in 0..256 {
                st.locks
                    .check_write_into(&cur, &caller, token.as_deref(), strict)?;
                if cur == "root" {
                    break;
                }
                match s.node(&ws, &cur)? {
                    Some(n) => cur = n.parent,
                    None => break,
                }
            }
            Ok(())
        })
        .await
}
