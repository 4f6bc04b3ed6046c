//! Durations the server sends are data, not orders, and waiting for them is not a stall: a
//! proxy in front of the emulator answers some requests with 429 or 503 and a `Retry-After` or
//! rate-limit expiry of its choosing (absurd, far-future, in every documented form); the runs
//! wait at most `--max-wait`, say so as the wait starts, and store everything.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::{cmd::*, emulator::*, fake::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};

/// A proxy answering the first `times` requests whose path contains `route` with `status`
/// and the header `name: value`; everything else reaches the emulator.
fn refusing(
    emu: &RunningEmulator,
    route: &'static str,
    times: u32,
    status: u16,
    name: &str,
    value: &str,
) -> Proxy {
    let seen = Arc::new(AtomicU32::new(0));
    let (name, value) = (name.to_string(), value.to_string());
    proxy_canned(emu, move |_method, path| {
        (path.contains(route) && seen.fetch_add(1, Ordering::SeqCst) < times).then(|| {
            let code = if status == 429 { 1671 } else { 1654 };
            Canned::error(status, code, &[(&name, &value)])
        })
    })
}

/// A few small files (one batch) under `src/name`.
fn small_tree(src: &Path, name: &str) -> std::path::PathBuf {
    let d = src.join(name);
    for i in 0..4 {
        write(&d, &format!("f{i}.txt"), 100 + i, i);
    }
    d
}

/// `fastio upload --json ARGS… DIR` through `proxy`.
fn upload_via(
    emu: &RunningEmulator,
    proxy: &Proxy,
    home: &Path,
    args: &[&str],
    dir: &Path,
) -> (std::process::Output, Vec<serde_json::Value>) {
    let out = fastio(emu, home)
        .env("FASTIO_API_BASE", &proxy.base)
        .args(["upload", "--json"])
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    let events = ndjson(&out.stdout);
    (out, events)
}

fn epoch_in(secs: i64) -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + secs
}

/// `t` (Unix seconds) in a chrono format, UTC.
fn utc(t: i64, fmt: &str) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format(fmt)
        .to_string()
}

