//! AI questions about workspace files on the current `/ai/agent/` endpoints (fastio-api.md §7),
//! workspace intelligence, and the activity long-poll used to wait for answers.
//!
//! Three state vocabularies and two answer locations exist; this module reads all of them and
//! hands the command a single [`Turn`].

use serde_json::Value;

use super::envelope::string_field;
use super::sse::SseParser;
use super::{ApiError, Client, segment};

/// A reference or subject item of a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    File { node_id: String },
    Folder { node_id: String },
}

impl Reference {
    fn to_json(&self) -> Value {
        match self {
            Reference::File { node_id } => serde_json::json!({
                "type": "file", "id": node_id,
                "file_details": {"node_id": node_id, "version_id": ""}
            }),
            Reference::Folder { node_id } => serde_json::json!({
                "type": "folder", "id": node_id,
                "folder_details": {"node_id": node_id}
            }),
        }
    }
}

/// Ids of a created chat and of the message holding the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatStarted {
    pub chat_id: String,
    pub message_id: String,
}

/// Create a chat asking `question`, grounded in folder `references` and attached file `subjects`.
pub async fn create_chat(
    client: &Client,
    workspace_id: &str,
    question: &str,
    references: &[Reference],
    subjects: &[Reference],
) -> Result<ChatStarted, ApiError> {
    let path = format!("/workspace/{}/ai/agent/", segment(workspace_id));
    let mut form = vec![("question", question.to_string())];
    let list = |items: &[Reference]| {
        Value::Array(items.iter().map(Reference::to_json).collect()).to_string()
    };
    if !references.is_empty() {
        form.push(("references", list(references)));
    }
    if !subjects.is_empty() {
        form.push(("subjects", list(subjects)));
    }
    let payload = client.post_form(&path, &form).await?;
    parse_started(&payload).ok_or_else(|| ApiError::Decode {
        method: "POST".into(),
        path,
        detail: "the answer names no chat and message id".into(),
    })
}

/// `{"thread": {"thread_id"}, "turn": {"turn_id"}}`, or the legacy `chat_id`/`chat.id` and
/// `message_id`/`message.id`.
pub fn parse_started(payload: &Value) -> Option<ChatStarted> {
    let nested_id = |outer: &str, keys: &[&str]| {
        payload
            .get(outer)
            .and_then(|o| keys.iter().find_map(|k| string_field(o, k)))
    };
    let chat_id = nested_id("thread", &["thread_id", "id"])
        .or_else(|| string_field(payload, "thread_id"))
        .or_else(|| string_field(payload, "chat_id"))
        .or_else(|| nested_id("chat", &["id", "chat_id"]))?;
    let message_id = nested_id("turn", &["turn_id", "id"])
        .or_else(|| string_field(payload, "turn_id"))
        .or_else(|| string_field(payload, "message_id"))
        .or_else(|| nested_id("message", &["id", "message_id"]))?;
    Some(ChatStarted {
        chat_id,
        message_id,
    })
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnState {
    Working,
    Complete,
    Failed,
    NeedsInput,
}

/// One cited passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub node_id: Option<String>,
    pub version_id: Option<String>,
    pub page: Option<u64>,
    pub snippet: Option<String>,
}

/// The answer to a question as far as it has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub state: TurnState,
    /// The raw state words the server used (for `--json`).
    pub raw_state: String,
    pub answer: Option<String>,
    pub citations: Vec<Citation>,
    /// On `needs_input`: the clarifying question.
    pub clarification: Option<String>,
    /// On failure: what the server said, if anything.
    pub error: Option<String>,
}

/// `GET …/ai/agent/{chat}/message/{message}/details/`.
pub async fn message_details(
    client: &Client,
    workspace_id: &str,
    started: &ChatStarted,
) -> Result<Turn, ApiError> {
    let path = format!(
        "/workspace/{}/ai/agent/{}/message/{}/details/",
        segment(workspace_id),
        segment(&started.chat_id),
        segment(&started.message_id)
    );
    let payload = client.get(&path, &[]).await?;
    Ok(parse_turn(&payload))
}

fn state_of(word: &str) -> Option<TurnState> {
    match word.trim().to_ascii_lowercase().as_str() {
        "complete" | "completed" | "done" => Some(TurnState::Complete),
        "errored" | "failed" | "cancelled" | "canceled" | "lost" | "error" => {
            Some(TurnState::Failed)
        }
        "needs_input" => Some(TurnState::NeedsInput),
        _ => None,
    }
}

