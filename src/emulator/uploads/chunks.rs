//! Chunks of a session: receive (`POST /upload/{id}/chunk/`, at most [`MAX_IN_FLIGHT`] at a
//! time, checked and renamed into the session directory), list and delete.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{Path, Request, State};
use serde_json::{Value, json};

use super::spool::{Hasher, Spooled, hash_file, read_upload_form, remove_quietly};
use super::{
    FORM_OVERHEAD, MAX_IN_FLIGHT, MIN_CHUNK, Session, owned_session, persist, session_dir,
};
use crate::emulator::caller::Caller;
use crate::emulator::multipart::MultipartReader;
use crate::emulator::wire::{self, ApiErr, ApiResult, Fields, QueryFields};
use crate::emulator::{AppState, Variant, ids};

/// Decrements the in-flight count when a chunk request ends (however it ends).
struct InFlight(Arc<Session>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `POST /upload/{id}/chunk/?order=N&size=B`, multipart with the `chunk` part.
pub(super) async fn chunk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    QueryFields(q): QueryFields,
    req: Request,
) -> ApiResult {
    // The body must be multipart whatever the session (checked first, as an extractor would).
    let mp = MultipartReader::from_request(req, state.config.chunk_size + FORM_OVERHEAD)?;
    let s = owned_session(&state, &caller, &id)?;
    let sid = s.get().id;
    let n = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InFlight(s.clone());
    if n > MAX_IN_FLIGHT {
        state.stats.fault("chunk_in_flight_refused");
        mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
        return Err(state.calm(
            &format!("at most {MAX_IN_FLIGHT} chunk uploads may be in flight per session"),
            MAX_IN_FLIGHT as u64,
        ));
    }
    state.stats.in_flight(&sid, n as u64);
    {
        let d = s.get();
        if d.stream {
            mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
            return Err(crate::emulator::stream::mixed("chunk"));
        }
        if !d.accepts_chunks() {
            mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
            return Err(ApiErr::not_acceptable(
                1605,
                format!(
                    "upload session is not in a valid state for chunks ({})",
                    d.status
                ),
            ));
        }
    }
    let dir = session_dir(&state, &sid);
    let tmp = dir.join(format!("tmp-{}", ids::random_alnum(12)));
    let mut mp = mp;
    let (form, spooled) =
        // Hashed with SHA-256 as it is spooled: the chunk's `hash` is checked without a re-read.
        match read_upload_form(&mut mp, &tmp, state.config.chunk_size, true).await {
            Ok(r) => r,
            Err(e) => {
                mp.discard();
                return Err(e);
            }
        };
    // Where clients put each field (visible in the stats: `chunk_<field>_in_<place>`).
    for key in ["order", "size", "hash"] {
        let place = match (q.0.contains_key(key), form.contains_key(key)) {
            (true, _) => "query",
            (false, true) => "body",
            (false, false) => continue,
        };
        state.stats.bump(&format!("chunk_{key}_in_{place}"));
    }
    // The query wins over form fields.
    let mut merged = form;
    for (k, v) in q.0 {
        merged.insert(k, v);
    }
    let f = Fields(merged);
    match accept_chunk(&state, &s, &f, spooled).await {
        Ok(v) => wire::ok(v),
        Err(e) => {
            remove_quietly(&tmp);
            Err(e)
        }
    }
}

