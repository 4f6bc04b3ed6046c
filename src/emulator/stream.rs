//! Stream uploads (fastio-api.md §3.10): a session created with `stream=true` and no `size`,
//! then one raw `POST /upload/{id}/stream/` (application/octet-stream) that carries the whole
//! file and finalises the session by itself (assemble … stored, as after `/complete/`).
//!
//! Rules: one stream per session; `chunk`/`complete` on a stream session and `stream` on a
//! chunked one are 406; a body longer than `max_size` (default and ceiling: the largest file
//! accepted) is cut off with 413 and the session ends `assembly_failed`. The body is written to
//! the session's directory as it arrives (never held in memory). Variant `no-stream` refuses
//! stream sessions (406) like a server without them.

use std::collections::BTreeMap;

use axum::extract::{Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use futures_util::StreamExt as _;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt as _;

use super::caller::Caller;
use super::ids;
use super::store::now_ms;
use super::uploads::{
    Hasher, Session, SessionData, check_session_limit, check_target, finish_session, owned_session,
    persist, session_dir, uploads,
};
use super::wire::{self, ApiErr, ApiResult, Fields, QueryFields};
use super::{AppState, Variant};

/// The answer of a server without stream uploads (variant `no-stream`).
pub(super) fn refused() -> ApiErr {
    ApiErr::not_acceptable(
        1605,
        "stream uploads are not available on this server; use a chunked session",
    )
}

/// `what` (`chunk`, `complete`) called on a stream session.
pub(super) fn mixed(what: &str) -> ApiErr {
    ApiErr::not_acceptable(
        1605,
        format!(
            "`{what}` is not allowed on a stream session: its bytes come in one \
             POST /upload/{{id}}/stream/ and it finalises by itself"
        ),
    )
}

/// `POST /upload/` form with `stream=true`: a stream session.
pub(super) async fn create(state: &AppState, caller: &Caller, f: &Fields) -> ApiResult {
    if state.has(Variant::NoStream) {
        return Err(refused());
    }
    let name = f.req("name")?.to_string();
    if f.get("size").is_some_and(|s| !s.is_empty()) {
        return Err(ApiErr::invalid(
            "size",
            "a stream session has no size (omit size, or use a chunked session)",
        ));
    }
    let action = f.get("action").unwrap_or("create").to_string();
    if action != "create" && action != "update" {
        return Err(ApiErr::invalid("action", "must be create or update"));
    }
    let max = state.config.max_file_size;
    let max_size: Option<u64> = f.parse("max_size")?;
    if let Some(m) = max_size {
        if m == 0 {
            return Err(ApiErr::invalid("max_size", "must be at least 1"));
        }
        if m > max {
            return Err(ApiErr::too_large(format!(
                "max_size {m} exceeds the {max}-byte file size limit"
            )));
        }
    }
    let hash_algo = f.get("hash_algo").map(str::to_string);
    let hash = f.get("hash").map(|h| h.to_ascii_lowercase());
    if let Some(a) = &hash_algo {
        Hasher::for_algo(a)?;
    }
    if hash.is_some() != hash_algo.is_some() {
        return Err(ApiErr::invalid("hash", "hash and hash_algo go together"));
    }
    let target = check_target(state, caller, f, &name).await?;
    check_session_limit(state, &caller.user_id)?;
    let now = now_ms();
    let data = SessionData {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        principal: caller.principal.clone(),
        name,
        size: 0,
        action,
        instance_id: target.workspace,
        folder_id: target.parent,
        profile_type: f.get("profile_type").unwrap_or("workspace").to_string(),
        file_id: target.existing,
        hash,
        hash_algo,
        status: "ready".into(),
        status_message: None,
        new_file_id: None,
        chunks: BTreeMap::new(),
        single_call: false,
        created: now,
        updated: now,
        stream: true,
        max_size,
    };
    tokio::fs::create_dir_all(session_dir(state, &data.id)).await?;
    let s = Session::new(data.clone());
    uploads(state).insert(s.clone());
    persist(state, &s, &data).await;
    wire::ok_flat(json!({"id": data.id}))
}

/// End a stream session that went wrong (`assembly_failed`, with the reason).
async fn fail(state: &AppState, s: &Session, msg: String) {
    let (_, data) = s.update(|d| {
        d.status = "assembly_failed".into();
        d.status_message = Some(msg);
    });
    persist(state, s, &data).await;
    let _ = tokio::fs::remove_dir_all(session_dir(state, &data.id)).await;
}

/// Bytes of a refused stream read (and dropped) before answering, so a client still sending
/// a modest body reads the answer instead of a reset connection.
const DRAIN_MAX: u64 = 16 << 20;

/// Bytes of a length-less stream read before `stream-needs-length` refuses it.
const LENGTH_PROBE: u64 = 1 << 20;

/// Read and drop up to [`DRAIN_MAX`] bytes of a body.
async fn drain(req: Request) {
    let mut body = req.into_body().into_data_stream();
    let mut n = 0u64;
    while let Some(Ok(p)) = body.next().await {
        n += p.len() as u64;
        if n > DRAIN_MAX {
            break;
        }
    }
}

/// `POST /upload/{id}/stream/[?hash=…&hash_algo=…]`, raw body: the whole file.
pub(super) async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    QueryFields(q): QueryFields,
    req: Request,
) -> ApiResult {
    if state.has(Variant::StreamNeedsLength)
        && !req
            .headers()
            .contains_key(axum::http::header::CONTENT_LENGTH)
    {
        // A server (or a proxy in front of it) that wants the length: it reads the start of
        // the body, then refuses.
        let mut body = req.into_body().into_data_stream();
        let mut n = 0u64;
        while n < LENGTH_PROBE {
            match body.next().await {
                Some(Ok(p)) => n += p.len() as u64,
                _ => break,
            }
        }
        let mut e = ApiErr::new(
            axum::http::StatusCode::LENGTH_REQUIRED,
            1605,
            "Content-Length required: the stream must declare its length",
        );
        e.error_code = Some("APP_ERROR_INPUT_INVALID");
        return Err(e);
    }
    match accept(&state, &caller, &id, &q) {
        Ok(s) => receive(state, s, &q, req).await,
        Err(e) => {
            drain(req).await;
            Err(e)
        }
    }
}

