//! Servers that fail in ways the emulator does not: fake servers on loopback that never answer,
//! trickle their answers, answer garbage or redirect elsewhere, and bad credentials and
//! argument pairs refused before any request. Each case: exit code, the message, and (where it
//! matters) how long the run took and what the server saw.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, fake::*, tree::*};
use fastio::emulator::EmulatorConfig;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One small file to upload, in its own temporary directory.
fn one_file() -> (tempfile::TempDir, PathBuf) {
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "a.txt", 5, 1);
    (src, f)
}

const LIMITS_OK: &str =
    r#"{"result":"yes","response":{"chunk_size":1048576,"chunks":64,"size":134217728}}"#;
const EMPTY_LISTING: &str =
    r#"{"result":"yes","response":{"nodes":[],"pagination":{"has_more":false}}}"#;

/// Run `upload FILE --stall-timeout 1s --retries 1` against `server`; returns the output and
/// how long it took.
fn upload_with_short_limits(server: &FakeServer) -> (std::process::Output, Duration) {
    let home = tempfile::tempdir().unwrap();
    let (_src, f) = one_file();
    let t = Instant::now();
    let out = fastio_fake(server, home.path())
        .args(["upload", "--stall-timeout", "1s", "--retries", "1"])
        .arg(&f)
        .output()
        .unwrap();
    (out, t.elapsed())
}

/// A server answering every request with `answer`, uploaded to with short limits: the run
/// stalls (see [`assert_stalled`]). The server, for what it saw.
fn assert_upload_stalls(
    answer: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static,
) -> FakeServer {
    let server = FakeServer::start(Duration::from_secs(30), answer);
    let (out, took) = upload_with_short_limits(&server);
    assert_stalled(&server, &out, took);
    server
}

/// A server whose upload limits and folder listings answer, and whose every other request (the
/// upload itself) gets `rest`.
fn upload_answered_by(rest: impl Fn() -> Reply + Send + Sync + 'static) -> FakeServer {
    FakeServer::start(Duration::from_secs(30), move |r| {
        let p = r.path();
        if p.ends_with("/upload/limits/") {
            Reply::json(200, LIMITS_OK)
        } else if p.ends_with("/list/") {
            Reply::json(200, EMPTY_LISTING)
        } else {
            rest()
        }
    })
}

/// Run `fastio args… PATH` against `server`: the output and its stderr.
fn run_fake(
    server: &FakeServer,
    home: &tempfile::TempDir,
    args: &[&str],
    path: &std::path::Path,
) -> (std::process::Output, String) {
    let out = fastio_fake(server, home.path())
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let err = stderr(&out);
    (out, err)
}

/// The error of the one `file_failed` event of a `--json` run.
fn the_failed_file_error(out: &std::process::Output) -> String {
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    failed[0]["error"].as_str().unwrap().to_string()
}

/// Exit 4, one line naming the server and the stall, within (retries + 1) × stall + backoff
/// (about 2.4 s here; 6 s allows for a loaded machine).
fn assert_stalled(server: &FakeServer, out: &std::process::Output, took: Duration) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains(&server.origin), "names the server: {err}");
    assert!(err.contains("stalled"), "{err}");
    // The retry is said as it happens, not only at the end.
    assert!(
        err.lines()
            .any(|l| l.contains("retrying upload limits (attempt 1)") && l.contains("stalled")),
        "{err}"
    );
    assert!(took < Duration::from_secs(6), "took {took:?}: {err}");
}

#[test]
fn a_server_that_never_answers_is_a_stall_with_exit_4_within_seconds() {
    let server = assert_upload_stalls(|_| Reply::Silent);
    // One try and one retry, no more.
    let limits: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/upload/limits/"))
        .collect();
    assert_eq!(limits.len(), 2, "{limits:?}");
}

#[test]
fn a_server_trickling_its_headers_is_a_stall_with_exit_4_within_seconds() {
    // One byte every 200 ms: never idle for a whole second, but the answer never comes.
    assert_upload_stalls(|_| Reply::trickle_all(200, LIMITS_OK, Duration::from_millis(200)));
}

