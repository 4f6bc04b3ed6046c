//! `fastio ask`: resolve the scope (`--folder`, `--file`), ask ([`crate::ask`]), render the
//! answer ([`crate::output::ask`]). A failed or unanswered turn is an error; a clarifying
//! question exits 1.

use std::io::IsTerminal;
use std::time::Duration;

use crate::api::chat::TurnState;
use crate::api::resolve_workspace;
use crate::ask::{self, Question, Step};
use crate::cli::AskArgs;
use crate::commands::{Context, target};
use crate::exit::{ExitStatus, UsageError};
use crate::output::ask::{answer_json, answer_text};
use crate::output::json_line;

pub async fn ask(ctx: &Context, args: AskArgs) -> anyhow::Result<ExitStatus> {
    let text = ask::check_question(&args.question)?;
    let (client, _) = ctx.client()?;
    let ws = resolve_workspace(&client, &ctx.workspace(args.workspace.as_deref())?).await?;

    // Resolve the scope first: a wrong path is a usage error whatever the AI settings.
    let mut folders = Vec::new();
    for f in &args.folder {
        let t = target::resolve(&client, &ws.id, f).await?;
        if !t.is_folder() {
            return Err(UsageError::new(format!("`{f}` is a file: pass it with --file")).into());
        }
        // The root folder is the whole workspace: no reference needed.
        if t.node_id != "root" {
            folders.push(t.node_id);
        }
    }
    let mut files = Vec::new();
    for f in &args.file {
        let t = target::resolve(&client, &ws.id, f).await?;
        if t.is_folder() {
            return Err(
                UsageError::new(format!("`{f}` is a folder: pass it with --folder")).into(),
            );
        }
        files.push(t.node_id);
    }
    let workspace_label = match ws.folder_name.is_empty() {
        true => ws.id.clone(),
        false => ws.folder_name.clone(),
    };
    let p = &ctx.printer;
    let q = Question {
        workspace_id: ws.id.clone(),
        text,
        folders,
        files,
        timeout: Duration::from_secs(args.timeout),
        wait_indexed: args.wait_indexed,
        enable_intelligence: args.enable_intelligence,
        // On a terminal the answer is printed as it streams in.
        live: !p.json && std::io::stdout().is_terminal(),
        workspace_label,
    };
    let label = q.workspace_label.clone();
    let answer = ask::ask(&client, &q, |s| match s {
        Step::EnablingIntelligence => p.alert(&format!(
            "warning: turning on AI intelligence for workspace `{label}`; indexing its files \
             costs credits"
        )),
        Step::UnknownStates(n) => p.line(&format!(
            "warning: the server reported no known AI state for {n} file(s) in scope; asking \
             anyway"
        )),
        Step::StillIndexing(n) => p.line(&format!(
            "note: {n} file(s) in scope are still being indexed and may be missed"
        )),
        Step::Waiting(n) => p.line(&format!("waiting for {n} file(s) to be indexed")),
        Step::Text(piece) => p.result_piece(&piece),
    })
    .await?;
    if answer.streamed {
        p.result("");
    }
    if p.json {
        json_line(answer_json(&q.text, &answer));
    } else {
        let text = answer_text(&answer);
        if !text.is_empty() {
            p.result(text.trim_end_matches('\n'));
        }
    }
    let t = &answer.turn;
    match t.state {
        TurnState::Complete | TurnState::NeedsInput => Ok(crate::exit::answer_status(t.state)),
        TurnState::Failed | TurnState::Working => Err(ask::AskError::Failed {
            raw_state: t.raw_state.clone(),
            reason: t.error.clone().unwrap_or_else(|| "no reason given".into()),
        }
        .into()),
    }
}