/// The checks before the body is read: the session is a `ready` stream session of the
/// caller, now claimed (`uploading`).
fn accept(
    state: &AppState,
    caller: &Caller,
    id: &str,
    q: &Fields,
) -> Result<std::sync::Arc<Session>, ApiErr> {
    if state.has(Variant::NoStream) {
        return Err(refused());
    }
    let s = owned_session(state, caller, id)?;
    let d = s.get();
    if !d.stream {
        return Err(ApiErr::not_acceptable(
            1605,
            "not a stream session: a chunked session takes its bytes in /chunk/ calls",
        ));
    }
    if let Some(a) = q.get("hash_algo") {
        Hasher::for_algo(a)?;
    }
    // One stream per session: only a `ready` session takes it.
    let (claimed, d) = s.update(|d| {
        let ok = d.status == "ready";
        if ok {
            d.status = "uploading".into();
        }
        ok
    });
    if !claimed {
        return Err(ApiErr::not_acceptable(
            1605,
            format!(
                "the stream of this session was already sent (one stream per session; status {})",
                d.status
            ),
        ));
    }
    Ok(s)
}

/// Write the body to the session's directory, then assemble and store it.
async fn receive(
    state: AppState,
    s: std::sync::Arc<Session>,
    q: &Fields,
    req: Request,
) -> ApiResult {
    let d = s.get();
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    if is_multipart {
        fail(&state, &s, "the stream was sent as multipart".into()).await;
        drain(req).await;
        return Err(ApiErr::invalid(
            "content-type",
            "a stream is a raw application/octet-stream body",
        ));
    }
    let (want_hash, hasher) = match (q.get("hash"), q.get("hash_algo")) {
        (Some(h), Some(a)) if !h.is_empty() => (Some(h.to_ascii_lowercase()), Hasher::for_algo(a)?),
        (Some(h), None) if !h.is_empty() => {
            (Some(h.to_ascii_lowercase()), Hasher::for_algo("sha256")?)
        }
        _ => (None, None),
    };
    persist(&state, &s, &d).await;
    let limit = d
        .max_size
        .unwrap_or(state.config.max_file_size)
        .min(state.config.max_file_size);
    let dir = session_dir(&state, &d.id);
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join("1");
    let mut file = tokio::fs::File::create(&path).await?;
    let mut body = req.into_body().into_data_stream();
    let mut sha = Sha256::new();
    let mut other = hasher;
    let mut size = 0u64;
    while let Some(piece) = body.next().await {
        let piece = match piece {
            Ok(p) => p,
            Err(e) => {
                fail(
                    &state,
                    &s,
                    format!("the stream was interrupted after {size} bytes"),
                )
                .await;
                return Err(ApiErr::invalid("body", &format!("stream interrupted: {e}")));
            }
        };
        size += piece.len() as u64;
        if size > limit {
            drop(file);
            state.stats.bump("streams_over_max_size");
            fail(
                &state,
                &s,
                format!("the stream is larger than max_size ({limit} bytes)"),
            )
            .await;
            return Err(ApiErr::too_large(format!(
                "the stream is larger than max_size ({limit} bytes); the session is closed"
            )));
        }
        sha.update(&piece);
        if let Some(h) = other.as_mut() {
            h.update(&piece);
        }
        file.write_all(&piece).await?;
    }
    file.flush().await?;
    drop(file);
    let sha = hex::encode(sha.finalize());
    if let (Some(want), Some(h)) = (&want_hash, other)
        && !h.finish().eq_ignore_ascii_case(want)
    {
        fail(
            &state,
            &s,
            "hash mismatch: the stream does not match `hash`".into(),
        )
        .await;
        return Err(ApiErr::invalid("hash", "does not match the streamed bytes"));
    }
    let (_, data) = s.update(|d| {
        d.size = size;
        d.chunks = BTreeMap::from([(1, size)]);
        d.status = "assemble".into();
    });
    state.stats.bump("streams");
    persist(&state, &s, &data).await;
    let st = state.clone();
    tokio::spawn(async move { finish_session(st, s).await });
    wire::ok(json!({"id": data.id, "status": "assemble", "size": size, "sha256": sha}))
}
