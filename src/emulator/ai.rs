//! AI questions about workspace files (fastio-api.md §7) on the current `/ai/agent/` endpoints.
//!
//! * Per-workspace `intelligence` (off unless the emulator runs with `--intelligence`, or
//!   `POST /workspace/{id}/update/ intelligence=true`). When on, text-like files (txt, md, csv,
//!   json, html, source code) go `pending` → `ready` shortly after they are stored; turning it on
//!   indexes the files already there. Completion bumps `ai_state:{node}` on the activity hub.
//! * Answers are extractive and deterministic (see [`rank`]): the question's terms rank the
//!   passages of the files in scope by BM25; the answer is the best sentences, with citations.
//!   Folder references and whole-workspace questions (RAG) need intelligence; attached files
//!   (`subjects`) are read directly, and like the real service their answers carry no citations.
//! * Messages report both `state` and `status`, the answer both under `message.response` and
//!   `result`; a question without searchable terms ends `needs_input` with
//!   `result.clarification`. The answer is complete after `--answer-delay-ms`; `ai_chat:{chat}`
//!   is bumped then. `GET …/read/` serves the answer as Server-Sent Events ending with `done`.

pub mod rank;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::caller::Caller;
use super::ids;
use super::store::{Detail, Node};
use super::wire::{self, ApiErr, ApiResult, Fields};
use super::{AppState, StoredFile};
use rank::Passage;

/// Time from "stored" to "ready" for an indexed file.
const INDEX_DELAY: Duration = Duration::from_millis(100);
const MAX_QUESTION_CHARS: usize = 32_000;
const MAX_REFERENCES: usize = 100;
const MAX_SUBJECTS: usize = 20;
/// Files larger than this are not indexed (state `failed`).
const MAX_INDEX_BYTES: u64 = 8 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workspace/{ws}/update", post(update_workspace))
        .route("/workspace/{ws}/ai/agent", post(create_chat))
        .route("/workspace/{ws}/ai/agent/{chat}/message", post(follow_up))
        .route(
            "/workspace/{ws}/ai/agent/{chat}/message/{msg}/details",
            get(message_details),
        )
        .route(
            "/workspace/{ws}/ai/agent/{chat}/message/{msg}/read",
            get(message_read),
        )
}

// ---- indexing -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Indexed {
    workspace_id: String,
    state: &'static str,
    passages: Vec<Passage>,
}

#[derive(Default)]
struct Ai {
    files: Mutex<HashMap<String, Indexed>>,
    chats: Mutex<HashMap<String, Chat>>,
}

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
    if state.has(super::Variant::NoAiState) {
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

/// A file's AI state: its indexing state, or `disabled` when it is not (to be) indexed.
pub fn ai_state(state: &AppState, node: &Node) -> &'static str {
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
async fn update_workspace(
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
    wire::ok(json!({"workspace": super::workspace_json(&ws, &state.org)}))
}

// ---- chats ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    Complete,
    NeedsInput,
    Failed,
}

#[derive(Debug, Clone)]
struct Message {
    id: String,
    seq: u32,
    question: String,
    phase: Phase,
    answer: Option<String>,
    citations: Value,
    clarification: Option<String>,
    error: Option<String>,
    created: i64,
}

#[derive(Debug, Clone)]
struct Chat {
    id: String,
    workspace_id: String,
    user_id: String,
    name: String,
    messages: Vec<Message>,
}

/// Folder references and attached files of one question.
#[derive(Debug, Clone, Default)]
struct Scope {
    folders: Vec<String>,
    files: Vec<String>,
}

impl Scope {
    fn is_rag(&self) -> bool {
        !self.folders.is_empty() || self.files.is_empty()
    }
}

