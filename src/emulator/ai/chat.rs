//! Asking: `POST /workspace/{ws}/ai/agent/` (a new chat with its first question) and follow-up
//! questions, with their scope (references, attached files) and the plan gate.

use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::answer::answer;
use super::{Ai, Chat, Message, Phase, Scope};
use crate::emulator::AppState;
use crate::emulator::caller::Caller;
use crate::emulator::ids;
use crate::emulator::wire::{self, ApiErr, ApiResult, Fields};

const MAX_QUESTION_CHARS: usize = 32_000;
const MAX_REFERENCES: usize = 100;
const MAX_SUBJECTS: usize = 20;

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
    let st = state.clone();
    state
        .db(move |s| {
            let mut scope = Scope::default();
            for (kind, id) in refs.into_iter().chain(subjects) {
                let node = s
                    .node(&ws, &id)?
                    .ok_or_else(|| ApiErr::not_found("referenced node"))?;
                match (kind.as_str(), node.kind.as_str()) {
                    ("folder", "folder") => scope.folders.push(node.id),
                    ("file", "file") => {
                        if super::index::still_pending(&st, &node) {
                            scope.not_ready.push(node.id.clone());
                        }
                        scope.files.push(node.id)
                    }
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

pub(super) async fn create_chat(
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
pub(super) async fn follow_up(
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