#[test]
fn a_server_trickling_its_body_is_a_stall_with_exit_4_within_seconds() {
    assert_upload_stalls(|_| Reply::trickle_body(200, LIMITS_OK, Duration::from_millis(200)));
}

#[test]
fn a_server_stalling_on_the_upload_itself_fails_the_file_with_exit_4() {
    // Limits and listings answer; the batch upload never does.
    let server = upload_answered_by(|| Reply::Silent);
    let home = tempfile::tempdir().unwrap();
    let (_src, f) = one_file();
    let t = Instant::now();
    let args = [
        "upload",
        "--json",
        "--stall-timeout",
        "1s",
        "--retries",
        "1",
    ];
    let (out, err) = run_fake(&server, &home, &args, &f);
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(4), "{err}");
    let error = the_failed_file_error(&out);
    assert!(
        error.contains(&server.origin) && error.contains("stalled"),
        "{error}"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let batches = server
        .requests()
        .iter()
        .filter(|r| r.path().ends_with("/upload/batch/"))
        .count();
    assert_eq!(batches, 2, "one try and one retry");
}

#[test]
fn a_server_that_cannot_be_used_exits_4_whatever_it_answers() {
    type Answer = fn(&FakeRequest) -> Reply;
    let cases: Vec<(&str, &[&str], Answer)> = vec![
        ("not HTTP at all", &[], |_| {
            Reply::raw(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec())
        }),
        ("an HTML page with 200", &[], |_| {
            Reply::raw(http_response(
                200,
                &[("content-type", "text/html")],
                b"<html><body>Welcome to nginx!</body></html>",
            ))
        }),
        ("truncated JSON with 200", &[], |_| {
            Reply::json(200, r#"{"result":"yes","response":{"chunk_si"#)
        }),
        ("a body cut short", &[], |_| {
            let mut r = http_response(200, &[], LIMITS_OK.as_bytes());
            r.truncate(r.len() - 20);
            Reply::raw(r)
        }),
        ("an HTML 502 after the retry", &["--retries", "1"], |_| {
            Reply::raw(http_response(
                502,
                &[("content-type", "text/html")],
                b"<html>Bad Gateway</html>",
            ))
        }),
        ("a 504 with --retries 0", &["--retries", "0"], |_| {
            Reply::json(
                504,
                r#"{"result":"no","error":{"code":1654,"text":"timeout"}}"#,
            )
        }),
        ("a dropped connection", &["--retries", "1"], |_| {
            Reply::Hangup
        }),
    ];
    for (what, extra, answer) in cases {
        let server = FakeServer::start(Duration::from_secs(20), answer);
        let home = tempfile::tempdir().unwrap();
        let (_src, f) = one_file();
        let args = [&["upload", "--stall-timeout", "2s"][..], extra].concat();
        let (out, err) = run_fake(&server, &home, &args, &f);
        assert_eq!(out.status.code(), Some(4), "{what}: {err}");
        assert!(
            err.contains(&server.origin),
            "{what}: names the server: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{what}: one line: {err}");
    }
}

#[test]
fn a_redirect_is_reported_as_one_with_its_target() {
    let server = FakeServer::start(Duration::from_secs(20), |r| {
        let to = format!("http://elsewhere.example{}?token=secret", r.path());
        Reply::raw(http_response(307, &[("location", &to)], b""))
    });
    let home = tempfile::tempdir().unwrap();
    let (_src, f) = one_file();
    // The first call: the upload limits.
    let (out, err) = run_fake(&server, &home, &["upload"], &f);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("redirected (HTTP 307) to http://elsewhere.example/current/upload/limits/"),
        "{err}"
    );
    assert!(!err.contains("secret"), "the query is not shown: {err}");
    assert!(
        !err.contains("HTTP 401") && !err.contains("not found"),
        "{err}"
    );

    // A workspace given by name: the lookup is what is redirected.
    let (out, err) = run_fake(&server, &home, &["upload", "--workspace", "team"], &f);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("redirected (HTTP 307)"), "{err}");
    assert!(!err.contains("workspace `team` not found"), "{err}");

    // Only the upload itself redirected: the file fails saying so.
    let server = upload_answered_by(|| {
        Reply::raw(http_response(
            301,
            &[("location", "https://login.example/sso")],
            b"",
        ))
    });
    let (out, err) = run_fake(&server, &home, &["upload", "--json"], &f);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let error = the_failed_file_error(&out);
    assert!(
        error.contains("redirected (HTTP 301) to https://login.example/sso"),
        "{error}"
    );
}