/// Parse a JSON-array form field of reference items.
fn parse_items(f: &Fields, name: &str) -> Result<Vec<(String, String)>, ApiErr> {
    let Some(raw) = f.get(name).filter(|s| !s.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let items: Vec<Value> = serde_json::from_str(raw)
        .map_err(|_| ApiErr::invalid(name, "must be a JSON array of reference items"))?;
    items
        .iter()
        .map(|item| {
            let kind = item
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| ApiErr::invalid(name, "item without `type`"))?;
            let detail_key = match kind {
                "file" => "file_details",
                "folder" => "folder_details",
                _ => return Err(ApiErr::invalid(name, "item `type` must be file or folder")),
            };
            let id = item
                .get(detail_key)
                .and_then(|d| d.get("node_id"))
                .or_else(|| item.get("id"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| ApiErr::invalid(name, "item without a node id"))?;
            Ok((kind.to_string(), id.to_string()))
        })
        .collect()
}

/// Read `references` (or its aliases) and `subjects`, and check every node exists with the
/// right type in workspace `ws`.
async fn parse_scope(state: &AppState, ws: &str, f: &Fields) -> Result<Scope, ApiErr> {
    let mut refs = parse_items(f, "references")?;
    refs.extend(parse_items(f, "content_parts")?);
    refs.extend(parse_items(f, "uploads")?);
    let subjects = parse_items(f, "subjects")?;
    if refs.len() + subjects.len() > MAX_REFERENCES {
        return Err(ApiErr::invalid("references", "at most 100 references"));
    }
    if subjects.len() > MAX_SUBJECTS {
        return Err(ApiErr::invalid("subjects", "at most 20 attached files"));
    }
    let ws = ws.to_string();
    state
        .db(move |s| {
            let mut scope = Scope::default();
            for (kind, id) in refs.into_iter().chain(subjects) {
                let node = s
                    .node(&ws, &id)?
                    .ok_or_else(|| ApiErr::not_found("referenced node"))?;
                match (kind.as_str(), node.kind.as_str()) {
                    ("folder", "folder") => scope.folders.push(node.id),
                    ("file", "file") => scope.files.push(node.id),
                    _ => {
                        return Err(ApiErr::invalid(
                            "references",
                            "a reference's type does not match its node",
                        ));
                    }
                }
            }
            Ok(scope)
        })
        .await
}

fn intelligence_off() -> ApiErr {
    ApiErr::not_acceptable(
        1605,
        "workspace intelligence is disabled: folder and workspace questions need indexed files \
         (enable intelligence, or attach files as subjects)",
    )
}

/// The plan / credit gate of §7.1, when the emulator is configured to refuse.
fn ai_gate(state: &AppState) -> Result<(), ApiErr> {
    match state.config.ai_gate {
        Some(402) => Err(ApiErr::new(
            axum::http::StatusCode::PAYMENT_REQUIRED,
            1696,
            "the organization has no AI credits left",
        )),
        Some(_) => Err(ApiErr::new(
            axum::http::StatusCode::FORBIDDEN,
            1695,
            "upgrade required: the plan does not include the ai_agent feature",
        )),
        None => Ok(()),
    }
}

fn question_field(f: &Fields) -> Result<String, ApiErr> {
    let q = f.req("question")?.trim().to_string();
    if q.is_empty() || q.chars().count() > MAX_QUESTION_CHARS {
        return Err(ApiErr::invalid("question", "must be 1 to 32000 characters"));
    }
    Ok(q)
}

async fn create_chat(
    State(state): State<AppState>,
    caller: Caller,
    Path(ws): Path<String>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    ai_gate(&state)?;
    let question = question_field(&f)?;
    let scope = parse_scope(&state, &ws.id, &f).await?;
    if scope.is_rag() && !ws.intelligence {
        return Err(intelligence_off());
    }
    let name = f
        .get("name")
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(100).collect())
        .unwrap_or_else(|| question.chars().take(60).collect::<String>());
    let chat_id = ids::opaque('7');
    let msg = new_message(1, &question);
    let msg_id = msg.id.clone();
    let chat = Chat {
        id: chat_id.clone(),
        workspace_id: ws.id.clone(),
        user_id: caller.user_id.clone(),
        name: name.clone(),
        messages: vec![msg],
    };
    state
        .ext::<Ai>()
        .chats
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(chat_id.clone(), chat);
    tokio::spawn(answer(
        state.clone(),
        chat_id.clone(),
        msg_id.clone(),
        scope,
    ));
    wire::ok(json!({
        "thread": {"thread_id": chat_id, "id": chat_id, "name": name, "kind": "user",
                   "privacy": "private"},
        "turn": {"turn_id": msg_id, "id": msg_id, "seq": 1, "status": "pending",
                 "state": "ready"},
    }))
}