/// Read a details payload: message under `message` (workspace) or `turn` (share); state from
/// `state` and/or `status` (terminal if either is); answer from top-level `text`, `result`,
/// `message.response.text`, then `message.text` (which on `needs_input` is the user's question
/// and is then ignored); citations from the same places.
pub fn parse_turn(payload: &Value) -> Turn {
    let msg = ["message", "turn"]
        .iter()
        .find_map(|k| payload.get(*k).filter(|v| v.is_object()))
        .unwrap_or(&Value::Null);
    let result = payload.get("result").filter(|v| v.is_object());
    let words: Vec<String> = ["state", "status"]
        .iter()
        .filter_map(|k| msg.get(*k).or_else(|| payload.get(*k)))
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    // needs_input wins over complete; failure over complete.
    let terminal: Vec<TurnState> = words.iter().filter_map(|w| state_of(w)).collect();
    let state = if terminal.contains(&TurnState::NeedsInput) {
        TurnState::NeedsInput
    } else if terminal.contains(&TurnState::Failed) {
        TurnState::Failed
    } else if terminal.contains(&TurnState::Complete) {
        TurnState::Complete
    } else {
        TurnState::Working
    };
    let text_at = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let response = msg.get("response");
    let mut answer = text_at(Some(payload), "text")
        .or_else(|| text_at(result, "text"))
        .or_else(|| text_at(result, "answer"))
        .or_else(|| text_at(result, "content"))
        .or_else(|| text_at(response, "text"));
    if answer.is_none() && state == TurnState::Complete {
        answer = text_at(Some(msg), "text");
    }
    let citations = [
        payload.get("citations"),
        result.and_then(|r| r.get("citations")),
        response.and_then(|r| r.get("citations")),
        msg.get("citations"),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.as_array().filter(|a| !a.is_empty()))
    .map(|items| items.iter().flat_map(parse_citation).collect())
    .unwrap_or_default();
    let clarification = result
        .and_then(|r| r.get("clarification"))
        .or_else(|| msg.get("clarification"))
        .and_then(|c| match c {
            Value::String(s) => Some(s.clone()),
            other => text_at(Some(other), "question"),
        });
    let error = text_at(result, "error")
        .or_else(|| text_at(Some(msg), "error"))
        .or_else(|| text_at(Some(msg), "status_message"))
        .or_else(|| {
            msg.get("error")
                .and_then(|e| text_at(Some(e), "message").or_else(|| text_at(Some(e), "text")))
        });
    Turn {
        state,
        raw_state: words.join("/"),
        answer,
        citations,
        clarification,
        error,
    }
}

/// A citation is `{nodeId, versionId, entries: [{page, snippet, timestamp}]}`: one [`Citation`]
/// per entry (or one without page/snippet when there are no entries).
fn parse_citation(item: &Value) -> Vec<Citation> {
    let node_id = ["nodeId", "node_id", "id"]
        .iter()
        .find_map(|k| string_field(item, k));
    let version_id = ["versionId", "version_id"]
        .iter()
        .find_map(|k| string_field(item, k));
    let entry = |e: &Value| Citation {
        node_id: node_id.clone(),
        version_id: version_id.clone(),
        page: e.get("page").and_then(|p| match p {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }),
        snippet: e
            .get("snippet")
            .or_else(|| e.get("text"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    match item.get("entries").and_then(Value::as_array) {
        Some(entries) if !entries.is_empty() => entries.iter().map(entry).collect(),
        _ => vec![entry(item)],
    }
}

/// `GET /activity/poll/{workspace}/?wait=&lastactivity=`: returns when something changed (or
/// after `wait` seconds) with the keys that changed and the `lastactivity` to pass next time.
pub async fn activity_poll(
    client: &Client,
    workspace_id: &str,
    wait_secs: u64,
    last_activity: Option<&str>,
) -> Result<(Option<String>, Vec<String>), ApiError> {
    let path = format!("/activity/poll/{}/", segment(workspace_id));
    let mut query = vec![("wait", wait_secs.to_string())];
    if let Some(last) = last_activity {
        query.push(("lastactivity", last.to_string()));
    }
    let payload = client.get(&path, &query).await?;
    let next = string_field(&payload, "lastactivity");
    let keys = activity_keys(&payload);
    Ok((next, keys))
}

/// The changed keys of an activity answer: an array of strings or objects with `key`, or an
/// object keyed by them, under `activity`, `keys`, `changes` or `events`.
fn activity_keys(payload: &Value) -> Vec<String> {
    let Some(v) = ["activity", "keys", "changes", "events"]
        .iter()
        .find_map(|k| payload.get(*k))
    else {
        return Vec::new();
    };
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                other => string_field(other, "key"),
            })
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Workspace intelligence flag from `GET /workspace/{id}/details/` (`None` if not reported).
pub async fn intelligence(client: &Client, workspace_id: &str) -> Result<Option<bool>, ApiError> {
    let payload = client
        .get(
            &format!("/workspace/{}/details/", segment(workspace_id)),
            &[],
        )
        .await?;
    let ws = payload.get("workspace").unwrap_or(&payload);
    Ok(match ws.get("intelligence") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(matches!(s.as_str(), "true" | "yes" | "1")),
        Some(Value::Number(n)) => Some(n.as_i64().unwrap_or(0) != 0),
        _ => None,
    })
}

/// `POST /workspace/{id}/update/` `intelligence=true`.
pub async fn enable_intelligence(client: &Client, workspace_id: &str) -> Result<(), ApiError> {
    client
        .post_form(
            &format!("/workspace/{}/update/", segment(workspace_id)),
            &[("intelligence", "true".to_string())],
        )
        .await?;
    Ok(())
}

/// Per-file AI state as reported on a node (`ai.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiState {
    /// `ready` or `indexed`: usable for answers.
    Ready,
    /// `pending`, `in_progress`, `inprogress`.
    Indexing,
    Disabled,
    Failed,
    Unknown,
}

