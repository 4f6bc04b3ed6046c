//! The upload reporter: [`report`] is the single listener of a run's [`Event`]s and the only
//! writer of the terminal while the run lasts.
//!
//! Progress modes (`--progress`):
//! * `bars` (the `auto` choice on a terminal): an indicatif `MultiProgress` with one overall bar
//!   (files, bytes, rate, ETA, and `throttled` while a 429 window is open) and one bar per large
//!   file in flight. Failures (and with `-v`, every finished file) leave a line.
//! * `plain` (the `auto` choice otherwise): no ANSI codes, a status line at most every 10 s,
//!   one line per failure and per skipped symlink.
//! * `none`, or `-q`: no progress; failures are still listed one per line; `-q` also drops
//!   the summary and the per-symlink lines.
//!
//! # `--json` event schema (NDJSON on stdout, one object per line)
//!
//! Every object has `"v": 1` (the schema version; fields are only ever added within a version)
//! and `"type"`. Sizes are bytes, durations milliseconds, paths as given locally and
//! `/`-separated remotely (relative to the workspace root).
//!
//! | `type` | Fields |
//! |---|---|
//! | `file_done` | `local`, `remote_path`, `node_id` (string or null), `size`, `sha256` (hex), `resumed` (bool: only missing chunks were sent), `upload_id` (string or null) |
//! | `file_skipped` | `local`, `remote_path`, `size`, `reason`, `node_id` (the remote twin; string or null) |
//! | `file_failed` | `local`, `remote_path` (string or null), `error` |
//! | `file_not_started` | `local`, `remote_path`: queued, but the run was interrupted or stopped before it was done (sent at the end) |
//! | `symlink_skipped` | `local` |
//! | `special_skipped` | `local`, `kind` (`a FIFO`, `a socket`, ...): not a regular file, not uploaded |
//! | `warning` | `message` (nothing failed because of it; e.g. resume is off, and why) |
//! | `notice` | `message`: a detail (shown on the terminal with `-v`), e.g. the access token was refreshed |
//! | `stopped` | `reason`: the run stops early, every other file would fail the same way |
//! | `progress` | at most once a second while bytes move: `elapsed_ms`, `bytes_done` (file bytes that left for the server, counted as they leave; a retried request's are taken back), `bytes_total`, `files_done`, `files_total` (so far) |
//! | `watching` | `upload --watch` is idle: `paths` (path arguments watched), `uploaded` (files so far), `last` (RFC 3339 time of the last upload, or null) |
//! | `retry` | `what` (request kind), `attempt`, `delay_ms`, `error` |
//! | `throttled` | `what`, `wait_ms` (HTTP 429: every request waits) |
//! | `would_upload` | dry run only: `local`, `remote_path`, `size`, `reason` (why it would be sent) |
//! | `would_create_folder` | dry run only: `remote_path` |
//! | `deleted` / `would_delete` | `--delete`: `remote_path`, `node_id`, `kind` (`file` or `folder`), `count` (nodes it took to the trash, itself included) |
//! | `delete_failed` | `--delete`: `remote_path`, `error` |
//! | `delete_refused` | `--delete`: `reason` (nothing was deleted: a file failed, the run was interrupted, or more than `--max-delete` would go) |
//! | `folder_created` | a folder this run created (by `createfolder`, or by the server for a batch): `remote_path` |
//! | `summary` | last line: `planned`, `uploaded`, `skipped`, `failed`, `not_started` (`uploaded + skipped + failed + not_started = planned`), `bytes`, `bytes_sent`, `hashed_bytes` (bytes of local files read to compare with their remote twins), `retries`, `throttled`, `folders_created` (folders this run created, by `createfolder` or by the server for batch entries; dry run: that it would create), `symlinks_skipped`, `special_skipped`, `wall_ms`, `bytes_per_sec` (bytes sent / wall time), `bwlimit` (`--bwlimit` in bytes/s, or null), `interrupted`, `signal` (`SIGINT`, `SIGTERM`, `SIGHUP` or null), `dry_run`, `shard` (`"I/N"` or null), `shard_from` (`--shard auto`: the job runner it was read from, or null), `out_of_shard` (files left to other shards, not planned here), `deleted`, `delete_failed`, `delete_refused` (the reason, or null), `workspace_id`, `remote_dir` (where the files went) |
//!
//! Local paths are exact; bytes of a name that are not UTF-8 appear as `\xNN`. On the terminal,
//! control characters in names and messages are printed escaped (`\n`, `\u{1b}`), never raw.
//!
//! Example:
//!
//! ```text
//! {"v":1,"type":"file_done","local":"photos/a.jpg","remote_path":"backup/photos/a.jpg","node_id":"2qk7d-...","size":1234,"sha256":"9f86...","resumed":false}
//! {"v":1,"type":"summary","planned":1,"uploaded":1,"skipped":0,"failed":0,"not_started":0,"bytes":1234,"bytes_sent":1234,"retries":0,"throttled":0,"folders_created":0,"symlinks_skipped":0,"special_skipped":0,"wall_ms":412,"bytes_per_sec":2995,"bwlimit":null,"interrupted":false,"signal":null,"dry_run":false}
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{PLAIN_INTERVAL, Printer, Progress, escape_control, json_line, signal_name, wall_time};
use crate::api::Gates;
use crate::transfer::{Event, Summary};