/// A `Retry-After` far beyond any sane wait (the one that used to panic a worker and end the
/// run green with nothing uploaded) is cut to `--max-wait`, said on the terminal as the wait
/// starts, and the upload completes.
#[test]
fn an_absurd_retry_after_is_capped_at_max_wait_said_and_the_run_completes() {
    for value in [
        "18446744073709551615",
        "1844674407370955161500000000",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let (emu, home, src) = upload_world(EmulatorConfig::default());
        let p = refusing(&emu, "/upload/batch", 1, 429, "Retry-After", value);
        let d = small_tree(src.path(), "absurd");
        let (out, events) = upload_via(&emu, &p, home.path(), &["--max-wait", "1s"], &d);
        assert_exit(&out, 0);
        assert_eq!(summary_of(&events)["uploaded"], 4, "{value}");
        assert_stored(&emu, &d, "absurd");
        let err = stderr_of(&out);
        assert!(
            err.contains("rate limited by the server (HTTP 429): waiting 1 s, until ")
                && err.contains("years; --max-wait caps the wait)"),
            "{value}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A server that keeps asking for more than `--max-wait` gets one capped wait; the second such
/// answer fails the request, with what the server asked for in the message (exit 1, not a
/// hang and not green).
#[test]
fn a_second_overlong_wait_fails_the_file_with_a_clear_line() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let p = refusing(
        &emu,
        "/upload/batch",
        u32::MAX,
        429,
        "Retry-After",
        "86400000",
    );
    let d = small_tree(src.path(), "never");
    let (out, events) = upload_via(&emu, &p, home.path(), &["--max-wait", "1s"], &d);
    assert_exit(&out, 1);
    let failed = failed_files(&events, 4);
    let error = failed[0]["error"].as_str().unwrap();
    assert!(
        error.contains("HTTP 429")
            && error.contains("asked to wait 2 years, longer than --max-wait 1 s"),
        "{error}"
    );
}

/// Every documented form of the expiry (and both forms of `Retry-After`) is read, on a 429 and
/// on a 503: ten years ahead, each is announced as what it is ("years"), not the 60 s fallback.
#[test]
fn every_documented_expiry_form_is_read_on_429_and_503() {
    let t = epoch_in(10 * 366 * 24 * 3600);
    let forms: Vec<(&str, String)> = vec![
        ("x-ve-limit-expires", t.to_string()),
        ("x-ve-limit-expires", (t * 1000).to_string()),
        ("x-ve-limit-expires", utc(t, "%Y-%m-%d %H:%M:%S UTC")),
        ("x-ve-limit-expires", utc(t, "%Y-%m-%dT%H:%M:%SZ")),
        ("X-Rate-Limit-Expiry", t.to_string()),
        ("X-Rate-Limit-Expiry", utc(t, "%Y-%m-%d %H:%M:%S UTC")),
        ("Retry-After", (10 * 366 * 24 * 3600).to_string()),
        ("Retry-After", utc(t, "%a, %d %b %Y %H:%M:%S GMT")),
        ("Retry-After", utc(t, "%A, %d-%b-%y %H:%M:%S GMT")),
        ("Retry-After", utc(t, "%a %b %e %H:%M:%S %Y")),
    ];
    std::thread::scope(|scope| {
        for status in [429u16, 503] {
            for (name, value) in &forms {
                scope.spawn(move || {
                    let (emu, home, src) = upload_world(EmulatorConfig::default());
                    let p = refusing(&emu, "/upload/batch", 1, status, name, value);
                    let d = small_tree(src.path(), "forms");
                    let (out, events) =
                        upload_via(&emu, &p, home.path(), &["--max-wait", "1s"], &d);
                    let case = format!("{status} {name}: {value}");
                    assert_exit(&out, 0);
                    assert_eq!(summary_of(&events)["uploaded"], 4, "{case}");
                    let err = stderr_of(&out);
                    let who = match status {
                        429 => "rate limited by the server (HTTP 429)",
                        _ => "the server asks to come back later (HTTP 503)",
                    };
                    assert!(
                        err.contains(&format!("{who}: waiting 1 s"))
                            && (err.contains("(it asked for 9 years")
                                || err.contains("(it asked for 10 years")),
                        "{case}: {err}"
                    );
                });
            }
        }
    });
}

/// `Retry-After` as an HTTP-date a few seconds ahead means those seconds (it used to fall back
/// to 60 s): the `throttled` event says so.
#[test]
fn a_retry_after_date_is_waited_until_not_a_default() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let at = utc(epoch_in(3), "%a, %d %b %Y %H:%M:%S GMT");
    let p = refusing(&emu, "/upload/batch", 1, 429, "Retry-After", &at);
    let d = small_tree(src.path(), "dated");
    let (out, events) = upload_via(&emu, &p, home.path(), &[], &d);
    assert_exit(&out, 0);
    let throttled = of_type(&events, "throttled");
    assert_eq!(throttled.len(), 1, "{events:?}");
    let ms = throttled[0]["wait_ms"].as_u64().unwrap();
    assert!((1000..=3100).contains(&ms), "waited {ms} ms for {at}");
    assert_stored(&emu, &d, "dated");
}

/// Commands other than `upload` (here `verify`, whose listing calls retry by themselves) cap
/// and announce the wait too.
#[test]
fn other_commands_cap_and_announce_server_waits_too() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = small_tree(src.path(), "v");
    upload_json(&emu, home.path(), &d, 0);
    let p = refusing(&emu, "/list", 1, 429, "Retry-After", "18446744073709551615");
    let out = fastio(&emu, home.path())
        .env("FASTIO_API_BASE", &p.base)
        .args(["--max-wait", "1s", "verify"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let err = stderr_of(&out);
    assert!(
        err.contains("rate limited by the server (HTTP 429): waiting 1 s"),
        "{err}"
    );
    assert_eq!(
        stdout_of(&out)
            .lines()
            .filter(|l| l.starts_with("ok "))
            .count(),
        4
    );
}

/// Waiting at our own gate for a 429 window longer than `--stall-timeout` is neither a stall
/// nor a retry: with `--retries 0` the run still stores everything.
#[test]
fn a_429_window_longer_than_the_stall_timeout_is_not_a_stall() {
    let (emu, home, src) = upload_world(small_limits());
    let p = refusing(&emu, "/upload/batch", 1, 429, "Retry-After", "3");
    let d = small_tree(src.path(), "window");
    write(&d, "big.bin", 5 * MIB, 7);
    let args = [
        "--stall-timeout",
        "1s",
        "--retries",
        "0",
        "--concurrency",
        "4",
    ];
    let (out, events) = upload_via(&emu, &p, home.path(), &args, &d);
    assert_exit(&out, 0);
    let summary = summary_of(&events);
    assert_eq!(summary["uploaded"], 5, "{summary}");
    assert_eq!(summary["retries"], 0, "{summary}");
    assert!(of_type(&events, "retry").is_empty(), "{events:?}");
    assert_stored(&emu, &d, "window");
}

/// Waiting for `--bwlimit` is not a stall either: a body held back for seconds by a low cap
/// goes through with a 1 s stall limit and no retries.
#[test]
fn waiting_for_the_bandwidth_cap_is_not_a_stall() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("capped");
    write(&d, "slow.bin", 160_000, 3);
    let out = fastio(&emu, home.path())
        .args([
            "--bwlimit",
            "40k",
            "--stall-timeout",
            "1s",
            "upload",
            "--json",
        ])
        .args(["--retries", "0"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    assert_eq!(summary_of(&events)["retries"], 0);
    assert_stored(&emu, &d, "capped");
}