impl AiState {
    pub fn parse(s: &str) -> AiState {
        match s.trim().to_ascii_lowercase().as_str() {
            "ready" | "indexed" => AiState::Ready,
            "pending" | "in_progress" | "inprogress" | "queued" => AiState::Indexing,
            "disabled" | "off" => AiState::Disabled,
            "failed" | "error" => AiState::Failed,
            _ => AiState::Unknown,
        }
    }
}

/// The `ai.state` of a node payload (`{"node": {...}}` or the node itself).
pub fn node_ai_state(payload: &Value) -> AiState {
    let node = payload.get("node").unwrap_or(payload);
    node.get("ai")
        .and_then(|ai| ai.get("state"))
        .or_else(|| node.get("ai_state"))
        .and_then(Value::as_str)
        .map(AiState::parse)
        .unwrap_or(AiState::Unknown)
}

/// A node's name, parent and AI state, from `GET …/storage/{node}/details/?output=standard`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAi {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    pub is_folder: bool,
    pub ai_state: AiState,
}

pub async fn node_ai(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
) -> Result<NodeAi, ApiError> {
    let path = super::storage::storage_path(workspace_id, node_id, "details/");
    let payload = client
        .get(&path, &[("output", "standard".to_string())])
        .await?;
    let node = payload.get("node").unwrap_or(&payload);
    Ok(NodeAi {
        id: string_field(node, "id").unwrap_or_else(|| node_id.to_string()),
        name: string_field(node, "name").unwrap_or_default(),
        parent: string_field(node, "parent").or_else(|| string_field(node, "parent_id")),
        is_folder: string_field(node, "type").as_deref() == Some("folder"),
        ai_state: node_ai_state(&payload),
    })
}

/// The children of a folder with their AI state, from the listing at `output=standard` (which
/// shows `ai.state`): one request per page of up to 500 instead of one per file.
pub async fn list_with_ai(
    client: &Client,
    workspace_id: &str,
    folder_id: &str,
) -> Result<Vec<NodeAi>, ApiError> {
    let items =
        super::storage::list_folder_raw(client, workspace_id, folder_id, "standard").await?;
    Ok(items
        .iter()
        .filter_map(|node| {
            Some(NodeAi {
                id: string_field(node, "id")?,
                name: string_field(node, "name").unwrap_or_default(),
                parent: string_field(node, "parent").or_else(|| string_field(node, "parent_id")),
                is_folder: string_field(node, "type").as_deref() == Some("folder"),
                ai_state: node_ai_state(node),
            })
        })
        .collect())
}

