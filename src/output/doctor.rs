//! How `fastio doctor` shows its checks: a table on stdout as they finish (a line per shape
//! difference below its row), a summary on stderr; or NDJSON: one
//! `{"type":"check","name","result","ms","detail","differences":[{"field","expected","seen"}]}`
//! per check and a `{"type":"doctor_summary","passed","failed","skipped","interrupted"}`.

use serde_json::json;

use super::{Printer, escape, human_wall, json_line};
use crate::doctor::{Check, Outcome, Report};

/// The table's header row.
pub fn header() {
    super::stdout::line(&format!(
        "{:<20} {:<6} {:>8}  DETAIL",
        "CHECK", "RESULT", "TIME"
    ));
}

/// After the checks: the counts.
pub fn summary(p: &Printer, report: &Report) {
    if p.json {
        json_line(json!({"type": "doctor_summary", "passed": report.passed(),
            "failed": report.failed(), "skipped": report.skipped(),
            "interrupted": report.interrupted}));
    } else if !p.quiet {
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
}

/// One check: a table row (and a line per difference), or its `check` object.
pub fn check(c: &Check, json: bool) {
    if json {
        let diffs: Vec<_> = c
            .differences
            .iter()
            .map(|d| json!({"field": d.field, "expected": d.expected, "seen": d.seen}))
            .collect();
        json_line(json!({"type": "check", "name": c.name,
            "result": c.outcome.word().to_ascii_lowercase(), "ms": c.elapsed.as_millis() as u64,
            "detail": c.detail, "differences": diffs}));
        return;
    }
    let time = match c.outcome {
        Outcome::Skip => "-".to_string(),
        _ => human_wall(c.elapsed),
    };
    let mut out = format!(
        "{:<20} {:<6} {:>8}  {}\n",
        c.name,
        c.outcome.word(),
        time,
        escape(&c.detail)
    );
    for d in &c.differences {
        out.push_str(&format!(
            "{:<37}↳ {}: expected {}, saw {}\n",
            "",
            d.field,
            d.expected,
            escape(&d.seen)
        ));
    }
    super::stdout::write(&out);
}