fn new_message(seq: u32, question: &str) -> Message {
    Message {
        id: ids::opaque('8'),
        seq,
        question: question.to_string(),
        phase: Phase::Running,
        answer: None,
        citations: json!([]),
        clarification: None,
        error: None,
        created: chrono::Utc::now().timestamp(),
    }
}

/// `POST …/ai/agent/{chat}/message/`: a follow-up question (flat payload).
async fn follow_up(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, chat_id)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    ai_gate(&state)?;
    let question = question_field(&f)?;
    let scope = parse_scope(&state, &ws.id, &f).await?;
    if scope.is_rag() && !ws.intelligence {
        return Err(intelligence_off());
    }
    let chat_id = ids::canonical(&chat_id);
    let msg = {
        let ai = state.ext::<Ai>();
        let mut chats = ai.chats.lock().unwrap_or_else(|e| e.into_inner());
        let chat = chats
            .get_mut(&chat_id)
            .filter(|c| c.workspace_id == ws.id && c.user_id == caller.user_id)
            .ok_or_else(|| ApiErr::not_found("chat"))?;
        let msg = new_message(chat.messages.len() as u32 + 1, &question);
        chat.messages.push(msg.clone());
        msg
    };
    tokio::spawn(answer(
        state.clone(),
        chat_id.clone(),
        msg.id.clone(),
        scope,
    ));
    wire::ok_flat(
        json!({"turn_id": msg.id, "thread_id": chat_id, "seq": msg.seq,
                         "status": "pending"}),
    )
}

/// Compute the answer after the configured delay, then publish it.
async fn answer(state: AppState, chat_id: String, msg_id: String, scope: Scope) {
    tokio::time::sleep(state.config.answer_delay).await;
    let (ws, question) = {
        let ai = state.ext::<Ai>();
        let chats = ai.chats.lock().unwrap_or_else(|e| e.into_inner());
        let Some(chat) = chats.get(&chat_id) else {
            return;
        };
        let Some(m) = chat.messages.iter().find(|m| m.id == msg_id) else {
            return;
        };
        (chat.workspace_id.clone(), m.question.clone())
    };
    let outcome = compute(&state, &ws, &question, &scope).await;
    {
        let ai = state.ext::<Ai>();
        let mut chats = ai.chats.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = chats
            .get_mut(&chat_id)
            .and_then(|c| c.messages.iter_mut().find(|m| m.id == msg_id))
        {
            match outcome {
                Ok(Outcome::Answer(text, citations)) => {
                    m.phase = Phase::Complete;
                    m.answer = Some(text);
                    m.citations = citations;
                }
                Ok(Outcome::Clarify(q)) => {
                    m.phase = Phase::NeedsInput;
                    m.clarification = Some(q);
                }
                Err(e) => {
                    m.phase = Phase::Failed;
                    m.error = Some(e);
                }
            }
        }
    }
    state.activity.bump(format!("ai_chat:{chat_id}"));
}

enum Outcome {
    Answer(String, Value),
    Clarify(String),
}

