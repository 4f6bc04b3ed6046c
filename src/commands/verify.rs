//! `fastio verify`: read the receipt or walk the tree ([`crate::verify`]), print one line per
//! file and a summary, and exit 0 only when everything matches.

use std::time::Instant;

use anyhow::Context as _;
use serde_json::json;

use crate::api::folders::split_remote_path;
use crate::api::resolve_workspace;
use crate::cli::VerifyArgs;
use crate::commands::Context;
use crate::exit::{ExitStatus, Fatal};
use crate::output::{self, Printer, github};
use crate::verify::{self, Check, Status, Tally};

pub async fn verify(ctx: &Context, args: VerifyArgs) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer.clone();
    let started = Instant::now();
    let (client, _source) = ctx.client()?;
    let checks = match &args.receipt {
        Some(path) => {
            let receipt = crate::output::receipt::read(path)
                .map_err(|e| Fatal::usage(format!("--receipt `{}`: {e}", path.display())))?;
            if receipt.torn {
                printer.line(&format!(
                    "the last line of `{}` was cut short (a run killed mid-write); ignored",
                    path.display()
                ));
            }
            if !receipt.finished {
                printer.line(&format!(
                    "`{}` has no summary line: its run did not finish; checking what it recorded",
                    path.display()
                ));
            }
            if let Some(base) = receipt.run["api_base"].as_str()
                && base.trim_end_matches('/') != client.base().trim_end_matches('/')
            {
                printer.line(&format!(
                    "warning: the receipt was written against {base}; checking against {}",
                    client.base()
                ));
            }
            let ws_arg = match args.workspace.as_deref() {
                Some(w) => w.to_string(),
                None => match receipt.run["workspace"].as_str() {
                    Some(w) if !w.is_empty() => w.to_string(),
                    _ => ctx.workspace(None)?,
                },
            };
            let ws = resolve_workspace(&client, &ws_arg)
                .await
                .with_context(|| format!("resolving workspace `{ws_arg}`"))?;
            verify::receipt::verify_receipt(&client, &receipt, &ws.id).await?
        }
        None => {
            split_remote_path(&args.to).map_err(Fatal::usage)?;
            let ws_arg = ctx.workspace(args.workspace.as_deref())?;
            let ws = resolve_workspace(&client, &ws_arg)
                .await
                .with_context(|| format!("resolving workspace `{ws_arg}`"))?;
            let opts = verify::tree::TreeOptions {
                paths: args.paths.clone(),
                dest: args.to.clone(),
                workspace_id: ws.id.clone(),
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
    Ok(if tally.all_match() {
        ExitStatus::Success
    } else {
        ExitStatus::PartialFailure
    })
}

/// The NDJSON object of one check.
pub fn check_json(c: &Check) -> serde_json::Value {
    json!({"type": "verify_file", "status": c.status.label(), "remote_path": c.remote_path,
        "local": c.local, "node_id": c.node_id, "size": c.size, "detail": c.detail})
}

/// The NDJSON summary.
pub fn tally_json(t: &Tally) -> serde_json::Value {
    json!({"type": "verify_summary", "checked": t.checked, "ok": t.ok,
        "different": t.different, "missing": t.missing, "extra": t.extra,
        "unverified": t.unverified, "failed": t.failed, "wall_ms": t.wall.as_millis() as u64,
        "all_match": t.all_match()})
}

fn tally_line(t: &Tally) -> String {
    if t.all_match() {
        return format!(
            "verified {} files: all match ({})",
            t.checked,
            output::human_wall(t.wall)
        );
    }
    let mut parts = vec![format!("{} ok", t.ok)];
    for (n, what) in [
        (t.different, "different"),
        (t.missing, "missing"),
        (t.extra, "extra"),
        (t.unverified, "unverified"),
        (t.failed, "failed in the upload"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    format!(
        "verified {} files: {} ({})",
        t.checked,
        parts.join(", "),
        output::human_wall(t.wall)
    )
}

fn report(printer: &Printer, checks: &[Check], tally: &Tally) {
    if printer.json {
        for c in checks {
            output::json_line(check_json(c));
        }
        output::json_line(tally_json(tally));
        return;
    }
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for c in checks {
        if printer.quiet && c.status == Status::Ok {
            continue;
        }
        let detail = if c.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", output::escape(&c.detail))
        };
        let _ = writeln!(
            out,
            "{:<10} {}{detail}",
            c.status.label(),
            output::escape(&c.remote_path)
        );
    }
    let _ = out.flush();
    drop(out);
    if !printer.quiet || !tally.all_match() {
        eprintln!("fastio: {}", tally_line(tally));
    }
}

/// GitHub Actions: an error annotation per problem, a table in the step summary.
fn annotate(checks: &[Check], tally: &Tally, step_summary: Option<&std::path::Path>) {
    let problems: Vec<&Check> = checks.iter().filter(|c| c.status != Status::Ok).collect();
    for c in problems.iter().take(github::ANNOTATIONS_MAX) {
        let msg = format!("`{}` is {}: {}", c.remote_path, c.status.label(), c.detail);
        eprintln!(
            "{}",
            github::error_annotation(c.local.as_deref(), "fastio verify", &msg)
        );
    }
    let mut md = format!(
        "### fastio verify: {}\n\n| Checked | OK | Different | Missing | Extra | Unverified | Failed | Wall |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} | {} | {} |\n\n",
        if tally.all_match() {
            "all match"
        } else {
            "differences"
        },
        tally.checked,
        tally.ok,
        tally.different,
        tally.missing,
        tally.extra,
        tally.unverified,
        tally.failed,
        output::human_wall(tally.wall)
    );
    if !problems.is_empty() {
        md.push_str("| Status | Remote path | Detail |\n|---|---|---|\n");
        for c in problems.iter().take(github::TABLE_MAX) {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                c.status.label(),
                github::md_cell(&c.remote_path, true),
                github::md_cell(&c.detail, false)
            ));
        }
        if problems.len() > github::TABLE_MAX {
            md.push_str(&format!(
                "\n…and {} more (see the job log).\n",
                problems.len() - github::TABLE_MAX
            ));
        }
        md.push('\n');
    }
    github::append_step_summary(step_summary, &md);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_what_differs() {
        let t = Tally {
            checked: 3,
            ok: 1,
            different: 1,
            missing: 1,
            ..Default::default()
        };
        let line = tally_line(&t);
        assert!(
            line.contains("1 different") && line.contains("1 missing"),
            "{line}"
        );
        assert_eq!(tally_json(&t)["all_match"], false);
    }
}
