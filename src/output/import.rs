//! How `fastio import-url` shows its run: a bar on a terminal (lines printed around it), one
//! line per URL on stdout, failures on stderr, a summary; or `--json` events, one per line on
//! stdout, in the upload schema (`"v": 1`): `{"type":"import_submitted","url","job_id"}`,
//! `{"type":"import_done","url","job_id","remote_path","node_id","size"}`,
//! `{"type":"import_failed","url","job_id","error"}`, then
//! `{"type":"summary","imported","failed","submitted","wall_ms"}`.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::{Printer, Progress, escape_control, json_line};
use crate::imports::{ImportEvent, ImportSummary};

/// The renderer of one import run.
pub struct ImportReport {
    printer: Printer,
    bar: Option<ProgressBar>,
}

impl ImportReport {
    /// Start showing a run of `total` URLs into `folder` (`""` = the root).
    pub fn start(printer: &Printer, total: usize, folder: &str) -> ImportReport {
        let bar = (printer.progress == Progress::Bars).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} importing {pos}/{len} [{bar:30}] {elapsed} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let report = ImportReport {
            printer: printer.clone(),
            bar,
        };
        if printer.progress != Progress::None {
            let plural = if total == 1 { "" } else { "s" };
            let folder = if folder.is_empty() { "/" } else { folder };
            report.say(
                true,
                format!(
                    "fastio: importing {total} URL{plural} into `{}`",
                    escape_control(folder)
                ),
            );
        }
        report
    }

    /// Lines around a drawn bar must not tear it.
    fn say(&self, to_stderr: bool, line: String) {
        let emit = || match to_stderr {
            true => eprintln!("{line}"),
            false => super::stdout::line(&line),
        };
        match &self.bar {
            Some(b) => b.suspend(emit),
            None => emit(),
        }
    }

    pub fn event(&self, e: &ImportEvent) {
        let json = self.printer.json;
        match e {
            ImportEvent::Submitted { url, job_id } => {
                if json {
                    json_line(json!({"type": "import_submitted", "url": url, "job_id": job_id}));
                }
            }
            ImportEvent::Status { url, status } => {
                if let Some(b) = &self.bar {
                    b.set_message(format!("{url}: {status}"));
                }
                if self.printer.verbose > 0 && !self.printer.quiet {
                    self.say(true, format!("fastio: {url}: {status}"));
                }
            }
            ImportEvent::Done { url, imported: imp } => {
                self.tick();
                if json {
                    json_line(
                        json!({"type": "import_done", "url": url, "job_id": imp.job_id,
                                     "remote_path": imp.path, "node_id": imp.node_id,
                                     "size": imp.size}),
                    );
                } else {
                    let size = imp.size.map(human_bytes);
                    let node = imp.node_id.as_deref().map(|id| format!(", node {id}"));
                    self.say(
                        false,
                        format!(
                            "{url} -> {} ({}{})",
                            escape_control(&imp.path),
                            size.unwrap_or_else(|| "size unknown".into()),
                            node.unwrap_or_default()
                        ),
                    );
                }
            }
            ImportEvent::NotWaited { url, job_id } => {
                self.tick();
                if !json {
                    self.say(
                        false,
                        format!("{url} submitted as job {job_id} (not waited for)"),
                    );
                }
            }
            ImportEvent::Failed { url, job_id, error } => {
                self.tick();
                if json {
                    json_line(
                        json!({"type": "import_failed", "url": url, "job_id": job_id,
                                     "error": error.to_string()}),
                    );
                }
                if !self.printer.quiet {
                    self.say(
                        true,
                        format!("fastio: {url}: {}", escape_control(&error.to_string())),
                    );
                }
            }
        }
    }

    fn tick(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// The run is over: the summary line (or object).
    pub fn finish(self, s: &ImportSummary) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if self.printer.json {
            json_line(
                json!({"type": "summary", "imported": s.imported, "failed": s.failed,
                             "submitted": s.submitted, "wall_ms": s.wall.as_millis() as u64}),
            );
        } else if self.printer.progress != Progress::None {
            let mut parts = vec![format!("{} imported", s.imported)];
            if s.submitted > 0 {
                parts.push(format!("{} submitted", s.submitted));
            }
            if s.failed > 0 {
                parts.push(format!("{} failed", s.failed));
            }
            eprintln!(
                "fastio: {} in {:.1}s",
                parts.join(", "),
                s.wall.as_secs_f64()
            );
        }
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }
}