/// The passages in scope: ready files under the referenced folders (or the whole workspace),
/// plus the attached files read directly.
async fn compute(
    state: &AppState,
    ws: &str,
    question: &str,
    scope: &Scope,
) -> Result<Outcome, String> {
    let query = rank::terms(question);
    if query.is_empty() {
        return Ok(Outcome::Clarify(
            "What would you like to know? The question has no searchable terms; name the topic, \
             a term or a file."
                .into(),
        ));
    }
    let mut passages: Vec<Passage> = Vec::new();
    if scope.is_rag() {
        let indexed: Vec<(String, Vec<Passage>)> = state
            .ext::<Ai>()
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, i)| i.workspace_id == ws && i.state == "ready")
            .map(|(id, i)| (id.clone(), i.passages.clone()))
            .collect();
        let folders: HashSet<String> = scope.folders.iter().cloned().collect();
        let ws_owned = ws.to_string();
        let ids: Vec<String> = indexed.iter().map(|(id, _)| id.clone()).collect();
        let in_scope: HashSet<String> = state
            .db(move |s| {
                let mut keep = HashSet::new();
                for id in ids {
                    // Deleted since indexing: gone from answers too.
                    let Some(node) = s.node(&ws_owned, &id)? else {
                        continue;
                    };
                    if folders.is_empty() {
                        keep.insert(id);
                        continue;
                    }
                    // Keep the file if a referenced folder is above it.
                    let mut cur = Some(node.parent);
                    let mut hops = 0;
                    while let Some(p) = cur {
                        if folders.contains(&p) {
                            keep.insert(id.clone());
                            break;
                        }
                        if p == "root" || hops > 64 {
                            break;
                        }
                        cur = s.node(&ws_owned, &p)?.map(|n| n.parent);
                        hops += 1;
                    }
                }
                Ok(keep)
            })
            .await
            .map_err(|e| e.text)?;
        let mut sorted: Vec<(String, Vec<Passage>)> = indexed
            .into_iter()
            .filter(|(id, _)| in_scope.contains(id))
            .collect();
        // Deterministic order whatever the hash map did.
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        passages.extend(sorted.into_iter().flat_map(|(_, p)| p));
    }
    let rag_count = passages.len();
    if !scope.files.is_empty() {
        let (ws_owned, files) = (ws.to_string(), scope.files.clone());
        let store = state.store.clone();
        let attached = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for id in files {
                let Ok(Some(node)) = store.node(&ws_owned, &id) else {
                    continue;
                };
                let Some(blob) = node.blob.as_deref() else {
                    continue;
                };
                if node.size > MAX_INDEX_BYTES
                    || !rank::is_text_like(&node.name, node.mimetype.as_deref())
                {
                    continue;
                }
                if let Ok(bytes) = std::fs::read(store.blob_path(blob)) {
                    let text = String::from_utf8_lossy(&bytes);
                    out.extend(rank::passages(
                        &node.id,
                        node.version.as_deref().unwrap_or(""),
                        &text,
                    ));
                }
            }
            out
        })
        .await
        .map_err(|_| "reading the attached files failed".to_string())?;
        passages.extend(attached);
    }
    let Some(a) = rank::compose(&query, &passages) else {
        return Ok(Outcome::Answer(
            "I could not find anything about that in the files in scope.".into(),
            json!([]),
        ));
    };
    // Citations are given for the retrieved (RAG) passages, not for attachments.
    let mut by_node: Vec<(String, String, Vec<Value>)> = Vec::new();
    for (idx, snippet) in &a.cited {
        if *idx >= rag_count {
            continue;
        }
        let p = &passages[*idx];
        let entry = json!({"page": p.page, "snippet": snippet, "timestamp": null});
        match by_node.iter_mut().find(|(n, _, _)| *n == p.node_id) {
            Some((_, _, entries)) => entries.push(entry),
            None => by_node.push((p.node_id.clone(), p.version_id.clone(), vec![entry])),
        }
    }
    let citations: Vec<Value> = by_node
        .into_iter()
        .map(|(n, v, entries)| json!({"nodeId": n, "versionId": v, "entries": entries}))
        .collect();
    Ok(Outcome::Answer(a.text, Value::Array(citations)))
}

