//! Logs through the binary: `-vv` prints one line per HTTP request the emulator received (and
//! no secret), `--log-file` writes those lines and each file's outcome whatever stderr shows,
//! `RUST_LOG` selects its own, `--json` ends a failed run with an `error` event, and
//! `--progress bars` without a terminal says once why there are no bars.

use std::collections::BTreeMap;

use crate::support::cmd::{assert_exit, fastio, fastio_std_at, ndjson, stderr_of, stdout_of};
use crate::support::emulator::{MIB, small_limits, upload_world};
use crate::support::tree::{assert_stored, write};

/// The request lines of a log (stderr or file).
fn request_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("fastio::http"))
        .collect()
}

/// `method → count` of the request lines.
fn methods_logged(lines: &[&str]) -> BTreeMap<String, u64> {
    let mut by = BTreeMap::new();
    for l in lines {
        let method = l
            .split_whitespace()
            .find_map(|w| w.strip_prefix("method="))
            .unwrap_or_else(|| panic!("no method in `{l}`"));
        *by.entry(method.to_string()).or_default() += 1;
    }
    by
}

/// `method → count` of the requests the emulator answered.
fn methods_received(emu: &fastio::emulator::RunningEmulator) -> BTreeMap<String, u64> {
    let mut by = BTreeMap::new();
    for (route, statuses) in emu.stats()["requests"].as_object().unwrap() {
        let method = route.split_whitespace().next().unwrap().to_string();
        let n: u64 = statuses
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        *by.entry(method).or_default() += n;
    }
    by
}

/// A small tree with a file large enough for a chunked session (1 MiB chunks here).
fn tree(src: &std::path::Path) {
    write(src, "logs/a.txt", 1000, 1);
    write(src, "logs/b.txt", 2000, 2);
    write(src, "logs/big.bin", 5 * MIB, 3);
}

#[test]
fn vv_prints_one_line_per_request_and_never_a_secret() {
    let (emu, home, src) = upload_world(small_limits());
    tree(src.path());
    let out = fastio(&emu, home.path())
        .args(["-vv", "upload", "--to", "dest"])
        .arg(src.path().join("logs"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    let lines = request_lines(&stderr);
    // Exactly the requests the server received, method by method (chunks, batches, limits…).
    let received = methods_received(&emu);
    assert_stored(&emu, &src.path().join("logs"), "dest/logs");
    assert_eq!(methods_logged(&lines), received, "{stderr}");
    assert!(received.values().sum::<u64>() >= 5, "{received:?}");
    for l in &lines {
        for field in ["method=", "route=/", "status=", "ms=", "retry="] {
            assert!(l.contains(field), "`{field}` missing in `{l}`");
        }
        assert!(!l.contains('?'), "a query in `{l}`");
    }
    assert!(lines.iter().any(|l| l.contains("status=200")), "{stderr}");
    // -vv includes -v: the file lines of the reporter.
    assert!(stderr.contains("uploaded "), "{stderr}");
    // No secret anywhere: not the key, not an Authorization header.
    assert!(!stderr.contains(&emu.api_key), "{stderr}");
    assert!(!stderr.to_ascii_lowercase().contains("bearer"), "{stderr}");
}

#[test]
fn log_file_gets_requests_and_outcomes_whatever_stderr_shows() {
    let (emu, home, src) = upload_world(small_limits());
    tree(src.path());
    let log = home.path().join("run.log");
    let out = fastio(&emu, home.path())
        .args(["-q", "--log-file"])
        .arg(&log)
        .args(["upload", "--to", "dest"])
        .arg(src.path().join("logs"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    assert!(request_lines(&stderr).is_empty(), "-q: {stderr}");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = request_lines(&text);
    assert_eq!(methods_logged(&lines), methods_received(&emu), "{text}");
    // Each file's outcome, and the summary.
    for name in ["a.txt", "b.txt", "big.bin"] {
        assert!(
            text.lines()
                .any(|l| l.contains("fastio::run") && l.contains("uploaded") && l.contains(name)),
            "{name} not in\n{text}"
        );
    }
    assert!(text.contains("uploaded 3 files"), "{text}");
    assert!(!text.contains(&emu.api_key), "{text}");

    // A log file that cannot be opened: a usage error, nothing sent.
    let before = methods_received(&emu);
    let out = fastio(&emu, home.path())
        .args(["--log-file"])
        .arg(home.path().join("no-such-dir").join("x.log"))
        .args(["upload", "--to", "dest"])
        .arg(src.path().join("logs"))
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr_of(&out).contains("cannot open the log file"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(methods_received(&emu), before);
}

#[test]
fn rust_log_and_vvv_select_more() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "one.txt", 100, 1);
    // RUST_LOG alone: the request lines, nothing at -v's level from the reporter.
    let out = fastio(&emu, home.path())
        .env("RUST_LOG", "fastio::http=debug")
        .args(["upload", "--to", "r"])
        .arg(src.path().join("one.txt"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    assert!(!request_lines(&stderr).is_empty(), "{stderr}");
    assert!(!stderr.contains("uploaded `"), "{stderr}");
    // -vvv: the libraries' own lines too (connection pool, HTTP client), still no secret.
    let out = fastio(&emu, home.path())
        .args(["-vvv", "upload", "--to", "r2"])
        .arg(src.path().join("one.txt"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    assert!(!request_lines(&stderr).is_empty(), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| !l.contains("fastio") && (l.contains("TRACE") || l.contains("DEBUG"))),
        "{stderr}"
    );
    assert!(!stderr.contains(&emu.api_key), "the key in -vvv output");
}

#[test]
fn json_ends_a_fatal_error_with_an_error_event() {
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "f.txt", 10, 1);
    // A loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/current");
    let out = fastio_std_at(&base, "fio_unused_key", "4000000000000000001", home.path())
        .args(["upload", "--json", "--retries", "0"])
        .arg(src.path().join("f.txt"))
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let events = ndjson(&out.stdout);
    let last = events
        .last()
        .unwrap_or_else(|| panic!("no event: {}", stderr_of(&out)));
    assert_eq!(last["type"], "error", "{events:?}");
    assert_eq!(last["v"], 1);
    assert_eq!(last["exit_code"], 4);
    let message = last["message"].as_str().unwrap();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert_eq!(events.iter().filter(|e| e["type"] == "error").count(), 1);
    // The same line on stderr, for people.
    assert!(stderr_of(&out).contains(message), "{}", stderr_of(&out));

    // A usage error clap finds is an event too.
    let out = fastio_std_at(&base, "k", "w", home.path())
        .args(["--json", "upload", "--concurrency", "0", "x"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let events = ndjson(&out.stdout);
    assert_eq!(events.len(), 1, "{}", stdout_of(&out));
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["exit_code"], 2);
    assert!(
        events[0]["message"]
            .as_str()
            .unwrap()
            .contains("--concurrency")
    );
}

#[test]
fn progress_bars_without_a_terminal_say_why_once() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "a.txt", 100, 1);
    write(src.path(), "b.txt", 100, 2);
    let out = fastio(&emu, home.path())
        .args(["--progress", "bars", "upload", "--to", "p"])
        .arg(src.path())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    assert_eq!(
        stderr.matches("stderr is not a terminal").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("uploaded 2 files"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no escape codes: {stderr:?}");
}