/// Follow a message's SSE stream (`GET …/message/{id}/read/`): `on_text` gets each piece of
/// answer text as it arrives. The stream's event format is not documented, so nothing final is
/// taken from it: when it ends (a `done` / `needs_input` / `error` event, or the connection
/// closes) the caller reads the message details for the answer and its citations.
pub async fn read_stream(
    client: &Client,
    workspace_id: &str,
    started: &ChatStarted,
    mut on_text: impl FnMut(&str),
) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    let path = format!(
        "/workspace/{}/ai/agent/{}/message/{}/read/",
        segment(workspace_id),
        segment(&started.chat_id),
        segment(&started.message_id)
    );
    let resp = client
        .send(reqwest::Method::GET, &path, |rb| {
            rb.header(reqwest::header::ACCEPT, "text/event-stream")
        })
        .await?;
    let mut parser = SseParser::default();
    let mut body = resp.bytes_stream();
    // Each piece of the stream must come within the stall limit.
    let limit = client.options().stall_timeout;
    loop {
        let Ok(next) = tokio::time::timeout(limit, body.next()).await else {
            return Err(ApiError::Stalled {
                method: "GET".into(),
                path,
                server: client.origin(),
                idle: limit,
            });
        };
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|source| ApiError::Transport {
            method: "GET".into(),
            path: path.clone(),
            source,
        })?;
        for ev in parser.feed(&chunk) {
            match ev.event.as_str() {
                "message" | "delta" | "text" => {
                    let data: Value = serde_json::from_str(&ev.data).unwrap_or(Value::Null);
                    if let Some(t) = data
                        .get("text")
                        .or_else(|| data.get("delta"))
                        .and_then(Value::as_str)
                    {
                        on_text(t);
                    }
                }
                "done" | "needs_input" | "error" => return Ok(()),
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn started_current_and_legacy_shapes() {
        let cur = json!({"thread": {"thread_id": "t1"}, "turn": {"turn_id": "m1"}});
        assert_eq!(
            parse_started(&cur),
            Some(ChatStarted {
                chat_id: "t1".into(),
                message_id: "m1".into()
            })
        );
        let legacy = json!({"chat": {"id": "c"}, "message": {"id": "m"}});
        assert_eq!(parse_started(&legacy).unwrap().chat_id, "c");
        let flat = json!({"chat_id": "c2", "message_id": "m2"});
        assert_eq!(parse_started(&flat).unwrap().message_id, "m2");
        assert_eq!(parse_started(&json!({"chat_id": "c"})), None);
    }

    #[test]
    fn complete_answer_from_message_response() {
        let p = json!({"message": {"state": "complete", "text": "what terms?",
            "response": {"text": "Net 30.", "citations": [
                {"nodeId": "n1", "versionId": "v1",
                 "entries": [{"page": 4, "snippet": "net 30", "timestamp": null},
                             {"page": 5, "snippet": "late fee"}]}]}}});
        let t = parse_turn(&p);
        assert_eq!(t.state, TurnState::Complete);
        assert_eq!(t.answer.as_deref(), Some("Net 30."));
        assert_eq!(t.citations.len(), 2);
        assert_eq!(t.citations[0].node_id.as_deref(), Some("n1"));
        assert_eq!(t.citations[1].page, Some(5));
    }

    #[test]
    fn result_location_and_status_vocabulary() {
        let p = json!({"message": {"status": "complete", "text": "q?"},
                       "result": {"text": "A.", "citations": [{"node_id": "n2",
                                  "entries": [{"snippet": "s"}]}]}});
        let t = parse_turn(&p);
        assert_eq!(t.state, TurnState::Complete);
        assert_eq!(t.answer.as_deref(), Some("A."));
        assert_eq!(t.citations[0].node_id.as_deref(), Some("n2"));

        let working =
            parse_turn(&json!({"message": {"state": "in_progress", "status": "running"}}));
        assert_eq!(working.state, TurnState::Working);
        let failed = parse_turn(&json!({"message": {"state": "errored", "status": "failed"}}));
        assert_eq!(failed.state, TurnState::Failed);
        let lost = parse_turn(&json!({"turn": {"status": "lost"}}));
        assert_eq!(lost.state, TurnState::Failed);
    }

    #[test]
    fn needs_input_ignores_echoed_question() {
        let p = json!({"message": {"state": "needs_input", "status": "needs_input",
                                   "text": "which contract?"},
                       "result": {"clarification": {"type": "choice",
                                                    "question": "Acme or Globex?"}}});
        let t = parse_turn(&p);
        assert_eq!(t.state, TurnState::NeedsInput);
        assert_eq!(t.answer, None);
        assert_eq!(t.clarification.as_deref(), Some("Acme or Globex?"));
    }

    #[test]
    fn ai_states() {
        assert_eq!(
            node_ai_state(&json!({"node": {"ai": {"state": "indexed"}}})),
            AiState::Ready
        );
        assert_eq!(
            node_ai_state(&json!({"ai": {"state": "inprogress"}})),
            AiState::Indexing
        );
        assert_eq!(node_ai_state(&json!({"node": {}})), AiState::Unknown);
    }

    #[test]
    fn activity_key_shapes() {
        assert_eq!(
            activity_keys(&json!({"activity": ["ai_chat:1", {"key": "upload:2"}]})),
            vec!["ai_chat:1", "upload:2"]
        );
        assert_eq!(
            activity_keys(&json!({"activity": {"ai_chat:3": 5}})),
            vec!["ai_chat:3"]
        );
    }
}
