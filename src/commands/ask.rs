//! `fastio ask`: ask a question about workspace files on the `/ai/agent/` endpoints and print
//! the answer with numbered citations.
//!
//! Folders become `references` (answers grounded in their indexed files), files become
//! `subjects` (attached and read directly); with neither, the whole workspace is the scope.
//! Folder and workspace questions need workspace intelligence and indexed files: when it is
//! off, or nothing is indexed yet, this says so instead of asking. `--enable-intelligence`
//! turns it on (it costs credits, so never implicitly).
//!
//! Waiting: on a terminal the answer streams in through the message's SSE endpoint; otherwise
//! the message details are read, then the workspace activity channel is long-polled until
//! `ai_chat:{chat}` changes, until the message is terminal or `--timeout` passes.
//!
//! `--json` prints one object: `{"type":"answer","state","question","answer","citations":[{"n",
//! "node_id","path","page","snippet"}],"clarification","chat_id","message_id"}`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt;
use serde_json::json;

use crate::api::chat::{self, AiState, ChatStarted, Reference, Turn, TurnState};
use crate::api::{ApiError, Client, resolve_workspace};
use crate::cli::AskArgs;
use crate::commands::Context;
use crate::commands::target;
use crate::exit::{ExitStatus, Fatal};

/// Longest question the service takes (fastio-api.md §7.2).
const MAX_QUESTION_CHARS: usize = 32_000;
/// Files whose indexing state is checked at most (folders are walked up to this many files).
const MAX_SCOPE_FILES: usize = 500;

