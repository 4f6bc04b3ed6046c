//! `fastio import-url`: have the server fetch URLs into the workspace, several at once, and
//! report per URL the stored file or why it failed.
//!
//! Everything is validated before the first request: URLs (http/https, well-formed), the lines
//! of `--urls-from` (a bad one is reported with its line number) and `--name`.
//!
//! `--json` events, one per line on stdout, in the upload schema (`"v": 1`, see `output.rs`):
//! `{"type":"import_submitted","url","job_id"}`, `{"type":"import_done","url","job_id",
//! "remote_path","node_id","size"}`, `{"type":"import_failed","url","job_id","error"}`, then
//! `{"type":"summary","imported","failed","submitted","wall_ms"}`.

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt;
use serde_json::json;

use crate::api::{FolderResolver, resolve_workspace};
use crate::cli::ImportUrlArgs;
use crate::commands::Context;
use crate::exit::{ExitStatus, Fatal};
use crate::output::{Progress, json_line};
use crate::transfer::imports::{self, Destination, ImportError, Imported};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Check that `raw` is a well-formed http(s) URL with a host.
pub fn validate_url(raw: &str) -> Result<String, String> {
    let parsed = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{raw}` is not an http or https URL (scheme `{}`)",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{raw}` has no host"));
    }
    Ok(parsed.to_string())
}

/// A name the file can be stored under: not empty, no path separators, no control characters,
/// not `.`/`..`, at most 255 bytes.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("--name must not be empty".into());
    }
    if name.contains(['/', '\\']) {
        return Err(format!("--name `{name}` must be a file name, not a path"));
    }
    if name == "." || name == ".." {
        return Err(format!("--name `{name}` is not a file name"));
    }
    if name.chars().any(char::is_control) {
        return Err("--name contains control characters".into());
    }
    if name.len() > 255 {
        return Err("--name is longer than 255 bytes".into());
    }
    Ok(())
}

/// URLs from a list: one per line, blank lines and `#` comments skipped. `origin` names the
/// list in messages (`urls.txt`, `stdin`).
pub fn parse_url_list(reader: impl BufRead, origin: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (idx, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("reading {origin}: {e}"))?;
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        out.push(validate_url(entry).map_err(|e| format!("{origin}:{}: {e}", idx + 1))?);
    }
    Ok(out)
}

fn gather(args: &ImportUrlArgs) -> anyhow::Result<Vec<String>> {
    let mut urls = Vec::new();
    for raw in &args.urls {
        urls.push(validate_url(raw).map_err(Fatal::usage)?);
    }
    if let Some(list) = &args.urls_from {
        let from_list = if list == Path::new("-") {
            parse_url_list(std::io::stdin().lock(), "stdin")
        } else {
            let file = std::fs::File::open(list)
                .map_err(|e| Fatal::usage(format!("cannot read `{}`: {e}", list.display())))?;
            parse_url_list(std::io::BufReader::new(file), &list.display().to_string())
        };
        urls.extend(from_list.map_err(Fatal::usage)?);
    }
    if urls.is_empty() {
        return Err(Fatal::usage("no URLs given: pass URL... or --urls-from FILE").into());
    }
    if let Some(name) = &args.name {
        validate_name(name).map_err(Fatal::usage)?;
        if urls.len() > 1 {
            return Err(Fatal::usage("--name can only be used with a single URL").into());
        }
    }
    Ok(urls)
}

/// What happened to one URL.
enum Outcome {
    Done(Imported),
    Submitted(String),
    Failed(Option<String>, ImportError),
}

