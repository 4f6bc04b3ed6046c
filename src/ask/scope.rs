//! Is the scope of a question indexed? The AI state of its files, waited for with
//! `--wait-indexed`.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt;

use super::{AskError, Question, Step};
use crate::api::chat::{self, AiState};
use crate::api::{ApiError, Client};

/// Files whose indexing state is checked at most (folders are walked up to this many files).
const MAX_SCOPE_FILES: usize = 500;

/// Return once the files the question needs are indexed (or, without `--wait-indexed`, once
/// some are), or refuse with the reason.
pub(super) async fn wait_until_indexed(
    client: &Client,
    q: &Question,
    deadline: Instant,
    step: &mut impl FnMut(Step),
) -> anyhow::Result<()> {
    let roots: Vec<String> = match q.folders.is_empty() {
        true => vec!["root".into()],
        false => q.folders.clone(),
    };
    let mut announced = false;
    loop {
        // Attached files are read directly: only folder/workspace questions need the index
        // (attachments are waited for only when asked to).
        let states = if q.rag() {
            walk_states(client, &q.workspace_id, &roots).await?
        } else if q.wait_indexed {
            ai_states(client, &q.workspace_id, &q.files).await?
        } else {
            Vec::new()
        };
        let count = |s: AiState| states.iter().filter(|x| **x == s).count();
        let (indexing, ready, unknown) = (
            count(AiState::Indexing),
            count(AiState::Ready),
            count(AiState::Unknown),
        );
        if indexing == 0 {
            if unknown > 0 {
                // A state this client does not know (or none at all) is no reason to refuse.
                step(Step::UnknownStates(unknown));
            }
            if q.rag() && ready == 0 && unknown == 0 && !states.is_empty() {
                return Err(AskError::NothingIndexed(states.len()).into());
            }
            return Ok(());
        }
        if !q.wait_indexed {
            if ready == 0 {
                return Err(AskError::NotIndexedYet(indexing).into());
            }
            step(Step::StillIndexing(indexing));
            return Ok(());
        }
        if Instant::now() >= deadline {
            let secs = q.timeout.as_secs();
            return Err(AskError::StillIndexing { indexing, secs }.into());
        }
        if !announced {
            step(Step::Waiting(indexing));
            announced = true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The AI state of every file under `roots` (breadth-first, at most [`MAX_SCOPE_FILES`]), one
/// listing per folder.
async fn walk_states(
    client: &Client,
    workspace_id: &str,
    roots: &[String],
) -> anyhow::Result<Vec<AiState>> {
    let mut queue: Vec<String> = roots.to_vec();
    let mut states = Vec::new();
    while let Some(folder) = queue.pop() {
        let children = chat::list_with_ai(client, workspace_id, &folder)
            .await
            .with_context(|| format!("listing folder {folder}"))?;
        for n in children {
            if n.is_folder {
                queue.push(n.id);
            } else {
                states.push(n.ai_state);
                if states.len() >= MAX_SCOPE_FILES {
                    return Ok(states);
                }
            }
        }
    }
    Ok(states)
}

async fn ai_states(
    client: &Client,
    workspace_id: &str,
    ids: &[String],
) -> anyhow::Result<Vec<AiState>> {
    let results: Vec<Result<AiState, ApiError>> = futures_util::stream::iter(ids.iter())
        .map(|id| async move {
            chat::node_ai(client, workspace_id, id)
                .await
                .map(|n| n.ai_state)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    results
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .context("reading the indexing state of files")
}