use super::upload_json::rate;
pub use super::upload_json::{event_json, summary_json, throughput};

/// `upload --watch`'s idle line.
fn watching_line(paths: usize, uploaded: u64, last: Option<std::time::SystemTime>) -> String {
    let what = match paths {
        1 => "1 path".to_string(),
        n => format!("{n} paths"),
    };
    let last = match last {
        Some(t) => format!(
            ", last at {}",
            chrono::DateTime::<chrono::Local>::from(t).format("%H:%M:%S")
        ),
        None => String::new(),
    };
    format!("watching {what}: {uploaded} files uploaded{last} (Ctrl-C to stop)")
}

/// The human summary line.
pub fn summary_line(s: &Summary) -> String {
    let shard = match (s.shard, &s.shard_from) {
        (Some(sh), Some(from)) => format!(
            "; shard {sh} (from {from}): {} files left to the other shards",
            s.out_of_shard
        ),
        (Some(sh), None) => format!(
            "; shard {sh}: {} files left to the other shards",
            s.out_of_shard
        ),
        (None, _) => String::new(),
    };
    let delete = super::sync::summary_part(s);
    if s.dry_run {
        return format!(
            "dry run: would upload {} files ({}), skip {}, create {} folders; {} \
             unreadable{shard}{delete}",
            s.uploaded,
            HumanBytes(s.bytes),
            s.skipped,
            s.folders_created,
            s.failed
        );
    }
    let prefix = match (s.interrupted, s.signal) {
        (true, Some(sig)) => format!("interrupted ({}): ", signal_name(sig)),
        (true, None) => "interrupted: ".to_string(),
        _ => String::new(),
    };
    let not_started = if s.not_started > 0 {
        format!(", not started {}", s.not_started)
    } else {
        String::new()
    };
    let mut line = format!(
        "{prefix}uploaded {} files ({}), skipped {}, failed {}{not_started} in {} ({}/s); {} \
         retries, {} throttled",
        s.uploaded,
        HumanBytes(s.bytes),
        s.skipped,
        s.failed,
        wall_time(s.wall),
        HumanBytes(rate(s)),
        s.retries,
        s.throttled
    );
    if s.folders_created > 0 {
        line.push_str(&format!("; {} folders created", s.folders_created));
    }
    if let Some(cap) = s.bwlimit {
        line.push_str(&format!("; --bwlimit {}/s", indicatif::DecimalBytes(cap)));
    }
    if s.symlinks_skipped > 0 {
        line.push_str(&format!(
            "; {} symlinks skipped (use --follow-symlinks)",
            s.symlinks_skipped
        ));
    }
    if s.special_skipped > 0 {
        line.push_str(&format!(
            "; {} FIFOs, sockets or devices skipped",
            s.special_skipped
        ));
    }
    line.push_str(&shard);
    line.push_str(&delete);
    line
}

