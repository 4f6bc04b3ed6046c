//! `fastio bench`: run the sweep of [`crate::bench`] and render it: a progress bar on stderr
//! while it runs, one table row (or `--json` object) per step, the recommendation at the end.
//! Ctrl-C / SIGTERM abandon the step in flight; the scratch folder is removed anyway.

use std::io::Write as _;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::bench::{self, Preset, Step, Update};
use crate::cli::{BenchArgs, BenchPreset};
use crate::commands::Context;
use crate::exit::ExitStatus;
use crate::output::{self, Printer, Progress};

pub async fn bench(ctx: &Context, args: BenchArgs) -> anyhow::Result<ExitStatus> {
    let groups = match (args.size, args.files) {
        (None, None) => match args.preset {
            BenchPreset::Small => Preset::Small,
            BenchPreset::Large => Preset::Large,
            BenchPreset::Mixed => Preset::Mixed,
        }
        .groups(),
        (size, files) => vec![(size.unwrap_or(1 << 20), files.unwrap_or(1))],
    };
    let printer = ctx.printer.clone();
    let (client, _source) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = crate::api::resolve_workspace(&client, &ws_arg)
        .await
        .with_context(|| format!("resolving workspace `{ws_arg}`"))?;
    let opts = bench::Options {
        workspace_id: ws.id.clone(),
        groups,
        steps: bench::steps_or_default(&args.concurrency),
        retries: args.retries,
        assembly_timeout: args.assembly_timeout,
        api_base: client.base().to_string(),
    };
    let bwlimit = client.bwlimit().map(|l| l.rate());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Update>();
    let render = tokio::spawn(render(printer.clone(), rx, opts.bytes()));
    let stop = CancellationToken::new();
    let signals = tokio::spawn(crate::signals::stop_on_signal(stop.clone()));
    let result = bench::run(&client, opts, tx, stop).await;
    let _ = render.await;
    signals.abort();
    let report = result?;
    let recommended = report.recommended();
    let failed: u64 = report.steps.iter().map(|s| s.failed).sum();
    if printer.json {
        output::json_line(json!({"type": "bench_summary", "steps": report.steps.len(),
            "recommended_concurrency": recommended, "failed": failed, "bwlimit": bwlimit,
            "interrupted": report.interrupted, "error": report.error,
            "cleanup_error": report.cleanup_error}));
    } else {
        if let Some(c) = recommended {
            println!("recommended: --concurrency {c}");
        }
        if !printer.quiet
            && let Some(cap) = bwlimit
        {
            eprintln!(
                "fastio: bench: every step capped by --bwlimit {}/s",
                indicatif::DecimalBytes(cap)
            );
        }
    }
    for msg in [&report.error, &report.cleanup_error].into_iter().flatten() {
        eprintln!("fastio: bench: {msg}");
    }
    Ok(if report.interrupted {
        ExitStatus::Interrupted
    } else if failed > 0 || report.error.is_some() || report.cleanup_error.is_some() {
        ExitStatus::PartialFailure
    } else {
        ExitStatus::Success
    })
}

/// Print rows as steps finish; draw a bar over all the sweep's bytes while they run.
async fn render(
    printer: Printer,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Update>,
    step_bytes: u64,
) {
    let mut bar: Option<ProgressBar> = None;
    let mut steps = 0usize;
    let row = |bar: &Option<ProgressBar>, text: String| match bar {
        Some(b) => b.suspend(|| {
            println!("{text}");
            let _ = std::io::stdout().flush();
        }),
        None => {
            println!("{text}");
            let _ = std::io::stdout().flush();
        }
    };
    while let Some(u) = rx.recv().await {
        match u {
            Update::Started {
                scratch,
                steps: n,
                files,
                bytes,
            } => {
                steps = n;
                if !printer.quiet && !printer.json {
                    eprintln!(
                        "fastio: bench: {n} steps of {files} files ({}) each, in `{scratch}` \
                         (removed at the end)",
                        indicatif::HumanBytes(bytes)
                    );
                }
                if printer.progress == Progress::Bars {
                    let b = ProgressBar::with_draw_target(
                        Some(step_bytes * n as u64),
                        ProgressDrawTarget::stderr_with_hz(8),
                    );
                    b.set_style(
                        ProgressStyle::with_template(
                            "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
                        )
                        .expect("valid template")
                        .progress_chars("=> "),
                    );
                    bar = Some(b);
                }
                if !printer.json {
                    row(
                        &bar,
                        format!(
                            "{:>11} {:>7} {:>10} {:>9} {:>9} {:>6} {:>7} {:>9}",
                            "CONCURRENCY",
                            "FILES",
                            "FILES/S",
                            "MB/S",
                            "REQUESTS",
                            "429S",
                            "RETRIES",
                            "WALL"
                        ),
                    );
                }
            }
            Update::StepStarted { index, concurrency } => {
                if let Some(b) = &bar {
                    b.set_message(format!(
                        "step {}/{steps}: --concurrency {concurrency}",
                        index + 1
                    ));
                    b.set_position(step_bytes * index as u64);
                }
            }
            Update::Bytes(n) => {
                if let Some(b) = &bar {
                    b.inc(n);
                }
            }
            Update::Failure(msg) => {
                let line = format!("fastio: bench: failed {}", output::escape(&msg));
                match &bar {
                    Some(b) => b.suspend(|| eprintln!("{line}")),
                    None => eprintln!("{line}"),
                }
            }
            Update::StepDone(s) => {
                if printer.json {
                    output::json_line(step_json(&s));
                } else {
                    row(&bar, step_row(&s));
                }
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

fn step_row(s: &Step) -> String {
    format!(
        "{:>11} {:>7} {:>10.1} {:>9.2} {:>9} {:>6} {:>7} {:>9}",
        s.concurrency,
        s.files,
        s.files_per_sec(),
        s.mb_per_sec(),
        s.requests,
        s.throttled,
        s.retries,
        output::human_wall(s.wall)
    )
}

pub fn step_json(s: &Step) -> serde_json::Value {
    json!({"type": "bench_step", "concurrency": s.concurrency, "files": s.files,
        "failed": s.failed, "bytes": s.bytes, "wall_ms": s.wall.as_millis() as u64,
        "files_per_sec": (s.files_per_sec() * 10.0).round() / 10.0,
        "mb_per_sec": (s.mb_per_sec() * 100.0).round() / 100.0,
        "requests": s.requests, "throttled": s.throttled, "retries": s.retries})
}
