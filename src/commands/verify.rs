//! `fastio verify`: read the receipt or walk the tree ([`crate::verify`]), print one line per
//! file and a summary, and exit 0 only when everything matches.

use std::time::Instant;

use crate::api::folders::split_remote_path;
use crate::cli::VerifyArgs;
use crate::commands::Context;
use crate::exit::{ExitStatus, UsageError};
use crate::output::github;
use crate::output::verify::{annotate, report};
use crate::verify::{self, Tally};

pub async fn verify(ctx: &Context, args: VerifyArgs) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer.clone();
    let started = Instant::now();
    let (client, _source) = ctx.client()?;
    let checks = match &args.receipt {
        Some(path) => {
            let receipt = crate::receipt::read(path)
                .map_err(|e| UsageError::new(format!("--receipt `{}`: {e}", path.display())))?;
            if receipt.torn {
                printer.line(&format!(
                    "the last line of `{}` was cut short (a run killed mid-write); ignored",
                    path.display()
                ));
            }
            match verify::receipt::Incomplete::of(&receipt, &path.display().to_string()) {
                Some(why) if !args.partial => return Err(why.into()),
                Some(why) => printer.line(&format!("{why}; --partial: checking what it records")),
                None => {}
            }
            if let Some(base) = receipt.run["api_base"].as_str()
                && base.trim_end_matches('/') != client.base().trim_end_matches('/')
            {
                printer.line(&format!(
                    "warning: the receipt was written against {base}; checking against {}",
                    client.base()
                ));
            }
            // A typed --workspace or --share, else the receipt's workspace (or share).
            let recorded = receipt.run["workspace"]
                .as_str()
                .filter(|w| !w.is_empty() && args.share.share.is_none());
            let flag = args.workspace.as_deref().or(recorded);
            let (client, ws) = ctx.target(client, flag, &args.share).await?;
            // An explicit --workspace (or --share) is where every line is checked; otherwise
            // each line's own.
            let everywhere = args.workspace.is_some() || args.share.share.is_some();
            verify::receipt::verify_receipt(&client, &receipt, &ws, everywhere).await?
        }
        None => {
            split_remote_path(&args.to).map_err(UsageError::new)?;
            let (client, ws) = ctx
                .target(client, args.workspace.as_deref(), &args.share)
                .await?;
            let opts = verify::tree::TreeOptions {
                paths: args.paths.clone(),
                dest: args.to.clone(),
                workspace_id: ws,
                follow_symlinks: args.follow_symlinks,
                extra: args.extra,
            };
            verify::tree::verify_tree(&client, &opts).await?
        }
    };
    let tally = Tally::of(&checks, started.elapsed());
    report(&printer, &checks, &tally);
    if github::enabled(args.ci, ctx.settings.github_actions) {
        annotate(&checks, &tally, ctx.settings.github_step_summary.as_deref());
    }
    Ok(crate::exit::verify_status(&tally))
}
