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
//!
//! This module holds the routes and the shared tables (indexed files, chats); the rest:
//! `index` (AI states, indexing, `POST /workspace/{id}/update/`), `chat` (new chats and
//! follow-ups), `answer` (computing an answer in the background), `messages` (details and the
//! SSE read), [`rank`] (passages and BM25).

mod answer;
mod chat;
mod index;
mod messages;
pub mod rank;

pub use index::{ai_state, node_ai_json, on_file_stored, with_ai};

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;

use super::AppState;
use rank::Passage;

/// Files larger than this are not indexed (state `failed`).
const MAX_INDEX_BYTES: u64 = 8 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workspace/{ws}/update", post(index::update_workspace))
        .route("/workspace/{ws}/ai/agent", post(chat::create_chat))
        .route(
            "/workspace/{ws}/ai/agent/{chat}/message",
            post(chat::follow_up),
        )
        .route(
            "/workspace/{ws}/ai/agent/{chat}/message/{msg}/details",
            get(messages::message_details),
        )
        .route(
            "/workspace/{ws}/ai/agent/{chat}/message/{msg}/read",
            get(messages::message_read),
        )
}

// ---- shared tables ----------------------------------------------------------------------

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
    /// Attached files that were not `ready` when asked about (`slow-ai-state`).
    not_ready: Vec<String>,
}

impl Scope {
    fn is_rag(&self) -> bool {
        !self.folders.is_empty() || self.files.is_empty()
    }
}
