//! GitHub Actions output, when `GITHUB_ACTIONS=true` (or `--ci github`): the run's progress
//! lines folded in a `::group::`, one `::error file=PATH::message` annotation per failed file,
//! and a markdown table appended to `$GITHUB_STEP_SUMMARY`. Outside Actions (or with
//! `--ci none`) none of this is written.
//!
//! Workflow commands go to stderr, beside the progress lines they fold (the runner reads
//! commands from both streams), so `--json` output on stdout stays pure NDJSON.

use std::io::Write as _;

use indicatif::HumanBytes;

use super::sinks::Sink;
use crate::cli::CiMode;
use crate::transfer::{Event, Summary};

/// Annotations printed per run at most (GitHub shows only the first few anyway); the step
/// summary lists up to [`TABLE_MAX`] failures.
pub const ANNOTATIONS_MAX: usize = 50;
/// Failure rows in the step summary at most.
pub const TABLE_MAX: usize = 100;

/// Whether GitHub Actions output is on for this choice (`in_actions`: `GITHUB_ACTIONS=true`).
pub fn enabled(mode: CiMode, in_actions: bool) -> bool {
    match mode {
        CiMode::Github => true,
        CiMode::None => false,
        CiMode::Auto => in_actions,
    }
}

/// Escape the message of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=PATH,title=TITLE::MESSAGE` (a path as given, without a leading `./`).
pub fn error_annotation(file: Option<&str>, title: &str, message: &str) -> String {
    let mut props = Vec::new();
    if let Some(f) = file {
        let f = f.strip_prefix("./").unwrap_or(f);
        props.push(format!("file={}", escape_property(f)));
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::error {}::{}", props.join(","), escape_data(message))
}

/// A markdown table cell: pipes escaped, lines joined, as code when `code`.
pub fn md_cell(s: &str, code: bool) -> String {
    let flat = s.replace(['\r', '\n'], " ").replace('|', "\\|");
    if code {
        format!("`{}`", flat.replace('`', "'"))
    } else {
        flat
    }
}

/// Append `markdown` to the step summary file (`$GITHUB_STEP_SUMMARY`; nothing when unset).
pub fn append_step_summary(path: Option<&std::path::Path>, markdown: &str) {
    let Some(path) = path else {
        return;
    };
    let r = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(markdown.as_bytes()));
    if let Err(e) = r {
        eprintln!(
            "fastio: warning: cannot append to GITHUB_STEP_SUMMARY `{}`: {e}",
            std::path::Path::new(&path).display()
        );
    }
}

/// Start a folded group on stderr.
pub fn group(title: &str) {
    eprintln!("::group::{}", escape_data(title));
}

pub fn end_group() {
    eprintln!("::endgroup::");
}

struct Failure {
    local: String,
    remote_path: Option<String>,
    error: String,
}

/// The GitHub Actions renderer of an upload run.
pub struct GithubUpload {
    failures: Vec<Failure>,
    summary: Option<Summary>,
    step_summary: Option<std::path::PathBuf>,
}

impl GithubUpload {
    /// Open the group that folds the run's progress lines; the table goes to `step_summary`.
    pub fn start(title: &str, step_summary: Option<std::path::PathBuf>) -> GithubUpload {
        group(title);
        GithubUpload {
            failures: Vec::new(),
            summary: None,
            step_summary,
        }
    }
}

impl Sink for GithubUpload {
    fn event(&mut self, e: &Event) {
        match e {
            Event::FileFailed {
                local,
                remote_path,
                error,
                ..
            } => self.failures.push(Failure {
                local: local.clone(),
                remote_path: remote_path.clone(),
                error: error.clone(),
            }),
            Event::Summary(s) => self.summary = Some(s.clone()),
            _ => {}
        }
    }

    fn finish(self: Box<Self>) {
        end_group();
        for f in self.failures.iter().take(ANNOTATIONS_MAX) {
            let msg = match &f.remote_path {
                Some(r) => format!("upload of `{}` to `{r}` failed: {}", f.local, f.error),
                None => format!("upload of `{}` failed: {}", f.local, f.error),
            };
            eprintln!(
                "{}",
                error_annotation(Some(&f.local), "fastio upload failed", &msg)
            );
        }
        if self.failures.len() > ANNOTATIONS_MAX {
            eprintln!(
                "fastio: {} more failures are listed in the step summary",
                self.failures.len() - ANNOTATIONS_MAX
            );
        }
        append_step_summary(
            self.step_summary.as_deref(),
            &upload_markdown(self.summary.as_ref(), &self.failures),
        );
    }
}

fn upload_markdown(s: Option<&Summary>, failures: &[Failure]) -> String {
    let mut md = String::new();
    let default = Summary::default();
    let s = s.unwrap_or(&default);
    let mut title = String::from("### fastio upload");
    if let Some(sh) = s.shard {
        title.push_str(&format!(" (shard {sh})"));
    }
    let state = if s.interrupted {
        "interrupted"
    } else if s.failed > 0 {
        "failed"
    } else if s.dry_run {
        "dry run"
    } else {
        "done"
    };
    md.push_str(&format!("{title}: {state}\n\n"));
    md.push_str("| Uploaded | Skipped | Failed | Bytes | Wall | Throughput | 429s |\n");
    md.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    md.push_str(&format!(
        "| {} | {} | {} | {} | {} | {}/s | {} |\n\n",
        s.uploaded,
        s.skipped,
        s.failed,
        HumanBytes(s.bytes),
        super::human_wall(s.wall),
        HumanBytes(super::throughput(s)),
        s.throttled
    ));
    if !failures.is_empty() {
        md.push_str("#### Failures\n\n| File | Remote path | Error |\n|---|---|---|\n");
        for f in failures.iter().take(TABLE_MAX) {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                md_cell(&f.local, true),
                f.remote_path
                    .as_deref()
                    .map_or_else(|| "—".to_string(), |r| md_cell(r, true)),
                md_cell(&f.error, false)
            ));
        }
        if failures.len() > TABLE_MAX {
            md.push_str(&format!(
                "\n…and {} more (see the job log).\n",
                failures.len() - TABLE_MAX
            ));
        }
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_are_escaped() {
        let a = error_annotation(Some("./a,b:c.txt"), "t", "50% done\nnext");
        assert_eq!(a, "::error file=a%2Cb%3Ac.txt,title=t::50%25 done%0Anext");
        assert_eq!(md_cell("a|b\nc", false), "a\\|b c");
        assert_eq!(md_cell("x`y", true), "`x'y`");
    }

    #[test]
    fn the_table_names_counts_and_failures() {
        let s = Summary {
            uploaded: 3,
            failed: 1,
            bytes: 2048,
            throttled: 2,
            ..Default::default()
        };
        let md = upload_markdown(
            Some(&s),
            &[Failure {
                local: "t/bad".into(),
                remote_path: Some("d/t/bad".into()),
                error: "refused | 406".into(),
            }],
        );
        assert!(md.contains("| 3 | 0 | 1 | 2.00 KiB |"), "{md}");
        assert!(
            md.contains("| `t/bad` | `d/t/bad` | refused \\| 406 |"),
            "{md}"
        );
        assert!(md.contains("| 2 |\n"), "{md}");
    }
}
