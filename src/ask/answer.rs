//! Waiting for the answer of an asked question, and the paths of the files it cites.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::AskError;
use crate::api::Client;
use crate::api::chat::{self, ChatStarted, Citation, Turn, TurnState};

/// The message details, read until the turn is terminal: the activity channel is long-polled
/// between reads (plain waits when it does not work), up to `deadline`. Activity about other
/// things (files being indexed, uploads) does not cause a read: only a change that names this
/// chat, or one that names nothing.
pub async fn wait_answer(
    client: &Client,
    workspace_id: &str,
    started: &ChatStarted,
    deadline: Instant,
) -> anyhow::Result<Turn> {
    let mut last_activity: Option<String> = None;
    let mut activity_works = true;
    let ours = format!("ai_chat:{}", started.chat_id);
    let mut read = true;
    let mut raw_state = String::new();
    loop {
        if read {
            let turn = chat::message_details(client, workspace_id, started)
                .await
                .context("reading the answer")?;
            if turn.state != TurnState::Working {
                return Ok(turn);
            }
            raw_state = turn.raw_state;
        }
        read = true;
        let now = Instant::now();
        if now >= deadline {
            return Err(AskError::NoAnswerYet(raw_state).into());
        }
        let left = (deadline - now).as_secs().clamp(1, 20);
        if activity_works {
            // The first poll only learns the current position; later ones wait for changes.
            match chat::activity_poll(client, workspace_id, left, last_activity.as_deref()).await {
                Ok((next, keys)) => {
                    let first = last_activity.is_none();
                    last_activity = next;
                    if first || last_activity.is_none() {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    } else if !keys.is_empty() && !keys.contains(&ours) {
                        read = false;
                    }
                    continue;
                }
                Err(e) if e.is_auth() => {
                    return Err(anyhow::Error::new(e).context("waiting for the answer"));
                }
                Err(_) => activity_works = false,
            }
        }
        tokio::time::sleep(Duration::from_secs(1).min(deadline - Instant::now())).await;
    }
}

/// Each citation with the path of the file it cites (where it could be found).
pub(super) async fn cite(
    client: &Client,
    workspace_id: &str,
    citations: &[Citation],
) -> Vec<(Citation, Option<String>)> {
    let mut paths = PathCache::default();
    let mut cited = Vec::new();
    for c in citations {
        let path = match &c.node_id {
            Some(id) => Some(paths.path_of(client, workspace_id, id).await),
            None => None,
        };
        cited.push((c.clone(), path));
    }
    cited
}

/// Node id → remote path, by walking parents (cached).
#[derive(Default)]
struct PathCache {
    paths: HashMap<String, Option<String>>,
}

impl PathCache {
    async fn path_of(&mut self, client: &Client, workspace_id: &str, id: &str) -> String {
        let mut segs = Vec::new();
        let mut cur = id.to_string();
        let mut seen = 0;
        let mut prefix: Option<String> = None;
        while cur != "root" && seen < 64 {
            if let Some(known) = self.paths.get(&cur) {
                prefix = known.clone();
                break;
            }
            match chat::node_ai(client, workspace_id, &cur).await {
                Ok(n) => {
                    segs.push((cur.clone(), n.name));
                    match n.parent {
                        Some(p) if !p.is_empty() => cur = p,
                        _ => break,
                    }
                }
                Err(_) => return id.to_string(),
            }
            seen += 1;
        }
        let mut path = prefix.unwrap_or_default();
        for (node, name) in segs.into_iter().rev() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&name);
            self.paths.insert(node, Some(path.clone()));
        }
        path
    }
}
