//! `POST /upload/{id}/complete/` and what follows it: the chunks are assembled (mostly done
//! already, see [`crate::emulator::assemble`]), verified against the session hash and stored,
//! through assemble → assembling → complete → store → storing → stored.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::spool::Hasher;
use super::{Session, owned_session, persist, session_dir, uploads};
use crate::emulator::caller::Caller;
use crate::emulator::wire::{self, ApiErr, ApiResult};
use crate::emulator::{AppState, Variant};

/// Chunked sessions assembled so far per (workspace, folder, name) (`fail-first-assemblies`).
#[derive(Default)]
struct AssemblyCount(std::sync::Mutex<std::collections::HashMap<String, u32>>);

impl AssemblyCount {
    /// This session is the how-manieth of its file?
    fn bump(&self, d: &super::SessionData) -> u32 {
        let key = format!(
            "{}/{}/{}",
            d.instance_id.as_deref().unwrap_or(""),
            d.folder_id,
            d.name
        );
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(key).or_default();
        *n += 1;
        *n
    }
}

/// Shortest time in each state after `/complete/` under `queued-states`.
const QUEUED_STATE_DELAY: Duration = Duration::from_millis(50);

/// `POST /upload/{id}/complete/`: verify, then assemble and store asynchronously.
pub(super) async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    if d.stream {
        return Err(crate::emulator::stream::mixed("complete"));
    }
    if !d.accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            format!("upload session is not in a valid state ({})", d.status),
        ));
    }
    if state.has(Variant::ExactChunksLate) {
        // The exact chunk rule, checked only now: the session stays open.
        for (order, got) in &d.chunks {
            super::chunks::check_exact_chunk(state.config.chunk_size, d.size, *order, *got)
                .map_err(|_| {
                    ApiErr::invalid(
                        "chunk_size",
                        &format!(
                            "chunk {order} is {got} bytes: every chunk but the last must be \
                             exactly chunk_size ({})",
                            state.config.chunk_size
                        ),
                    )
                })?;
        }
    }
    let total: u64 = d.chunks.values().sum();
    let n = d.chunks.len() as u32;
    let contiguous = d.chunks.keys().copied().eq(1..=n);
    if total != d.size || !contiguous {
        let msg = if contiguous {
            format!("chunks ({total}) do not match size ({})", d.size)
        } else {
            let missing: Vec<String> = (1..=d.chunks.keys().max().copied().unwrap_or(0))
                .filter(|o| !d.chunks.contains_key(o))
                .map(|o| o.to_string())
                .collect();
            format!(
                "chunks ({total}) do not match size ({}); missing chunk numbers: {}",
                d.size,
                missing.join(",")
            )
        };
        let (_, data) = s.update(|d| {
            d.status = "assembly_failed".into();
            d.status_message = Some(msg.clone());
        });
        persist(&state, &s, &data).await;
        let _ = tokio::fs::remove_dir_all(session_dir(&state, &data.id)).await;
        return Err(ApiErr::not_acceptable(10522, msg));
    }
    let (_, data) = s.update(|d| d.status = "assemble".into());
    persist(&state, &s, &data).await;
    let st = state.clone();
    tokio::spawn(async move { finish_session(st, s).await });
    wire::ok(json!({"id": data.id, "status": "assemble"}))
}

async fn set_status(state: &AppState, s: &Session, status: &str) -> bool {
    // A cancelled session is no longer in the table: stop working on it.
    let id = s.get().id;
    if uploads(state).get(&id).is_none() {
        return false;
    }
    let (_, data) = s.update(|d| d.status = status.into());
    persist(state, s, &data).await;
    true
}

async fn fail(state: &AppState, s: &Session, status: &str, msg: String) {
    let (_, data) = s.update(|d| {
        d.status = status.into();
        d.status_message = Some(msg);
    });
    persist(state, s, &data).await;
}