#[test]
fn a_credential_with_a_control_character_is_refused_at_once_with_exit_3() {
    let server = FakeServer::start(Duration::from_secs(20), |_| Reply::json(200, LIMITS_OK));
    let (_src, f) = one_file();
    let home = tempfile::tempdir().unwrap();
    let bad = "fio_key_first_half\nsecond_half";
    for (var, flag) in [
        (Some("FASTIO_API_KEY"), false),
        (Some("FASTIO_TOKEN"), false),
        (None, true),
    ] {
        let mut cmd = fastio_fake(&server, home.path());
        cmd.env_remove("FASTIO_API_KEY");
        if let Some(var) = var {
            cmd.env(var, bad);
        }
        if flag {
            cmd.args(["--token", bad]);
        }
        let t = Instant::now();
        let out = cmd.args(["upload"]).arg(&f).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{var:?}: {err}");
        assert!(err.contains("control character"), "{err}");
        let source = var.unwrap_or("--token");
        assert!(err.contains(source), "names where it came from: {err}");
        assert!(!err.contains("second_half"), "never the value: {err}");
        assert!(t.elapsed() < Duration::from_secs(2), "at once");
    }
    assert_eq!(server.connections(), 0, "nothing was sent");
}

#[test]
fn emulator_and_api_base_together_are_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let (_src, f) = one_file();
    let server = FakeServer::start(Duration::from_secs(10), |_| Reply::Hangup);
    let args = [
        "--emulator",
        "--api-base",
        "http://127.0.0.1:9/current",
        "upload",
    ];
    let (out, err) = run_fake(&server, &home, &args, &f);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--emulator") && err.contains("--api-base"),
        "{err}"
    );
}

#[test]
fn files_from_a_directory_is_a_usage_error_that_says_so() {
    let home = tempfile::tempdir().unwrap();
    let (src, _f) = one_file();
    let server = FakeServer::start(Duration::from_secs(10), |_| Reply::Hangup);
    let (out, err) = run_fake(&server, &home, &["upload", "--files-from"], src.path());
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert!(!err.contains("no such file"), "{err}");
    assert_eq!(server.connections(), 0);
}

/// The rule: a PATH that cannot be read is a failed item (exit 1), named on its own line, even
/// when it is the only one; usage errors (2) are bad flags, remote paths, globs and URLs.
#[test]
fn a_nonexistent_path_is_a_failed_item_even_alone() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let missing = src.path().join("nope.txt");
    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(&missing)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("nope.txt") && l.contains("no such file or directory")),
        "{err}"
    );
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(
        (s["planned"].as_u64(), s["failed"].as_u64()),
        (Some(1), Some(1))
    );
    // The help says the same.
    let help = fastio(&emu, home.path())
        .args(["upload", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("a PATH that cannot be read"), "{help}");
}

#[test]
fn a_short_stall_limit_does_not_mistake_the_assembly_long_poll_for_a_stall() {
    // The server holds `details?wait=` until the session changes (1.2 s a state here); with a
    // 1 s stall limit the client must not ask it to wait that long.
    let (emu, home, src) = upload_world(EmulatorConfig {
        assembly_delay: Duration::from_millis(1200),
        ..small_limits()
    });
    let d = src.path().join("asm");
    write(&d, "big.bin", 5 * MIB, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--stall-timeout", "1s", "--retries", "0"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_stored(&emu, &d, "asm");
}
