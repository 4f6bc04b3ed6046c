//! Issue 20, "one clear line when the server or the target is wrong": each mistake a new user
//! makes (a destination that is a file, a wrong workspace id, a refused batch, a server that
//! is not the API, a wrong or unreachable `--api-base`) ends with at most two lines on stderr
//! besides the summary, the README's exit code, and (where something could be written) a
//! server left as it was.

use std::time::Duration;

use crate::support::{cmd::*, emulator::*, fake::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};

/// The stderr lines of a run, without the closing summary (`fastio: uploaded …`).
fn lines_but_summary(out: &std::process::Output) -> Vec<String> {
    stderr_of(out)
        .lines()
        .filter(|l| !l.starts_with("fastio: uploaded "))
        .map(str::to_string)
        .collect()
}

/// Assert the run exited with `code` and said at most two lines besides the summary; those
/// lines.
fn brief(out: &std::process::Output, code: i32) -> Vec<String> {
    assert_exit(out, code);
    let lines = lines_but_summary(out);
    assert!(
        !lines.is_empty() && lines.len() <= 2,
        "{} lines: {}",
        lines.len(),
        stderr_of(out)
    );
    lines
}

/// A tree of `n` small files in `folders` folders under `root/t`.
fn small_tree(root: &std::path::Path, n: u64, folders: u64) -> std::path::PathBuf {
    for i in 0..n {
        write(root, &format!("t/d{}/f{i}.txt", i % folders), 10, i);
    }
    root.join("t")
}

/// What the server holds: files and folders (paths).
fn holdings(emu: &RunningEmulator) -> (Vec<String>, Vec<String>) {
    (remote_tree(emu).into_keys().collect(), remote_folders(emu))
}

#[test]
fn a_destination_that_is_a_file_is_refused_before_anything_is_written() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let b = write(src.path(), "b.txt", 5, 1);
    assert_exit(
        &fastio(&emu, home.path())
            .arg("upload")
            .arg(&b)
            .output()
            .unwrap(),
        0,
    );
    let tree = small_tree(src.path(), 20, 4);
    let before = holdings(&emu);
    let creates = || requests_matching(&emu, "createfolder");
    let batches = || requests_matching(&emu, "/upload/batch");
    let (created, batched) = (creates(), batches());
    for to in ["b.txt", "b.txt/sub", "/b.txt/"] {
        for dry in [false, true] {
            let mut cmd = fastio(&emu, home.path());
            cmd.args(["upload", "--to", to]).arg(&tree);
            if dry {
                cmd.arg("--dry-run");
            }
            let out = cmd.output().unwrap();
            let lines = brief(&out, 2);
            assert_eq!(lines.len(), 1, "{lines:?}");
            assert!(
                lines[0].contains("`b.txt` is a file on the server, not a folder"),
                "{lines:?}"
            );
        }
    }
    assert_eq!(holdings(&emu), before, "the server is unchanged");
    assert_eq!(creates(), created, "no folder was asked for");
    assert_eq!(batches(), batched, "no file was sent");
}

#[test]
fn a_wrong_all_digits_workspace_is_one_line_and_exit_4() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let tree = small_tree(src.path(), 30, 3);
    let wrong = |args: &[&str]| {
        let mut cmd = fastio_std_at(&emu.base_url, &emu.api_key, "12345", home.path());
        cmd.args(args);
        cmd
    };
    for extra in [vec![], vec!["--to", "x/y"], vec!["--dry-run"]] {
        let out = wrong(&["upload"]).args(&extra).arg(&tree).output().unwrap();
        let lines = brief(&out, 4);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("workspace `12345` not found")),
            "{extra:?}: {lines:?}"
        );
    }
    // Standard input too.
    let mut cmd = wrong(&["upload", "-", "--name", "a.txt"]);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"hello").unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = brief(&out, 4);
    assert!(
        lines[0].contains("workspace `12345` not found"),
        "{lines:?}"
    );
    assert!(remote_tree(&emu).is_empty());
}

#[test]
fn a_refused_batch_stops_the_run_after_the_first_one() {
    let emu = emulator(EmulatorConfig {
        fault_routes: vec!["POST /upload/batch=403".parse().unwrap()],
        ..Default::default()
    });
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let tree = small_tree(src.path(), 500, 5);
    let out = fastio(&emu, home.path())
        .args(["upload", "--concurrency", "2"])
        .arg(&tree)
        .output()
        .unwrap();
    let lines = brief(&out, 3);
    assert!(lines[0].contains("stopping:"), "{lines:?}");
    assert!(
        lines[0].contains("refused permission (HTTP 403)"),
        "{lines:?}"
    );
    let batches = requests_matching(&emu, "/upload/batch");
    assert!(batches <= 2, "{batches} batch requests");
    assert!(remote_tree(&emu).is_empty());
    // `-v` lists every file.
    let out = fastio(&emu, home.path())
        .args(["upload", "-v", "--concurrency", "2"])
        .arg(&tree)
        .output()
        .unwrap();
    assert_exit(&out, 3);
    assert!(stderr_of(&out).matches("fastio: failed `").count() >= 200);
}

