//! File indexing: the AI state of each file, indexing after a store (when the workspace has
//! intelligence), and `POST /workspace/{id}/update/` turning intelligence on or off.

use std::time::Duration;

use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::{Ai, Indexed, MAX_INDEX_BYTES, rank};
use crate::emulator::caller::Caller;
use crate::emulator::store::{Detail, Node};
use crate::emulator::wire::{self, ApiResult, Fields};
use crate::emulator::{AppState, StoredFile};

/// Time from "stored" to "ready" for an indexed file.
const INDEX_DELAY: Duration = Duration::from_millis(100);

/// The `ai` object of a node as the storage endpoints should show it.
pub fn node_ai_json(state: &AppState, node: &Node, full: bool) -> Value {
    let s = ai_state(state, node);
    if full {
        json!({"state": s, "attach": rank::is_text_like(&node.name, node.mimetype.as_deref()),
               "summary": null})
    } else {
        json!({"state": s})
    }
}

/// Put the file's real AI state into a node object built by `Node::to_json` (standard and
/// full detail levels show `ai`).
pub fn with_ai(state: &AppState, node: &Node, detail: Detail, mut v: Value) -> Value {
    if state.has(crate::emulator::Variant::NoAiState) {
        if let Some(m) = v.as_object_mut() {
            m.remove("ai");
        }
        return v;
    }
    if node.kind == "file" && detail >= Detail::Standard {
        v["ai"] = node_ai_json(state, node, detail >= Detail::Full);
    }
    v
}

/// How long a stored file stays `pending` under `slow-ai-state`.
pub(super) const SLOW_AI_STATE_MS: i64 = 2000;

/// Under `slow-ai-state`: is this file still `pending`?
pub(super) fn still_pending(state: &AppState, node: &Node) -> bool {
    state.has(crate::emulator::Variant::SlowAiState)
        && node.kind == "file"
        && crate::emulator::store::now_ms() < node.modified_ts + SLOW_AI_STATE_MS
}

/// A file's AI state: its indexing state, or `disabled` when it is not (to be) indexed. Under
/// `slow-ai-state`, `pending` for 2 s after it was stored, then `ready`.
pub fn ai_state(state: &AppState, node: &Node) -> &'static str {
    if state.has(crate::emulator::Variant::SlowAiState) && node.kind == "file" {
        return if still_pending(state, node) {
            "pending"
        } else {
            "ready"
        };
    }
    state
        .ext::<Ai>()
        .files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&node.id)
        .map(|i| i.state)
        .unwrap_or("disabled")
}

/// Called (synchronously, on a blocking thread) every time a file is stored.
pub fn on_file_stored(state: &AppState, file: &StoredFile) {
    if state.has(crate::emulator::Variant::SlowAiState)
        && let Ok(rt) = tokio::runtime::Handle::try_current()
    {
        let (st, key) = (state.clone(), format!("ai_state:{}", file.node.id));
        rt.spawn(async move {
            tokio::time::sleep(Duration::from_millis(SLOW_AI_STATE_MS as u64)).await;
            st.activity.bump(key);
        });
    }
    let on = state
        .store
        .workspace(&file.workspace_id)
        .ok()
        .flatten()
        .is_some_and(|w| w.intelligence);
    if on {
        schedule_index(state, &file.workspace_id, &file.node, file.path.clone());
    } else {
        // A new version of a file indexed earlier is stale now.
        state
            .ext::<Ai>()
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&file.node.id);
    }
}

/// Mark a text-like file `pending` and index it shortly (on the runtime, if there is one).
fn schedule_index(state: &AppState, ws: &str, node: &Node, path: std::path::PathBuf) {
    if node.kind != "file" || !rank::is_text_like(&node.name, node.mimetype.as_deref()) {
        return;
    }
    let ai = state.ext::<Ai>();
    ai.files.lock().unwrap_or_else(|e| e.into_inner()).insert(
        node.id.clone(),
        Indexed {
            workspace_id: ws.to_string(),
            state: "pending",
            passages: Vec::new(),
        },
    );
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let (state, node) = (state.clone(), node.clone());
    rt.spawn(async move {
        tokio::time::sleep(INDEX_DELAY).await;
        let version = node.version.clone().unwrap_or_default();
        let id = node.id.clone();
        let size = node.size;
        let read = tokio::task::spawn_blocking(move || {
            if size > MAX_INDEX_BYTES {
                return None;
            }
            std::fs::read(&path).ok()
        })
        .await
        .ok()
        .flatten();
        let ai = state.ext::<Ai>();
        {
            let mut files = ai.files.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(entry) = files.get_mut(&id) {
                match read {
                    Some(bytes) => {
                        let text = String::from_utf8_lossy(&bytes);
                        entry.passages = rank::passages(&id, &version, &text);
                        entry.state = "ready";
                    }
                    None => entry.state = "failed",
                }
            }
        }
        state.activity.bump(format!("ai_state:{id}"));
    });
}

/// `POST /workspace/{id}/update/`: `intelligence=true|false` (other fields are ignored).
pub(super) async fn update_workspace(
    State(state): State<AppState>,
    _caller: Caller,
    Path(ws): Path<String>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let on = f.flag("intelligence", ws.intelligence)?;
    let (st, id) = (state.clone(), ws.id.clone());
    let files = state
        .db(move |s| {
            s.set_intelligence(&id, on)?;
            if on {
                Ok(s.files(&id)?)
            } else {
                Ok(Vec::new())
            }
        })
        .await?;
    let ai = state.ext::<Ai>();
    if on && !ws.intelligence {
        for node in files {
            let path = node
                .blob
                .as_deref()
                .map(|b| st.store.blob_path(b))
                .unwrap_or_default();
            schedule_index(&st, &ws.id, &node, path);
        }
    } else if !on {
        // Switching off flushes the index.
        ai.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, i| i.workspace_id != ws.id);
    }
    let ws = state.workspace_for(&ws.id).await?;
    wire::ok(json!({"workspace": crate::emulator::workspace_json(&ws, &state.org)}))
}
