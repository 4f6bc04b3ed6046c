//! Session management: `POST /upload/` (dispatch to a single-call upload, a stream session or
//! a new chunked session), details with long-poll, listing, cancel, expiry, limits and algos.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::spool::Hasher;
use super::target::{Target, check_target};
use super::{
    FORM_OVERHEAD, MAX_IN_FLIGHT, MIN_CHUNK, SINGLE_CALL_MAX, Session, SessionData,
    check_session_limit, owned_session, persist, session_dir, uploads,
};
use crate::emulator::caller::Caller;
use crate::emulator::multipart::MultipartReader;
use crate::emulator::store::now_ms;
use crate::emulator::wire::{self, ApiErr, ApiResult, Fields};
use crate::emulator::{AppState, Variant, ids};

/// `POST /upload/`: multipart = single-call upload; form = create a chunked session.
pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    req: Request,
) -> ApiResult {
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    if is_multipart {
        let query = req.uri().query().map(str::to_string);
        let mut mp = MultipartReader::from_request(req, SINGLE_CALL_MAX + FORM_OVERHEAD)?;
        let r = super::single::single_call(state, caller, query, &mut mp).await;
        if r.is_err() {
            mp.discard();
        }
        return r;
    }
    let f = Fields::from_request(req, &()).await?;
    sweep_expired(&state).await;
    if f.flag("stream", false)? {
        return crate::emulator::stream::create(&state, &caller, &f).await;
    }
    let name = f.req("name")?.to_string();
    let size: u64 = f.req_parse("size")?;
    let action = f.get("action").unwrap_or("create").to_string();
    if action != "create" && action != "update" {
        return Err(ApiErr::invalid("action", "must be create or update"));
    }
    if f.get("if_version_id").is_some() {
        return Err(ApiErr::invalid(
            "if_version_id",
            "only valid for File Share write-back",
        ));
    }
    if size > state.config.max_file_size {
        return Err(ApiErr::too_large(format!(
            "size {size} exceeds the {}-byte file size limit",
            state.config.max_file_size
        )));
    }
    let hash_algo = f.get("hash_algo").map(str::to_string);
    let hash = f.get("hash").map(|h| h.to_ascii_lowercase());
    if let Some(a) = &hash_algo {
        Hasher::for_algo(a)?;
    }
    if hash.is_some() != hash_algo.is_some() {
        return Err(ApiErr::invalid("hash", "hash and hash_algo go together"));
    }
    let Target {
        workspace: instance,
        parent,
        existing: target,
    } = check_target(&state, &caller, &f, &name).await?;
    check_session_limit(&state, &caller.user_id)?;
    let now = now_ms();
    let data = SessionData {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        principal: caller.principal.clone(),
        name,
        size,
        action,
        instance_id: instance,
        folder_id: parent,
        profile_type: f.get("profile_type").unwrap_or("workspace").to_string(),
        file_id: target,
        hash,
        hash_algo,
        status: "ready".into(),
        status_message: None,
        new_file_id: None,
        chunks: BTreeMap::new(),
        single_call: false,
        created: now,
        updated: now,
        stream: false,
        max_size: None,
    };
    tokio::fs::create_dir_all(session_dir(&state, &data.id)).await?;
    let s = Session::new(data.clone());
    uploads(&state).insert(s.clone());
    persist(&state, &s, &data).await;
    wire::ok_flat(json!({"id": data.id}))
}

/// Sessions untouched for this long are dropped with their chunks.
const SESSION_LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// Drop sessions idle for more than 24 h (at most once a minute).
async fn sweep_expired(state: &AppState) {
    let u = uploads(state);
    let now = now_ms();
    let last = u.last_sweep.load(Ordering::Relaxed);
    if now - last < 60_000
        || u.last_sweep
            .compare_exchange(last, now, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let expired: Vec<String> = u
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| now - d.updated > SESSION_LIFETIME_MS)
        .map(|d| d.id)
        .collect();
    for id in expired {
        drop_session(state, &id).await;
    }
}