fn find_message(
    state: &AppState,
    caller: &Caller,
    ws: &str,
    chat_id: &str,
    msg_id: &str,
) -> Result<(Chat, Message), ApiErr> {
    let ai = state.ext::<Ai>();
    let chats = ai.chats.lock().unwrap_or_else(|e| e.into_inner());
    let chat = chats
        .get(&ids::canonical(chat_id))
        .filter(|c| c.workspace_id == ws && c.user_id == caller.user_id)
        .ok_or_else(|| ApiErr::not_found("chat"))?;
    let msg = chat
        .messages
        .iter()
        .find(|m| m.id == ids::canonical(msg_id))
        .ok_or_else(|| ApiErr::not_found("message"))?;
    Ok((chat.clone(), msg.clone()))
}

/// The canonical details payload of §7.5 (superset of both answer locations and both state
/// vocabularies). The user's question is never put in a top-level `text`.
fn details_json(chat: &Chat, m: &Message) -> Value {
    let (st, status) = match m.phase {
        Phase::Running => ("in_progress", "running"),
        Phase::Complete => ("complete", "complete"),
        Phase::NeedsInput => ("needs_input", "needs_input"),
        Phase::Failed => ("errored", "failed"),
    };
    let mut message = json!({
        "id": m.id, "message_id": m.id, "turn_id": m.id, "thread_id": chat.id,
        "chat_name": chat.name, "seq": m.seq, "state": st, "status": status,
        "text": m.question, "created": m.created, "actions": [],
    });
    let mut out = json!({"message": Value::Null});
    match m.phase {
        Phase::Complete => {
            let answer = m.answer.clone().unwrap_or_default();
            message["response"] = json!({"text": answer, "citations": m.citations});
            out["result"] = json!({"text": answer, "citations": m.citations});
        }
        Phase::NeedsInput => {
            out["result"] = json!({"clarification": {"type": "question",
                                                     "question": m.clarification}});
        }
        Phase::Failed => {
            message["error"] = json!({"message": m.error});
            out["result"] = json!({"error": m.error});
        }
        Phase::Running => {}
    }
    out["message"] = message;
    out
}

async fn message_details(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, chat_id, msg_id)): Path<(String, String, String)>,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let (chat, m) = find_message(&state, &caller, &ws.id, &chat_id, &msg_id)?;
    wire::ok(details_json(&chat, &m))
}

/// `GET …/read/`: Server-Sent Events. Waits for the message to finish (up to 5 minutes), then
/// sends the answer in `message` events, the citations, and a final `done` (or `needs_input`,
/// or `error`) event carrying the details payload.
async fn message_read(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, chat_id, msg_id)): Path<(String, String, String)>,
) -> Result<Response, ApiErr> {
    let ws = state.workspace_for(&ws).await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    let (chat, m) = loop {
        let since = state.activity.current();
        let (chat, m) = find_message(&state, &caller, &ws.id, &chat_id, &msg_id)?;
        if m.phase != Phase::Running || tokio::time::Instant::now() >= deadline {
            break (chat, m);
        }
        state
            .activity
            .wait_since(since, Duration::from_millis(500))
            .await;
    };
    let mut body = String::new();
    let mut event = |name: &str, data: &Value| {
        body.push_str(&format!("event: {name}\ndata: {data}\n\n"));
    };
    let details = details_json(&chat, &m);
    match m.phase {
        Phase::Complete => {
            for piece in rank::sentences(m.answer.as_deref().unwrap_or("")) {
                event("message", &json!({"text": format!("{piece} ")}));
            }
            event("citations", &json!({"citations": m.citations}));
            event("done", &details);
        }
        Phase::NeedsInput => event("needs_input", &details),
        Phase::Failed => event("error", &details),
        Phase::Running => event("timeout", &details),
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}
