//! Answering in the background: after the answer delay, the passages in scope are ranked and
//! the best sentences become the answer, with citations for the retrieved passages.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::{Ai, MAX_INDEX_BYTES, Phase, Scope, rank};
use crate::emulator::AppState;
use rank::Passage;

/// Compute the answer after the configured delay, then publish it.
pub(super) async fn answer(state: AppState, chat_id: String, msg_id: String, scope: Scope) {
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
    if let Some(id) = scope.not_ready.first() {
        return Err(format!(
            "the attached file {id} was not ready for AI when asked (ai.state pending)"
        ));
    }
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
