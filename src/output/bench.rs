//! How `fastio bench` shows its sweep: a bar over the sweep's bytes on stderr, one table row
//! (or `bench_step` object) per step, then the recommendation (or `bench_summary`).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::{Printer, Progress};
use crate::bench::{Report, Step, Update};

/// After the sweep: the recommendation (or the `bench_summary` object), the cap, and what
/// went wrong.
pub fn summary(printer: &Printer, report: &Report, bwlimit: Option<u64>) {
    let recommended = report.recommended();
    let failed = report.failed();
    if printer.json {
        super::json_line(json!({"type": "bench_summary", "steps": report.steps.len(),
            "recommended_concurrency": recommended, "failed": failed, "bwlimit": bwlimit,
            "interrupted": report.interrupted, "error": report.error,
            "cleanup_error": report.cleanup_error}));
    } else {
        if let Some(c) = recommended {
            super::stdout::line(&format!("recommended: --concurrency {c}"));
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
}

/// Print rows as steps finish; draw a bar over all the sweep's bytes while they run.
pub async fn render(
    printer: Printer,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Update>,
    step_bytes: u64,
) {
    let mut bar: Option<ProgressBar> = None;
    let mut steps = 0usize;
    let row = |bar: &Option<ProgressBar>, text: String| match bar {
        Some(b) => b.suspend(|| super::stdout::line(&text)),
        None => super::stdout::line(&text),
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
                let line = format!("fastio: bench: failed {}", super::escape(&msg));
                match &bar {
                    Some(b) => b.suspend(|| eprintln!("{line}")),
                    None => eprintln!("{line}"),
                }
            }
            Update::StepDone(s) => {
                if printer.json {
                    super::json_line(step_json(&s));
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
        super::human_wall(s.wall)
    )
}

pub fn step_json(s: &Step) -> serde_json::Value {
    json!({"type": "bench_step", "concurrency": s.concurrency, "files": s.files,
        "failed": s.failed, "bytes": s.bytes, "wall_ms": s.wall.as_millis() as u64,
        "files_per_sec": (s.files_per_sec() * 10.0).round() / 10.0,
        "mb_per_sec": (s.mb_per_sec() * 100.0).round() / 100.0,
        "requests": s.requests, "throttled": s.throttled, "retries": s.retries})
}
