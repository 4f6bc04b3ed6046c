//! How `fastio verify` shows its checks: one line per file and a summary, NDJSON
//! (`verify_file`, `verify_summary`), and in GitHub Actions annotations and a step-summary
//! table.

use serde_json::json;

use super::{Printer, github};
use crate::verify::{Check, Status, Tally};

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
            super::human_wall(t.wall)
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
        super::human_wall(t.wall)
    )
}

/// The checks and their summary: one line per file on stdout (only problems under `-q`), the
/// summary on stderr; or NDJSON.
pub fn report(printer: &Printer, checks: &[Check], tally: &Tally) {
    if printer.json {
        for c in checks {
            super::json_line(check_json(c));
        }
        super::json_line(tally_json(tally));
        return;
    }
    let mut out = String::new();
    for c in checks {
        if printer.quiet && c.status == Status::Ok {
            continue;
        }
        let detail = if c.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", super::escape(&c.detail))
        };
        out.push_str(&format!(
            "{:<10} {}{detail}\n",
            c.status.label(),
            super::escape(&c.remote_path)
        ));
    }
    super::stdout::write(&out);
    if !printer.quiet || !tally.all_match() {
        eprintln!("fastio: {}", tally_line(tally));
    }
}

/// GitHub Actions: an error annotation per problem, a table in the step summary.
pub fn annotate(checks: &[Check], tally: &Tally, step_summary: Option<&std::path::Path>) {
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
        super::human_wall(tally.wall)
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