/// How often `--json` says how far the run is (while something moves).
const JSON_PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// The `progress` event: bytes of file data sent (or found on the server) and files finished.
fn progress_json(t: &Totals, started: Instant) -> serde_json::Value {
    serde_json::json!({"type": "progress",
        "elapsed_ms": started.elapsed().as_millis() as u64,
        "bytes_done": t.bytes_finished, "bytes_total": t.bytes,
        "files_done": t.files_finished, "files_total": t.files})
}

#[derive(Default)]
struct Totals {
    files: u64,
    bytes: u64,
    files_finished: u64,
    bytes_finished: u64,
    failed: u64,
    walk_done: bool,
    /// The run is stopping (every other file would fail the same way): later failures are
    /// counted, not listed one by one (`-v` and `--json` list them).
    stopped: bool,
    failed_after_stop: u64,
}

struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    files: HashMap<u64, ProgressBar>,
}

impl Bars {
    fn new() -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8));
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Bars {
            multi,
            overall,
            files: HashMap::new(),
        }
    }

    fn println(&self, msg: &str) {
        self.multi.suspend(|| eprintln!("{msg}"));
    }
}

/// Listen to a run's events until the channel closes: draw progress, print failures, write
/// NDJSON, and print the human summary at the end. `gate` shows the throttled state.
pub async fn report(
    printer: Printer,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Event>,
    gate: Arc<Gates>,
) {
    let mut bars = (printer.progress == Progress::Bars).then(Bars::new);
    let mut t = Totals::default();
    let started = Instant::now();
    let mut last_plain = Instant::now();
    let mut last_json = Instant::now() - JSON_PROGRESS_INTERVAL;
    let mut json_reported = (0u64, 0u64);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    // Every line that may carry a name is escaped: names reach the terminal as text only.
    let say = |bars: &Option<Bars>, msg: String| {
        if printer.quiet {
            return;
        }
        let msg = escape_control(&msg);
        match bars {
            Some(b) => b.println(&format!("fastio: {msg}")),
            None => eprintln!("fastio: {msg}"),
        }
    };
    let error_line = |bars: &Option<Bars>, line: String| {
        let line = escape_control(&line);
        match bars {
            Some(b) => b.println(&line),
            None => eprintln!("{line}"),
        }
    };
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tick.tick() => {
                if let Some(b) = &bars {
                    b.overall.set_message(overall_msg(&t, &gate));
                }
                // --json: a `progress` line a second while bytes move (or files finish).
                if printer.json
                    && last_json.elapsed() >= JSON_PROGRESS_INTERVAL
                    && (t.bytes_finished, t.files_finished) != json_reported
                {
                    last_json = Instant::now();
                    json_reported = (t.bytes_finished, t.files_finished);
                    json_line(progress_json(&t, started));
                }
                // (Nothing planned yet, e.g. still reading the limits: nothing to report.)
                if printer.progress == Progress::Plain
                    && last_plain.elapsed() >= PLAIN_INTERVAL
                    && t.files > 0
                {
                    last_plain = Instant::now();
                    eprintln!("fastio: {}", plain_status(&t, &gate, started));
                }
                continue;
            }
        };
        let Some(ev) = ev else { break };
        super::log::event(&ev);
        if printer.json
            && let Some(obj) = event_json(&ev)
        {
            json_line(obj);
        }
        match &ev {
            Event::FileQueued { size, .. } => {
                t.files += 1;
                t.bytes += size;
                if let Some(b) = &bars {
                    b.overall.set_length(t.bytes);
                }
            }
            Event::WalkDone => t.walk_done = true,
            Event::FileStarted { id, local, size } => {
                if let Some(b) = &mut bars {
                    let pb = b.multi.add(ProgressBar::new(*size));
                    pb.set_style(
                        ProgressStyle::with_template(
                            "  {wide_msg} {bytes}/{total_bytes} {percent:>3}%",
                        )
                        .expect("valid template"),
                    );
                    pb.set_message(escape_control(local).into_owned());
                    b.files.insert(*id, pb);
                }
            }
            Event::Bytes { id, n } => {
                t.bytes_finished += n;
                if let Some(b) = &bars {
                    b.overall.inc(*n);
                    if let Some(pb) = b.files.get(id) {
                        pb.inc(*n);
                    }
                }
            }
            Event::Unsent { id, n } => {
                t.bytes_finished = t.bytes_finished.saturating_sub(*n);
                if let Some(b) = &bars {
                    b.overall.dec(*n);
                    if let Some(pb) = b.files.get(id) {
                        pb.dec(*n);
                    }
                }
            }
            Event::FileDone {
                id,
                local,
                remote_path,
                ..
            } => {
                t.files_finished += 1;
                if let Some(b) = &mut bars
                    && let Some(pb) = b.files.remove(id)
                {
                    pb.finish_and_clear();
                    b.multi.remove(&pb);
                }
                if printer.verbose > 0 {
                    say(&bars, format!("uploaded `{local}` → `{remote_path}`"));
                }
            }
            Event::FileSkipped {
                local,
                size,
                reason,
                ..
            } => {
                t.files_finished += 1;
                t.bytes_finished += size;
                if let Some(b) = &bars {
                    b.overall.inc(*size);
                }
                if printer.verbose > 0 {
                    say(&bars, format!("skipped `{local}`: {reason}"));
                }
            }
            Event::FileFailed {
                id, local, error, ..
            } => {
                t.failed += 1;
                t.files_finished += 1;
                if let (Some(b), Some(id)) = (&mut bars, id)
                    && let Some(pb) = b.files.remove(id)
                {
                    pb.finish_and_clear();
                    b.multi.remove(&pb);
                }
                // An error: printed even with -q; after a stop, counted instead (said once
                // with the summary).
                if t.stopped && printer.verbose == 0 {
                    t.failed_after_stop += 1;
                } else {
                    error_line(&bars, format!("fastio: failed `{local}`: {error}"));
                }
            }
            Event::SymlinkSkipped { local } => {
                if printer.progress != Progress::None {
                    say(&bars, format!("skipped symlink `{local}`"));
                }
            }
            Event::SpecialSkipped { local, kind } => {
                if printer.progress != Progress::None {
                    say(
                        &bars,
                        format!("skipped `{local}`: {kind}, not a regular file"),
                    );
                }
            }
            Event::FileNotStarted { local, .. } => {
                if printer.verbose > 0 {
                    say(&bars, format!("not started `{local}`"));
                }
            }
            Event::Warning { message } => say(&bars, format!("warning: {message}")),
            Event::Notice { message } => {
                if printer.verbose > 0 {
                    say(&bars, message.clone());
                }
            }
            Event::Retry {
                what,
                attempt,
                error,
                stalled,
                ..
            } => {
                if printer.verbose > 0 || *stalled {
                    say(
                        &bars,
                        format!("retrying {what} (attempt {attempt}): {error}"),
                    );
                }
            }
            Event::Throttled { wait, .. } => {
                if printer.verbose > 0 {
                    say(
                        &bars,
                        format!("throttled by the server for {:.1}s", wait.as_secs_f64()),
                    );
                }
            }
            Event::WouldUpload {
                local,
                remote_path,
                size,
                reason,
                ..
            } => {
                t.files_finished += 1;
                if !printer.json && !printer.quiet {
                    let size = HumanBytes(*size);
                    let line =
                        format!("would upload `{local}` → `{remote_path}` ({size}): {reason}");
                    say(&bars, line);
                }
            }
            Event::FolderCreated {
                remote_path,
                dry_run,
            } => {
                if *dry_run && !printer.json && !printer.quiet {
                    say(&bars, format!("would create folder `{remote_path}`"));
                } else if !dry_run && printer.verbose > 0 {
                    say(&bars, format!("created folder `{remote_path}`"));
                }
            }
            Event::Watching {
                paths,
                uploaded,
                last,
            } => {
                if !printer.json {
                    say(&bars, watching_line(*paths, *uploaded, *last));
                }
            }
            e @ (Event::Deleted { .. }
            | Event::DeleteFailed { .. }
            | Event::DeleteRefused { .. }) => {
                if let Some((line, error)) = super::sync::line(e)
                    && (error || (!printer.json && !printer.quiet))
                {
                    error_line(&bars, line);
                }
            }
            Event::Stopped { reason } => {
                // Why the run ends early: printed even with -q.
                t.stopped = true;
                error_line(&bars, format!("fastio: stopping: {reason}"));
            }
            Event::Summary(s) => {
                if let Some(b) = bars.take() {
                    for (_, pb) in b.files {
                        pb.finish_and_clear();
                    }
                    b.overall.finish_and_clear();
                    let _ = b.multi.clear();
                }
                if t.failed_after_stop > 0 {
                    let n = t.failed_after_stop;
                    eprintln!(
                        "fastio: {n} more {} failed as the run stopped (-v lists {})",
                        if n == 1 { "file" } else { "files" },
                        if n == 1 { "it" } else { "them" }
                    );
                }
                if !printer.quiet {
                    eprintln!("fastio: {}", summary_line(s));
                }
            }
        }
    }
    if let Some(b) = bars.take() {
        b.overall.finish_and_clear();
        let _ = b.multi.clear();
    }
}