/// `GET /upload/{id}/details/?wait=SECS`.
pub(super) async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    f: Fields,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let mut wait = f.parse::<f64>("wait")?.unwrap_or(0.0);
    if state.has(Variant::WaitMs) {
        wait /= 1000.0;
    }
    let wait = wait.clamp(0.0, 590.0);
    if wait > 0.0 {
        let d = s.get();
        let terminal = matches!(
            d.status.as_str(),
            "stored" | "assembly_failed" | "store_failed"
        ) || (d.status == "complete" && d.instance_id.is_none());
        if !terminal {
            let mut rx = s.changed.subscribe();
            rx.borrow_and_update();
            let _ = tokio::time::timeout(Duration::from_secs_f64(wait), rx.changed()).await;
        }
    }
    wire::ok(json!({"session": s.get().to_json_for(&state)}))
}

pub(super) async fn list_sessions(State(state): State<AppState>, caller: Caller) -> ApiResult {
    sweep_expired(&state).await;
    let mut list: Vec<SessionData> = uploads(&state)
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| d.user_id == caller.user_id)
        .collect();
    list.sort_by_key(|d| d.created);
    let items: Vec<Value> = list.iter().map(|d| d.to_json_for(&state)).collect();
    wire::ok(json!({"results": items.len(), "sessions": items}))
}

async fn drop_session(state: &AppState, id: &str) {
    if let Some(s) = uploads(state).remove(id) {
        s.changed.send_modify(|v| *v += 1);
    }
    // The chunks' bytes are freed after the answer (freeing a large session's files takes a
    // while, and nobody waits for it on a real server either).
    let dir = session_dir(state, id);
    tokio::spawn(async move {
        let _ = tokio::fs::remove_dir_all(dir).await;
    });
    let id = id.to_string();
    let _ = state
        .db(move |st| st.session_delete(&id).map_err(ApiErr::db))
        .await;
}

pub(super) async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    drop_session(&state, &d.id).await;
    state.activity.bump(format!("upload:{}", d.id));
    wire::ok(json!({"id": d.id}))
}

pub(super) async fn cancel_all(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let mine: Vec<String> = uploads(&state)
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| d.user_id == caller.user_id)
        .map(|d| d.id)
        .collect();
    for id in &mine {
        drop_session(&state, id).await;
    }
    wire::ok(json!({"cancelled": mine.len()}))
}

/// `GET /upload/limits/[?action=create|update&instance_id=…&folder_id=…&file_id=…]`: the
/// limits of the target's plan when `action` names one (`instance_id` is then required; an
/// unknown one is 404), else the caller's own. Both are the configured limits, except under
/// `caller-plan-limits`, where the caller's own plan is a free one: 1/8 of the file size and a
/// quarter of the chunks.
pub(super) async fn limits(State(state): State<AppState>, caller: Caller, f: Fields) -> ApiResult {
    let c = &state.config;
    let (mut size, mut chunks) = (c.max_file_size, c.max_chunks);
    match f.get("action") {
        Some(action) => {
            if action != "create" && action != "update" {
                return Err(ApiErr::invalid("action", "must be create or update"));
            }
            let instance = f.req("instance_id")?;
            state.instance_for(instance, &caller).await?;
            if action == "update" {
                f.req("file_id")?;
            }
        }
        None if state.has(Variant::CallerPlanLimits) => {
            size = (size / 8).max(1);
            chunks = (chunks / 4).max(1);
        }
        None => {}
    }
    wire::ok(json!({
        "chunk_size": c.chunk_size,
        "size": size,
        "chunks": chunks,
        "sessions": c.max_sessions,
        "sessions_size_max": c.max_file_size.saturating_mul(c.max_sessions as u64),
        "single_call_max": SINGLE_CALL_MAX,
        "min_chunk_size": MIN_CHUNK,
        "max_chunks_in_flight": MAX_IN_FLIGHT,
    }))
}

pub(super) async fn algos(_c: Caller) -> ApiResult {
    wire::ok(json!({"algos": ["md5", "sha1", "sha256", "sha384"]}))
}
