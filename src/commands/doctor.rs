//! `fastio doctor`: run the checks of [`crate::doctor`] and render them as a table (or NDJSON)
//! as they finish. Ctrl-C / SIGTERM stop further checks; the scratch folder is removed anyway.

use std::io::Write as _;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::cli::DoctorArgs;
use crate::commands::Context;
use crate::doctor::{self, Check, Outcome};
use crate::exit::ExitStatus;

pub async fn doctor(ctx: &Context, args: DoctorArgs) -> anyhow::Result<ExitStatus> {
    let (client, _source) = ctx.client()?;
    let opts = doctor::Options {
        workspace: ctx.workspace(args.workspace.as_deref())?,
        read_only: args.read_only,
        all: args.all,
        import_url: args.import_url,
        assembly_timeout: args.assembly_timeout,
        client_info: ctx.settings.client_info(),
    };
    let json = ctx.global.json;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Check>();
    let printer = tokio::spawn(async move {
        if !json {
            println!("{:<20} {:<6} {:>8}  DETAIL", "CHECK", "RESULT", "TIME");
        }
        while let Some(c) = rx.recv().await {
            render(&c, json);
        }
    });
    let stop = CancellationToken::new();
    let signals = tokio::spawn(crate::signals::stop_on_signal(stop.clone()));
    let report = doctor::run(&client, opts, tx, stop).await;
    let _ = printer.await;
    signals.abort();
    if json {
        crate::output::json_line(json!({"type": "doctor_summary", "passed": report.passed(),
            "failed": report.failed(), "skipped": report.skipped(),
            "interrupted": report.interrupted}));
    } else if !ctx.global.quiet {
        eprintln!(
            "fastio: doctor: {} passed, {} failed, {} skipped{}",
            report.passed(),
            report.failed(),
            report.skipped(),
            if report.interrupted {
                " (interrupted)"
            } else {
                ""
            }
        );
    }
    Ok(if report.interrupted {
        ExitStatus::Interrupted
    } else if report.failed() > 0 {
        ExitStatus::PartialFailure
    } else {
        ExitStatus::Success
    })
}

fn render(c: &Check, json: bool) {
    if json {
        let diffs: Vec<_> = c
            .differences
            .iter()
            .map(|d| json!({"field": d.field, "expected": d.expected, "seen": d.seen}))
            .collect();
        crate::output::json_line(json!({"type": "check", "name": c.name,
            "result": c.outcome.word().to_ascii_lowercase(), "ms": c.elapsed.as_millis() as u64,
            "detail": c.detail, "differences": diffs}));
        return;
    }
    let time = match c.outcome {
        Outcome::Skip => "-".to_string(),
        _ => crate::output::human_wall(c.elapsed),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<20} {:<6} {:>8}  {}",
        c.name,
        c.outcome.word(),
        time,
        crate::output::escape(&c.detail)
    );
    for d in &c.differences {
        let _ = writeln!(
            out,
            "{:<37}↳ {}: expected {}, saw {}",
            "",
            d.field,
            d.expected,
            crate::output::escape(&d.seen)
        );
    }
    let _ = out.flush();
}