async fn accept_chunk(
    state: &AppState,
    s: &Arc<Session>,
    f: &Fields,
    spooled: Option<Spooled>,
) -> Result<Value, ApiErr> {
    let sp = spooled.ok_or_else(|| ApiErr::missing("chunk"))?;
    let order: u32 = f.req_parse("order")?;
    if order == 0 || order > state.config.max_chunks {
        return Err(ApiErr::invalid(
            "order",
            &format!("must be between 1 and {}", state.config.max_chunks),
        ));
    }
    if let Some(size) = f.parse::<u64>("size")?
        && size != sp.size
    {
        return Err(ApiErr::invalid(
            "size",
            &format!("is {size} but {} bytes were received", sp.size),
        ));
    }
    if sp.size == 0 {
        return Err(ApiErr::invalid("chunk", "is empty"));
    }
    if let Some(h) = f.get("hash").filter(|h| !h.is_empty()) {
        let algo = f.get("hash_algo").unwrap_or("sha256");
        if let Some(hasher) = Hasher::for_algo(algo)? {
            let p = sp.path.clone();
            let got = match &sp.sha256 {
                Some(sha) if algo.eq_ignore_ascii_case("sha256") => sha.clone(),
                _ => tokio::task::spawn_blocking(move || hash_file(&p, hasher))
                    .await
                    .map_err(|_| ApiErr::internal("hash task failed"))??,
            };
            if !got.eq_ignore_ascii_case(h) {
                return Err(ApiErr::invalid(
                    "hash",
                    "does not match the chunk's bytes; chunk not stored",
                ));
            }
        }
    }
    let d = s.get();
    if !d.accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            format!(
                "upload session is not in a valid state for chunks ({})",
                d.status
            ),
        ));
    }
    if state.has(Variant::ExactChunks) {
        check_exact_chunk(state.config.chunk_size, d.size, order, sp.size)?;
    }
    let others: u64 = d
        .chunks
        .iter()
        .filter(|(o, _)| **o != order)
        .map(|(_, b)| *b)
        .sum();
    if others + sp.size > d.size {
        return Err(ApiErr::invalid(
            "chunk",
            &format!(
                "chunks would total {} bytes, more than the session size {}",
                others + sp.size,
                d.size
            ),
        ));
    }
    if sp.size < MIN_CHUNK {
        // Only the final chunk may be smaller than 1 MiB.
        if d.chunks.keys().any(|o| *o > order) {
            return Err(ApiErr::invalid(
                "chunk",
                "every chunk but the last must be at least 1 MiB",
            ));
        }
        if d.chunks.iter().any(|(o, b)| *o != order && *b < MIN_CHUNK) {
            return Err(ApiErr::invalid(
                "chunk",
                "only one chunk (the last) may be smaller than 1 MiB",
            ));
        }
    } else if d.chunks.iter().any(|(o, b)| *o < order && *b < MIN_CHUNK) {
        return Err(ApiErr::invalid(
            "order",
            "a chunk smaller than 1 MiB was already stored at a lower order",
        ));
    }
    let dir = session_dir(state, &d.id);
    let dest = dir.join(order.to_string());
    let src = sp.path.clone();
    tokio::task::spawn_blocking(move || std::fs::rename(&src, &dest))
        .await
        .map_err(|_| ApiErr::internal("rename task failed"))??;
    let ((), data) = s.update(|d| {
        d.chunks.insert(order, sp.size);
        d.status = "uploading".into();
    });
    // Extend the assembled prefix off the answer's path.
    let (s2, orders) = (s.clone(), data.chunks.keys().copied().collect::<Vec<_>>());
    tokio::task::spawn_blocking(move || s2.assembler.extend(&dir, &orders));
    state.stats.chunk(&data.id, order, sp.size);
    persist(state, s, &data).await;
    Ok(json!({"order": order, "size": sp.size}))
}

/// `exact-chunks`: with `n = ceil(size / chunk_size)` chunks, orders below `n` carry exactly
/// `chunk_size` bytes and order `n` the rest.
pub(super) fn check_exact_chunk(
    chunk_size: u64,
    total: u64,
    order: u32,
    got: u64,
) -> Result<(), ApiErr> {
    let n = total.div_ceil(chunk_size).max(1);
    let order = order as u64;
    if order > n {
        return Err(ApiErr::invalid(
            "order",
            &format!("the session has {n} chunks of {chunk_size} bytes (the last one shorter)"),
        ));
    }
    let want = if order < n {
        chunk_size
    } else {
        total - (n - 1) * chunk_size
    };
    if got != want {
        return Err(ApiErr::invalid(
            "size",
            &format!(
                "chunk {order} must be exactly {want} bytes: every chunk but the last is chunk_size ({chunk_size}), got {got}"
            ),
        ));
    }
    Ok(())
}

pub(super) async fn chunk_info(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    wire::ok(json!({
        "chunks": d.to_json()["chunks"],
        "session": d.to_json_for(&state),
    }))
}

pub(super) async fn delete_chunk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    f: Fields,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let order: u32 = f.req_parse("order")?;
    if !s.get().accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            "upload session is not in a valid state",
        ));
    }
    let (had, data) = s.update(|d| d.chunks.remove(&order).is_some());
    if !had {
        return Err(ApiErr::not_found("chunk"));
    }
    let _ = tokio::fs::remove_file(session_dir(&state, &data.id).join(order.to_string())).await;
    persist(&state, &s, &data).await;
    wire::ok(json!({"chunks": data.to_json()["chunks"]}))
}