/// assemble → assembling → complete → store → storing → stored (`queued-states`: at least
/// [`QUEUED_STATE_DELAY`] in each).
pub(in crate::emulator) async fn finish_session(state: AppState, s: Arc<Session>) {
    let delay = if state.has(Variant::QueuedStates) {
        state.config.assembly_delay.max(QUEUED_STATE_DELAY)
    } else {
        state.config.assembly_delay
    };
    let pause = || async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    };
    pause().await;
    if !set_status(&state, &s, "assembling").await {
        return;
    }
    let d = s.get();
    let dir = session_dir(&state, &d.id);
    let tmp = state.store.tmp_path();
    let orders: Vec<u32> = d.chunks.keys().copied().collect();
    let algo_check = match (&d.hash, &d.hash_algo) {
        (Some(h), Some(a)) => Hasher::for_algo(a)
            .ok()
            .flatten()
            .map(|hasher| (h.clone(), hasher)),
        _ => None,
    };
    let t2 = tmp.clone();
    let s2 = s.clone();
    let assembled =
        tokio::task::spawn_blocking(move || -> std::io::Result<(u64, String, Option<bool>)> {
            use std::io::{Read as _, Write as _};
            // Most of the file was assembled while its chunks arrived: finish that.
            let sha256_check = matches!(&algo_check, Some((_, h)) if h.is_sha256());
            if (algo_check.is_none() || sha256_check)
                && let Some(r) = s2.assembler.finish(&dir, &orders, &t2)
            {
                let (size, sha) = r?;
                let ok = algo_check.map(|(want, _)| sha.eq_ignore_ascii_case(&want));
                return Ok((size, sha, ok));
            }
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&t2)?);
            let mut sha = Sha256::new();
            let mut other = algo_check;
            let mut size = 0u64;
            let mut buf = vec![0u8; 1 << 20];
            for o in orders {
                let mut f = std::fs::File::open(dir.join(o.to_string()))?;
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    sha.update(&buf[..n]);
                    if let Some((_, h)) = other.as_mut() {
                        h.update(&buf[..n]);
                    }
                    out.write_all(&buf[..n])?;
                    size += n as u64;
                }
            }
            out.flush()?;
            let ok = other.map(|(want, h)| h.finish().eq_ignore_ascii_case(&want));
            Ok((size, hex::encode(sha.finalize()), ok))
        })
        .await;
    let (size, sha) = match assembled {
        Ok(Ok((size, sha, ok))) => {
            if ok == Some(false) {
                let _ = std::fs::remove_file(&tmp);
                fail(
                    &state,
                    &s,
                    "assembly_failed",
                    "hash mismatch: the assembled file does not match the session hash".into(),
                )
                .await;
                return;
            }
            (size, sha)
        }
        Ok(Err(e)) => {
            let _ = std::fs::remove_file(&tmp);
            fail(
                &state,
                &s,
                "assembly_failed",
                format!("assembly failed: {e}"),
            )
            .await;
            return;
        }
        Err(_) => {
            let _ = std::fs::remove_file(&tmp);
            fail(&state, &s, "assembly_failed", "assembly task failed".into()).await;
            return;
        }
    };
    // `fail-first-assemblies`: the 1st chunked session of a file name fails in assembly,
    // the 2nd in storage.
    let nth = match state.has(Variant::FailFirstAssemblies) && !d.stream && !d.single_call {
        true => state.ext::<AssemblyCount>().bump(&d),
        false => 0,
    };
    if nth == 1 {
        let _ = std::fs::remove_file(&tmp);
        fail(
            &state,
            &s,
            "assembly_failed",
            "assembly error (try again)".into(),
        )
        .await;
        return;
    }
    // Injected failure (--fail-assembly-rate): half in assembly, half in storage.
    let injected = nth == 2
        || state.config.assembly_fail_rate > 0.0 && {
            use rand::Rng as _;
            let mut rng = state.rng.lock().unwrap_or_else(|e| e.into_inner());
            rng.random::<f64>() < state.config.assembly_fail_rate
        };
    let fail_in_store = nth == 2
        || injected && {
            use rand::Rng as _;
            state
                .rng
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .random::<bool>()
        };
    if injected && !fail_in_store {
        let _ = std::fs::remove_file(&tmp);
        state.stats.fault("assembly_failed");
        fail(
            &state,
            &s,
            "assembly_failed",
            "injected assembly failure".into(),
        )
        .await;
        return;
    }
    pause().await;
    if !set_status(&state, &s, "complete").await {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    let Some(ws) = d.instance_id.clone() else {
        // No target: rests at `complete` (manual placement is not emulated).
        let _ = std::fs::remove_file(&tmp);
        return;
    };
    pause().await;
    for st in ["store", "storing"] {
        if !set_status(&state, &s, st).await {
            let _ = std::fs::remove_file(&tmp);
            return;
        }
        pause().await;
    }
    if fail_in_store {
        let _ = std::fs::remove_file(&tmp);
        state.stats.fault("store_failed");
        fail(
            &state,
            &s,
            "store_failed",
            "injected storage failure".into(),
        )
        .await;
        return;
    }
    let st2 = state.clone();
    let d2 = d.clone();
    let t3 = tmp.clone();
    let stored = state
        .db(move |store| {
            let blob = store.adopt_blob(&t3, size, sha)?;
            let node = match &d2.file_id {
                Some(id) => {
                    let n = store
                        .node(&ws, id)?
                        .ok_or_else(|| ApiErr::not_found("file"))?;
                    store.commit_file(&ws, &n.parent, &n.name, &blob)?
                }
                None => {
                    // The folder may have gone; fall back to the error.
                    store.commit_file(&ws, &d2.folder_id, &d2.name, &blob)?
                }
            };
            st2.file_stored(&ws, &node);
            Ok(node)
        })
        .await;
    match stored {
        Ok(node) => {
            let (_, data) = s.update(|d| {
                d.status = "stored".into();
                d.new_file_id = Some(node.id.clone());
            });
            persist(&state, &s, &data).await;
            let _ = tokio::fs::remove_dir_all(session_dir(&state, &data.id)).await;
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            fail(&state, &s, "store_failed", e.text).await;
        }
    }
}
