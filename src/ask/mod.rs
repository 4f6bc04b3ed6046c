//! `fastio ask` as a workflow: check the scope's indexing, ask on the `/ai/agent/` endpoints,
//! wait for the answer, and resolve its citations to paths. Nothing here prints: progress goes
//! to a [`Step`] callback, the answer is returned, and refusals are [`AskError`]s whose exit
//! codes `exit.rs` chooses.
//!
//! Folders become `references` (answers grounded in their indexed files), files become
//! `subjects` (attached and read directly); with neither, the whole workspace is the scope.
//! Folder and workspace questions need workspace intelligence and indexed files: when it is
//! off, or nothing is indexed yet, this says so instead of asking. Intelligence is turned on
//! only when asked to (it costs credits).
//!
//! Waiting: with `live`, the answer streams in through the message's SSE endpoint (shown as
//! [`Step::Text`]); either way the message details are read, and the workspace activity channel
//! is long-polled until `ai_chat:{chat}` changes, until the message is terminal or the deadline.

mod answer;
mod scope;

pub use answer::wait_answer;

use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::api::chat::{self, ChatStarted, Citation, Reference, Turn};
use crate::api::{ApiError, Client};

/// Longest question the service takes (fastio-api.md §7.2).
pub const MAX_QUESTION_CHARS: usize = 32_000;

/// Why a question was not asked, or not answered.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("the question is longer than {MAX_QUESTION_CHARS} characters")]
    TooLong,
    #[error(
        "AI intelligence is off for workspace `{0}`, so its files are not indexed: ask about \
         specific files with --file, or turn it on with --enable-intelligence (costs credits)"
    )]
    IntelligenceOff(String),
    #[error("none of the {0} file(s) in scope is indexed for AI (only text-like files are)")]
    NothingIndexed(usize),
    #[error("{0} file(s) in scope are not indexed yet; retry later or pass --wait-indexed")]
    NotIndexedYet(usize),
    #[error("{indexing} file(s) still not indexed after {secs} s")]
    StillIndexing { indexing: usize, secs: u64 },
    #[error("AI questions need a plan with the AI agent feature ({0})")]
    NoPlan(ApiError),
    #[error("no AI credits left ({0})")]
    NoCredits(ApiError),
    #[error("no answer yet (state {0}); gave up waiting")]
    NoAnswerYet(String),
    #[error("the AI could not answer ({raw_state}): {reason}")]
    Failed { raw_state: String, reason: String },
}

/// What to ask, about what.
pub struct Question {
    pub workspace_id: String,
    /// The workspace's name (or id) for messages.
    pub workspace_label: String,
    pub text: String,
    /// Folder node ids (references); the root is left out (it is the whole workspace).
    pub folders: Vec<String>,
    /// File node ids (subjects).
    pub files: Vec<String>,
    pub timeout: Duration,
    pub wait_indexed: bool,
    pub enable_intelligence: bool,
    /// Stream the answer's text as it is written.
    pub live: bool,
}

impl Question {
    /// Folder and workspace questions need the index; file-only ones do not.
    fn rag(&self) -> bool {
        !self.folders.is_empty() || self.files.is_empty()
    }
}

/// Progress, for the command to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Intelligence is being turned on (costs credits).
    EnablingIntelligence,
    /// The server reported no known AI state for this many files; asking anyway.
    UnknownStates(usize),
    /// This many files are still being indexed and may be missed.
    StillIndexing(usize),
    /// Waiting for this many files to be indexed (`--wait-indexed`).
    Waiting(usize),
    /// A piece of the answer as it streams in (`live` only).
    Text(String),
}

/// The answer, its citations with their paths (where they could be found).
pub struct Answer {
    pub started: ChatStarted,
    pub turn: Turn,
    pub cited: Vec<(Citation, Option<String>)>,
    /// Some of the answer's text was shown as [`Step::Text`].
    pub streamed: bool,
}

/// Check the question's text before anything is asked.
pub fn check_question(text: &str) -> Result<String, AskError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AskError::EmptyQuestion);
    }
    if text.chars().count() > MAX_QUESTION_CHARS {
        return Err(AskError::TooLong);
    }
    Ok(text.to_string())
}

/// Ask `q` and wait for the answer (a terminal turn: complete, failed or needing input).
pub async fn ask(
    client: &Client,
    q: &Question,
    mut step: impl FnMut(Step),
) -> anyhow::Result<Answer> {
    let (ws, label) = (&q.workspace_id, &q.workspace_label);
    let mut intelligence = chat::intelligence(client, ws)
        .await
        .with_context(|| format!("reading the settings of workspace `{label}`"))?;
    if q.enable_intelligence && intelligence != Some(true) {
        step(Step::EnablingIntelligence);
        chat::enable_intelligence(client, ws)
            .await
            .with_context(|| format!("turning on intelligence for workspace `{label}`"))?;
        intelligence = Some(true);
    }
    if q.rag() && intelligence == Some(false) {
        return Err(AskError::IntelligenceOff(label.clone()).into());
    }
    let deadline = Instant::now() + q.timeout.max(Duration::from_secs(1));
    scope::wait_until_indexed(client, q, deadline, &mut step).await?;

    let refs = |ids: &[String], folder: bool| -> Vec<Reference> {
        ids.iter()
            .map(|id| match folder {
                true => Reference::Folder {
                    node_id: id.clone(),
                },
                false => Reference::File {
                    node_id: id.clone(),
                },
            })
            .collect()
    };
    let started = chat::create_chat(
        client,
        ws,
        &q.text,
        &refs(&q.folders, true),
        &refs(&q.files, false),
    )
    .await
    .map_err(|e| create_failed(e, label))?;
    let mut streamed = false;
    if q.live {
        let left = deadline.saturating_duration_since(Instant::now());
        let stream = chat::read_stream(client, ws, &started, |piece| {
            streamed = true;
            step(Step::Text(piece.to_string()));
        });
        let _ = tokio::time::timeout(left, stream).await;
    }
    // The stream's format is undocumented: the answer and its citations always come from the
    // message details.
    let turn = answer::wait_answer(client, ws, &started, deadline).await?;
    let cited = answer::cite(client, ws, &turn.citations).await;
    Ok(Answer {
        started,
        turn,
        cited,
        streamed,
    })
}

/// Explain the refusals of chat creation that have a known meaning.
fn create_failed(e: ApiError, ws_label: &str) -> anyhow::Error {
    let text = e.to_string().to_lowercase();
    match (e.status(), e.code()) {
        (Some(400 | 406), _) if text.contains("intelligence") => {
            AskError::IntelligenceOff(ws_label.to_string()).into()
        }
        (_, 1695) | (Some(403), _) if text.contains("plan") || e.code() == 1695 => {
            AskError::NoPlan(e).into()
        }
        (Some(402), _) => AskError::NoCredits(e).into(),
        _ => anyhow::Error::new(e).context("asking the question"),
    }
}