fn throttled_note(gate: &Gates) -> String {
    match gate.paused_until() {
        Some(until) => format!(
            " throttled (resumes in {:.0}s)",
            until
                .saturating_duration_since(Instant::now())
                .as_secs_f64()
                .ceil()
        ),
        None => String::new(),
    }
}

fn overall_msg(t: &Totals, gate: &Gates) -> String {
    format!(
        "{}/{}{} files{}{}",
        t.files_finished,
        t.files,
        if t.walk_done { "" } else { "+" },
        if t.failed > 0 {
            format!(", {} failed", t.failed)
        } else {
            String::new()
        },
        throttled_note(gate)
    )
}

fn plain_status(t: &Totals, gate: &Gates, started: Instant) -> String {
    let secs = started.elapsed().as_secs_f64().max(0.001);
    format!(
        "{} of {}{} files, {} of {}, {}/s{}",
        t.files_finished,
        t.files,
        if t.walk_done { "" } else { "+" },
        HumanBytes(t.bytes_finished),
        HumanBytes(t.bytes),
        HumanBytes((t.bytes_finished as f64 / secs) as u64),
        throttled_note(gate)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_event_has_version_and_type() {
        let e = Event::FileFailed {
            id: None,
            local: "a b#%.txt".into(),
            remote_path: None,
            error: "no such file or directory".into(),
        };
        let v = event_json(&e).unwrap();
        assert_eq!(v["type"], "file_failed");
        assert!(v["remote_path"].is_null());
        assert!(event_json(&Event::WalkDone).is_none());
        let s = summary_json(&Summary::default());
        assert_eq!(s["type"], "summary");
        assert_eq!(s["failed"], 0);
    }

    #[test]
    fn summary_line_names_the_counts() {
        let s = Summary {
            uploaded: 3,
            failed: 1,
            bytes: 2048,
            ..Default::default()
        };
        let line = summary_line(&s);
        assert!(line.contains("uploaded 3 files"), "{line}");
        assert!(line.contains("failed 1"), "{line}");
        assert!(!line.contains("not started"), "{line}");
        assert!(!line.contains('\u{1b}'));
        let s = Summary {
            not_started: 2,
            interrupted: true,
            signal: Some(15),
            ..s
        };
        let line = summary_line(&s);
        assert!(line.starts_with("interrupted (SIGTERM): "), "{line}");
        assert!(line.contains("failed 1, not started 2"), "{line}");
        assert_eq!(summary_json(&s)["signal"], "SIGTERM");
        assert_eq!(summary_json(&s)["not_started"], 2);
    }
}
