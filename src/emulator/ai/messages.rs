//! Reading answers: message details (the canonical payload of §7.5) and the Server-Sent Events
//! stream of `GET …/read/`.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Ai, Chat, Message, Phase, rank};
use crate::emulator::AppState;
use crate::emulator::caller::Caller;
use crate::emulator::ids;
use crate::emulator::wire::{self, ApiErr, ApiResult};

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

pub(super) async fn message_details(
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
pub(super) async fn message_read(
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