pub async fn ask(ctx: &Context, args: AskArgs) -> anyhow::Result<ExitStatus> {
    let question = args.question.trim().to_string();
    if question.is_empty() {
        return Err(Fatal::usage("the question is empty").into());
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(Fatal::usage(format!(
            "the question is longer than {MAX_QUESTION_CHARS} characters"
        ))
        .into());
    }
    let (client, _) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg).await?;
    let quiet = ctx.global.quiet;

    // Resolve the scope first: a wrong path is a usage error whatever the AI settings.
    let mut folders = Vec::new();
    for f in &args.folder {
        let t = target::resolve(&client, &ws.id, f).await?;
        if !t.is_folder() {
            return Err(Fatal::usage(format!("`{f}` is a file: pass it with --file")).into());
        }
        // The root folder is the whole workspace: no reference needed.
        if t.node_id != "root" {
            folders.push(t);
        }
    }
    let mut files = Vec::new();
    for f in &args.file {
        let t = target::resolve(&client, &ws.id, f).await?;
        if t.is_folder() {
            return Err(Fatal::usage(format!("`{f}` is a folder: pass it with --folder")).into());
        }
        files.push(t);
    }
    let rag = !args.folder.is_empty() || files.is_empty();
    let ws_label = if ws.folder_name.is_empty() {
        ws.id.clone()
    } else {
        ws.folder_name.clone()
    };

    let mut intelligence = chat::intelligence(&client, &ws.id)
        .await
        .with_context(|| format!("reading the settings of workspace `{ws_label}`"))?;
    if args.enable_intelligence && intelligence != Some(true) {
        eprintln!(
            "fastio: warning: turning on AI intelligence for workspace `{ws_label}`; indexing its files costs credits"
        );
        chat::enable_intelligence(&client, &ws.id)
            .await
            .with_context(|| format!("turning on intelligence for workspace `{ws_label}`"))?;
        intelligence = Some(true);
    }
    if rag && intelligence == Some(false) {
        return Err(intelligence_off(&ws_label).into());
    }

    // Which files are in scope, and are they indexed?
    let roots: Vec<String> = if folders.is_empty() {
        vec!["root".into()]
    } else {
        folders.iter().map(|t| t.node_id.clone()).collect()
    };
    let file_ids: Vec<String> = files.iter().map(|t| t.node_id.clone()).collect();
    let deadline = Instant::now() + Duration::from_secs(args.timeout.max(1));
    let mut announced = false;
    loop {
        // Attached files are read directly: only folder/workspace questions need the index
        // (attachments are waited for only when asked to).
        let states = if rag {
            walk_states(&client, &ws.id, &roots).await?
        } else if args.wait_indexed {
            ai_states(&client, &ws.id, &file_ids).await?
        } else {
            Vec::new()
        };
        let indexing = states.iter().filter(|s| **s == AiState::Indexing).count();
        let ready = states.iter().filter(|s| **s == AiState::Ready).count();
        let unknown = states.iter().filter(|s| **s == AiState::Unknown).count();
        if indexing == 0 {
            if unknown > 0 && !quiet {
                // A state this client does not know (or none at all) is no reason to refuse.
                eprintln!(
                    "fastio: warning: the server reported no known AI state for {unknown} \
                     file(s) in scope; asking anyway"
                );
            }
            if rag && ready == 0 && unknown == 0 && !states.is_empty() {
                return Err(Fatal::unavailable(format!(
                    "none of the {} file(s) in scope is indexed for AI (only text-like files are)",
                    states.len()
                ))
                .into());
            }
            break;
        }
        if !args.wait_indexed {
            if ready == 0 {
                return Err(Fatal::unavailable(format!(
                    "{indexing} file(s) in scope are not indexed yet; retry later or pass --wait-indexed"
                ))
                .into());
            }
            if !quiet {
                eprintln!(
                    "fastio: note: {indexing} file(s) in scope are still being indexed and may be missed"
                );
            }
            break;
        }
        if Instant::now() >= deadline {
            return Err(Fatal::unavailable(format!(
                "{indexing} file(s) still not indexed after {} s",
                args.timeout
            ))
            .into());
        }
        if !announced && !quiet {
            eprintln!("fastio: waiting for {indexing} file(s) to be indexed");
            announced = true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let references: Vec<Reference> = folders
        .iter()
        .map(|t| Reference::Folder {
            node_id: t.node_id.clone(),
        })
        .collect();
    let subjects: Vec<Reference> = files
        .iter()
        .map(|t| Reference::File {
            node_id: t.node_id.clone(),
        })
        .collect();
    let started = chat::create_chat(&client, &ws.id, &question, &references, &subjects)
        .await
        .map_err(|e| create_failed(e, &ws_label))?;
    // On a terminal the answer is printed as it streams in; otherwise (and if streaming fails)
    // the details are read once the message is terminal.
    let live = !ctx.global.json && std::io::stdout().is_terminal();
    let mut streamed = false;
    if live {
        let left = deadline.saturating_duration_since(Instant::now());
        let stream = chat::read_stream(&client, &ws.id, &started, |piece| {
            streamed = true;
            print!("{piece}");
            let _ = std::io::stdout().flush();
        });
        let _ = tokio::time::timeout(left, stream).await;
        if streamed {
            println!();
        }
    }
    // The stream's format is undocumented: the answer and its citations always come from the
    // message details.
    let turn = wait_answer(&client, &ws.id, &started, deadline).await?;

    let mut paths = PathCache::default();
    let mut cited = Vec::new();
    for c in &turn.citations {
        let path = match &c.node_id {
            Some(id) => Some(paths.path_of(&client, &ws.id, id).await),
            None => None,
        };
        cited.push((c, path));
    }
    if ctx.global.json {
        let citations: Vec<_> = cited
            .iter()
            .enumerate()
            .map(|(i, (c, path))| {
                json!({"n": i + 1, "node_id": c.node_id, "version_id": c.version_id,
                       "path": path, "page": c.page, "snippet": c.snippet})
            })
            .collect();
        crate::output::json_line(
            json!({"type": "answer", "state": state_word(turn.state), "raw_state": turn.raw_state,
                   "question": question, "answer": turn.answer, "citations": citations,
                   "clarification": turn.clarification, "error": turn.error,
                   "chat_id": started.chat_id, "message_id": started.message_id}),
        );
    } else {
        match turn.state {
            TurnState::Complete => {
                if !streamed {
                    println!(
                        "{}",
                        turn.answer.as_deref().unwrap_or("(the answer is empty)")
                    );
                }
                if !cited.is_empty() {
                    println!("\nSources:");
                    for (i, (c, path)) in cited.iter().enumerate() {
                        let mut line = format!(
                            "  [{}] {}",
                            i + 1,
                            path.as_deref()
                                .or(c.node_id.as_deref())
                                .unwrap_or("(unknown file)")
                        );
                        if let Some(p) = c.page {
                            line.push_str(&format!(", page {p}"));
                        }
                        if let Some(s) = c.snippet.as_deref().filter(|s| !s.is_empty()) {
                            line.push_str(&format!(": \"{}\"", one_line(s, 160)));
                        }
                        println!("{line}");
                    }
                }
            }
            TurnState::NeedsInput => {
                println!(
                    "The assistant needs more information: {}",
                    turn.clarification
                        .as_deref()
                        .unwrap_or("(no clarifying question given)")
                );
            }
            TurnState::Failed | TurnState::Working => {}
        }
    }
    match turn.state {
        TurnState::Complete => Ok(ExitStatus::Success),
        TurnState::NeedsInput => Ok(ExitStatus::PartialFailure),
        TurnState::Failed => Err(Fatal::new(
            ExitStatus::PartialFailure,
            format!(
                "the AI could not answer ({}): {}",
                turn.raw_state,
                turn.error.as_deref().unwrap_or("no reason given")
            ),
        )
        .into()),
        TurnState::Working => unreachable!("wait_answer returns terminal turns"),
    }
}

fn intelligence_off(ws_label: &str) -> Fatal {
    Fatal::unavailable(format!(
        "AI intelligence is off for workspace `{ws_label}`, so its files are not indexed: \
         ask about specific files with --file, or turn it on with --enable-intelligence (costs credits)"
    ))
}

/// Explain the refusals of chat creation that have a known meaning.
fn create_failed(e: ApiError, ws_label: &str) -> anyhow::Error {
    let text = e.to_string().to_lowercase();
    match (e.status(), e.code()) {
        (Some(400 | 406), _) if text.contains("intelligence") => intelligence_off(ws_label).into(),
        (_, 1695) | (Some(403), _) if text.contains("plan") || e.code() == 1695 => Fatal::auth(
            format!("AI questions need a plan with the AI agent feature ({e})"),
        )
        .into(),
        (Some(402), _) => Fatal::auth(format!("no AI credits left ({e})")).into(),
        _ => anyhow::Error::new(e).context("asking the question"),
    }
}

async fn wait_answer(
    client: &Client,
    workspace_id: &str,
    started: &ChatStarted,
    deadline: Instant,
) -> anyhow::Result<Turn> {
    let mut last_activity: Option<String> = None;
    let mut activity_works = true;
    loop {
        let turn = chat::message_details(client, workspace_id, started)
            .await
            .context("reading the answer")?;
        if turn.state != TurnState::Working {
            return Ok(turn);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Fatal::new(
                ExitStatus::PartialFailure,
                format!("no answer yet (state {}); gave up waiting", turn.raw_state),
            )
            .into());
        }
        let left = (deadline - now).as_secs().clamp(1, 20);
        if activity_works {
            // The first poll only learns the current position; later ones wait for changes.
            match chat::activity_poll(client, workspace_id, left, last_activity.as_deref()).await {
                Ok((next, _keys)) => {
                    let first = last_activity.is_none();
                    last_activity = next;
                    if first || last_activity.is_none() {
                        tokio::time::sleep(Duration::from_millis(200)).await;
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

fn state_word(s: TurnState) -> &'static str {
    match s {
        TurnState::Working => "working",
        TurnState::Complete => "complete",
        TurnState::Failed => "failed",
        TurnState::NeedsInput => "needs_input",
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_one_line_and_bounded() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