/// An HTML page for every GET, 501 for every POST: what a plain web server answers.
fn plain_web_server() -> FakeServer {
    FakeServer::start(Duration::from_secs(60), |r| {
        let page = b"<!DOCTYPE html><html><body>Not Found</body></html>";
        let status = if r.method == "GET" { 404 } else { 501 };
        Reply::raw(http_response(
            status,
            &[("content-type", "text/html")],
            page,
        ))
    })
}

#[test]
fn a_server_that_is_not_the_api_is_one_line_and_exit_4() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let tree = small_tree(src.path(), 12, 3);
    // The emulator without `/current`: "no such route" everywhere.
    let bare = emu.base_url.trim_end_matches("/current").to_string();
    let web = plain_web_server();
    for (base, what) in [
        (bare.as_str(), "should end in /current"),
        (&web.base, "HTML page"),
    ] {
        for ws in [emu.workspace_id.as_str(), "default"] {
            for extra in [vec![], vec!["--to", "a/b"]] {
                let out = assert_cmd::Command::from_std(fastio_std_at(
                    base,
                    &emu.api_key,
                    ws,
                    home.path(),
                ))
                .arg("upload")
                .args(&extra)
                .arg(&tree)
                .output()
                .unwrap();
                let lines = brief(&out, 4);
                assert_eq!(lines.len(), 1, "{lines:?}");
                assert!(lines[0].contains("not the Fast.io API"), "{lines:?}");
                assert!(lines[0].contains("--api-base"), "{lines:?}");
                assert!(lines[0].contains(what), "{lines:?}");
            }
        }
    }
    assert!(remote_tree(&emu).is_empty());
    assert!(
        web.requests().iter().all(|r| r.method == "GET"),
        "nothing was posted to the web server"
    );
}

#[test]
fn an_api_base_that_is_not_an_http_url_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "a.txt", 5, 1);
    for base in ["ftp://x", "api.fast.io", "api.fast.io/current"] {
        let out = assert_cmd::Command::from_std(fastio_std_at(
            base,
            FAKE_KEY,
            FAKE_WORKSPACE,
            home.path(),
        ))
        .arg("upload")
        .arg(&f)
        .output()
        .unwrap();
        let lines = brief(&out, 2);
        assert!(
            lines[0].contains(base) && lines[0].contains("FASTIO_API_BASE"),
            "{lines:?}"
        );
        let out = assert_cmd::Command::from_std(crate::support::cmd::hermetic(
            home.path(),
            Keyring::Isolated,
        ))
        .env("FASTIO_API_KEY", FAKE_KEY)
        .args(["--api-base", base, "doctor", "--workspace", "1"])
        .output()
        .unwrap();
        let lines = brief(&out, 2);
        assert!(lines[0].contains("--api-base"), "{lines:?}");
    }
}

#[test]
fn an_unreachable_server_is_one_line_naming_host_and_port() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/current");
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let tree = small_tree(src.path(), 5, 2);
    let run = |extra: &[&str]| {
        assert_cmd::Command::from_std(fastio_std_at(&base, FAKE_KEY, FAKE_WORKSPACE, home.path()))
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["upload", "--retries", "0", tree.to_str().unwrap()]);
    let lines = brief(&out, 4);
    let at = format!("cannot connect to 127.0.0.1:{port}");
    assert!(
        lines[0].contains(&at) && lines[0].contains("--api-base"),
        "{lines:?}"
    );
    assert!(!lines[0].contains("tcp connect error"), "{lines:?}");
    // The HTTP library's chain with -v.
    let out = run(&["upload", "-v", "--retries", "0", tree.to_str().unwrap()]);
    assert_exit(&out, 4);
    assert!(
        stderr_of(&out).contains("tcp connect error"),
        "{}",
        stderr_of(&out)
    );

    // doctor: one FAIL row, the others not run because of it.
    let out = run(&["doctor", "--json"]);
    assert_exit(&out, 1);
    let checks: Vec<serde_json::Value> = ndjson(&out.stdout)
        .into_iter()
        .filter(|c| c["type"] == "check")
        .collect();
    let failed: Vec<_> = checks.iter().filter(|c| c["result"] == "fail").collect();
    assert_eq!(failed.len(), 1, "{checks:?}");
    assert_eq!(failed[0]["name"], "credential");
    assert!(
        failed[0]["detail"].as_str().unwrap().contains(&at),
        "{failed:?}"
    );
    for c in checks.iter().filter(|c| c["name"] != "credential") {
        assert_eq!(c["result"], "skip", "{c}");
        assert!(c["detail"].as_str().unwrap().starts_with("not run"), "{c}");
    }
}