pub async fn import_url(ctx: &Context, args: ImportUrlArgs) -> anyhow::Result<ExitStatus> {
    let urls = gather(&args)?;
    let (client, _) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg).await?;
    let folder_path = crate::api::folders::split_remote_path(&args.to)
        .map_err(Fatal::usage)?
        .join("/");
    let folders = FolderResolver::new(client.clone(), ws.id.clone(), true);
    let folder_id = folders
        .ensure(&folder_path)
        .await
        .with_context(|| format!("creating the destination folder `{folder_path}`"))?;
    let dest = Destination {
        workspace_id: ws.id.clone(),
        folder_id,
        folder_path,
    };
    let json = ctx.global.json;
    let printer = ctx.printer.clone();
    let show = printer.progress != Progress::None;
    let bar = (printer.progress == Progress::Bars).then(|| {
        let bar =
            ProgressBar::with_draw_target(Some(urls.len() as u64), ProgressDrawTarget::stderr());
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
    let verbose_status = printer.verbose > 0 && !printer.quiet;
    // Lines around a drawn bar must not tear it.
    let say = |to_stderr: bool, line: String| {
        let emit = || {
            if to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        };
        match &bar {
            Some(b) => b.suspend(emit),
            None => emit(),
        }
    };
    let timeout = Duration::from_secs(args.timeout.max(1));
    let started = Instant::now();
    let total = urls.len();
    if show {
        say(
            true,
            format!(
                "fastio: importing {total} URL{} into `{}`",
                if total == 1 { "" } else { "s" },
                if dest.folder_path.is_empty() {
                    "/"
                } else {
                    &dest.folder_path
                }
            ),
        );
    }
    let bar_ref = &bar;
    let say_ref = &say;

    let name = args.name.clone();
    let no_wait = args.no_wait;
    let client_ref = &client;
    let dest_ref = &dest;
    let mut results = futures_util::stream::iter(urls.into_iter().map(|url| {
        let name = name.clone();
        async move {
            let job_id = match imports::submit(client_ref, dest_ref, &url, name.as_deref()).await {
                Ok(id) => id,
                Err(e) => return (url, Outcome::Failed(None, e)),
            };
            if json {
                json_line(json!({"type": "import_submitted", "url": url, "job_id": job_id}));
            }
            if no_wait {
                return (url, Outcome::Submitted(job_id));
            }
            let waited = imports::wait(client_ref, &job_id, timeout, |status| {
                if let Some(b) = bar_ref {
                    b.set_message(format!("{url}: {}", status.as_str()));
                }
                if verbose_status {
                    say_ref(true, format!("fastio: {url}: {}", status.as_str()));
                }
            })
            .await;
            let outcome = match waited {
                Ok(job) => imports::outcome(client_ref, dest_ref, job).await,
                Err(e) => Err(e),
            };
            match outcome {
                Ok(imported) => (url, Outcome::Done(imported)),
                Err(e) => (url, Outcome::Failed(Some(job_id), e)),
            }
        }
    }))
    .buffer_unordered(args.concurrency as usize);

    let (mut done, mut failed, mut submitted) = (0usize, 0usize, 0usize);
    let mut auth_error: Option<crate::api::ApiError> = None;
    let mut unreachable = 0usize;
    while let Some((url, outcome)) = results.next().await {
        if let Some(b) = &bar {
            b.inc(1);
        }
        match outcome {
            Outcome::Done(imp) => {
                done += 1;
                if json {
                    json_line(
                        json!({"type": "import_done", "url": url, "job_id": imp.job_id,
                                     "remote_path": imp.path, "node_id": imp.node_id,
                                     "size": imp.size}),
                    );
                } else {
                    say(
                        false,
                        format!(
                            "{url} -> {} ({}{})",
                            imp.path,
                            imp.size
                                .map(human_bytes)
                                .unwrap_or_else(|| "size unknown".into()),
                            imp.node_id
                                .as_deref()
                                .map(|id| format!(", node {id}"))
                                .unwrap_or_default()
                        ),
                    );
                }
            }
            Outcome::Submitted(job_id) => {
                submitted += 1;
                if !json {
                    say(
                        false,
                        format!("{url} submitted as job {job_id} (not waited for)"),
                    );
                }
            }
            Outcome::Failed(job_id, err) => {
                failed += 1;
                if let Some(api) = err.api() {
                    if api.is_auth() && auth_error.is_none() {
                        auth_error = Some(clone_api_error(api));
                    }
                    if matches!(api, crate::api::ApiError::Transport { .. }) {
                        unreachable += 1;
                    }
                }
                let job_id = job_id.or_else(|| err.job_id().map(str::to_owned));
                if json {
                    json_line(
                        json!({"type": "import_failed", "url": url, "job_id": job_id,
                                     "error": err.to_string()}),
                    );
                }
                if !printer.quiet {
                    say(true, format!("fastio: {url}: {err}"));
                }
            }
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed();
    if json {
        json_line(
            json!({"type": "summary", "imported": done, "failed": failed,
                         "submitted": submitted, "wall_ms": elapsed.as_millis() as u64}),
        );
    } else if show {
        let mut parts = vec![format!("{done} imported")];
        if submitted > 0 {
            parts.push(format!("{submitted} submitted"));
        }
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        eprintln!(
            "fastio: {} in {:.1}s",
            parts.join(", "),
            elapsed.as_secs_f64()
        );
    }
    if let Some(e) = auth_error {
        return Err(e.into());
    }
    Ok(if failed == 0 {
        ExitStatus::Success
    } else if unreachable == total {
        ExitStatus::Unavailable
    } else {
        ExitStatus::PartialFailure
    })
}

/// `ApiError` is not `Clone` (it may hold a reqwest error); keep what the exit status needs.
fn clone_api_error(e: &crate::api::ApiError) -> crate::api::ApiError {
    crate::api::ApiError::Status {
        method: String::new(),
        path: String::new(),
        status: e.status().unwrap_or(401),
        code: e.code(),
        text: e.to_string(),
        retry_after: None,
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
    fn urls_must_be_http_with_a_host() {
        assert!(validate_url("https://example.com/a.pdf").is_ok());
        assert!(validate_url("http://127.0.0.1:8080/x?y=1").is_ok());
        assert!(
            validate_url("ftp://example.com/a")
                .unwrap_err()
                .contains("not an http")
        );
        assert!(
            validate_url("example.com/a")
                .unwrap_err()
                .contains("not a valid URL")
        );
        assert!(validate_url("http://").is_err());
        assert!(validate_url("http://exa mple.com/").is_err());
    }

    #[test]
    fn url_list_reports_line_numbers() {
        let list = "# mirrors\nhttps://a.test/1\n\n  https://b.test/2  \nnot a url\n";
        let err = parse_url_list(list.as_bytes(), "urls.txt").unwrap_err();
        assert!(err.starts_with("urls.txt:5: `not a url`"), "{err}");
        let ok = parse_url_list(
            "https://a.test/1\n# x\nhttp://b.test/\n".as_bytes(),
            "stdin",
        );
        assert_eq!(ok.unwrap(), ["https://a.test/1", "http://b.test/"]);
    }

    #[test]
    fn names() {
        assert!(validate_name("report.pdf").is_ok());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name("..").is_err());
        assert!(validate_name(" ").is_err());
        assert!(validate_name("a\nb").is_err());
        assert!(validate_name(&"x".repeat(256)).is_err());
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }
}
