//! Past one run and one machine (issue 22): `upload --watch` keeps uploading what appears or
//! changes, and `--shard auto` reads the job runner's index and count. Every test drives the
//! binary against the emulator and waits on its events or on what the server stored.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Child;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(60);

/// `fastio upload --json --watch ARGS DIR` in the background: the child and its NDJSON events
/// as they come.
fn spawn_watch(
    emu: &RunningEmulator,
    home: &Path,
    dir: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (Child, Receiver<Value>) {
    let mut cmd = fastio_std(emu, home);
    cmd.args(["upload", "--json", "--watch", "--to", "in"])
        .args(args)
        .arg(dir)
        .envs(envs.iter().copied());
    let mut child = spawn_piped(&mut cmd);
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                let _ = tx.send(v);
            }
        }
    });
    (child, rx)
}

/// The next event of `kind` (others are passed over), within [`PATIENCE`].
fn next_of(rx: &Receiver<Value>, kind: &str) -> Value {
    let t0 = Instant::now();
    loop {
        let left = PATIENCE.saturating_sub(t0.elapsed());
        let v = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no `{kind}` event within {PATIENCE:?}"));
        if v["type"] == kind {
            return v;
        }
    }
}

/// Wait ([`PATIENCE`] at most) until `ok` holds for what the server stores.
fn until_stored(emu: &RunningEmulator, what: &str, ok: impl Fn(&RunningEmulator) -> bool) {
    wait_until(emu, &format!("{what} stored"), PATIENCE, ok);
}

/// SIGTERM, then the exit code and the final summary.
fn stop(mut child: Child, rx: &Receiver<Value>) -> (Option<i32>, Value) {
    assert!(kill("-TERM", child.id()));
    let summary = next_of(rx, "summary");
    let status = child.wait().unwrap();
    (status.code(), summary)
}

#[test]
fn files_appearing_and_changing_while_watching_are_stored_and_sigterm_sums_up() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let inbox = src.path().join("inbox");
    write(&inbox, "a.txt", 100, 1);
    let (child, rx) = spawn_watch(&emu, home.path(), &inbox, &["--settle", "200ms"], &[]);
    next_of(&rx, "watching");
    assert!(remote_tree(&emu).contains_key("in/inbox/a.txt"));

    let b = write(&inbox, "b.txt", 5000, 2);
    write(&inbox, "sub/deeper/c.txt", 70, 3);
    until_stored(&emu, "b and c", |e| {
        let r = remote_tree(e);
        r.contains_key("in/inbox/b.txt") && r.contains_key("in/inbox/sub/deeper/c.txt")
    });
    // Rewritten after its upload: uploaded again.
    std::fs::write(&b, b"a new, shorter b").unwrap();
    until_stored(&emu, "b again", |e| versions_of(e, "in/inbox/b.txt") == 2);
    assert_stored_bytes(&emu, &inbox, "in/inbox");

    let (code, summary) = stop(child, &rx);
    assert_eq!(code, Some(143), "{summary}");
    assert_eq!(summary["uploaded"], 4, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["signal"], "SIGTERM", "{summary}");
}

#[test]
fn a_file_written_slowly_is_stored_once_and_whole() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let inbox = src.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let (child, rx) = spawn_watch(&emu, home.path(), &inbox, &["--settle", "1s"], &[]);
    next_of(&rx, "watching");
    // A slow writer: five pieces, 300 ms apart (each write starts the settling again).
    let data = content(50_000, 7);
    let path = inbox.join("slow.bin");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        for piece in data.chunks(10_000) {
            f.write_all(piece).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    until_stored(&emu, "slow.bin", |e| {
        remote_tree(e).contains_key("in/inbox/slow.bin")
    });
    let done = next_of(&rx, "file_done");
    assert_eq!(done["size"], 50_000, "{done}");
    let (code, summary) = stop(child, &rx);
    assert_eq!(code, Some(143));
    assert_eq!(summary["uploaded"], 1, "never half a file: {summary}");
    assert_eq!(versions_of(&emu, "in/inbox/slow.bin"), 1);
    assert_eq!(
        remote_tree_read(&emu)["in/inbox/slow.bin"].sha256,
        sha256_hex(&data)
    );
}

#[test]
fn a_rescan_finds_a_file_no_notification_told_of() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let inbox = src.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let (child, rx) = spawn_watch(
        &emu,
        home.path(),
        &inbox,
        &["--settle", "100ms", "--rescan", "1s"],
        &[("FASTIO_TEST_DROP_WATCH_EVENTS", "1")],
    );
    next_of(&rx, "watching");
    write(&inbox, "missed.txt", 300, 4);
    until_stored(&emu, "missed.txt", |e| {
        remote_tree(e).contains_key("in/inbox/missed.txt")
    });
    let (code, summary) = stop(child, &rx);
    assert_eq!(code, Some(143));
    assert_eq!(summary["uploaded"], 1, "{summary}");
}

#[test]
fn an_emulator_restarted_mid_watch_loses_no_file() {
    let data = tempfile::tempdir().unwrap();
    let config = |listen| EmulatorConfig {
        listen,
        data_dir: Some(data.path().to_path_buf()),
        api_keys: vec!["fio_watch_restart_key".into()],
        ..Default::default()
    };
    let first = emulator(config("127.0.0.1:0".parse().unwrap()));
    let addr = first.addr;
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let inbox = src.path().join("inbox");
    write(&inbox, "before.txt", 10, 1);
    let (child, rx) = spawn_watch(
        &first,
        home.path(),
        &inbox,
        &["--settle", "100ms", "--retries", "1"],
        &[],
    );
    next_of(&rx, "watching");
    drop(first);

    // The server is gone: the new file waits, and the watch says so once per pause.
    write(&inbox, "during.txt", 20, 2);
    let warning = next_of(&rx, "warning");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{warning}"
    );
    let second = emulator(config(addr));
    until_stored(&second, "during.txt", |e| {
        remote_tree(e).contains_key("in/inbox/during.txt")
    });
    let (code, summary) = stop(child, &rx);
    assert_eq!(code, Some(143), "{summary}");
    assert_eq!(summary["uploaded"], 2, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_stored_bytes(&second, &inbox, "in/inbox");
}

/// Each runner's variables for worker `i` of 3.
fn runner_vars(runner: &str, i: u32) -> Vec<(&'static str, String)> {
    match runner {
        "gitlab" => vec![
            ("CI_NODE_INDEX", (i + 1).to_string()),
            ("CI_NODE_TOTAL", "3".into()),
        ],
        "circleci" => vec![
            ("CIRCLE_NODE_INDEX", i.to_string()),
            ("CIRCLE_NODE_TOTAL", "3".into()),
        ],
        "buildkite" => vec![
            ("BUILDKITE_PARALLEL_JOB", i.to_string()),
            ("BUILDKITE_PARALLEL_JOB_COUNT", "3".into()),
        ],
        "kubernetes" => vec![("JOB_COMPLETION_INDEX", i.to_string())],
        _ => vec![("FASTIO_SHARD", format!("{}/3", i + 1))],
    }
}

#[test]
fn shard_auto_splits_a_tree_by_each_runners_variables() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    for i in 0..60u64 {
        write(
            src.path(),
            &format!("tree/d{}/f{i:02}.txt", i % 4),
            30 + i,
            i,
        );
    }
    for runner in ["gitlab", "circleci", "buildkite", "kubernetes", "fastio"] {
        let shard = if runner == "kubernetes" {
            "auto/3"
        } else {
            "auto"
        };
        let mut planned = 0;
        for i in 0..3 {
            let out = fastio(&emu, home.path())
                .args(["upload", "--json", "--no-resume", "--shard", shard])
                .args(["--to", runner])
                .arg(src.path().join("tree"))
                .envs(runner_vars(runner, i))
                .output()
                .unwrap();
            assert_exit(&out, 0);
            let s = summary_of(&ndjson(&out.stdout));
            assert_eq!(s["shard"], format!("{}/3", i + 1), "{runner}: {s}");
            assert!(s["shard_from"].is_string(), "{s}");
            assert!(s["uploaded"].as_u64().unwrap() > 0, "{runner}: {s}");
            planned += s["planned"].as_u64().unwrap();
        }
        // Disjoint (each file planned by one worker, stored once) and whole.
        assert_eq!(planned, 60, "{runner}");
        assert_stored(&emu, &src.path().join("tree"), &format!("{runner}/tree"));
        assert_eq!(versions_of(&emu, &format!("{runner}/tree/d1/f05.txt")), 1);
    }
}

#[test]
fn shard_auto_without_a_runner_is_a_usage_error_naming_what_it_looked_for() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    write(src.path(), "tree/a.txt", 10, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--shard", "auto"])
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = stderr_of(&out);
    assert!(
        err.contains("CI_NODE_INDEX") && err.contains("JOB_COMPLETION_INDEX"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A Kubernetes index without the count: the count is asked for.
    let out = fastio(&emu, home.path())
        .args(["upload", "--shard", "auto"])
        .arg(src.path().join("tree"))
        .env("JOB_COMPLETION_INDEX", "0")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(stderr_of(&out).contains("auto/N"), "{}", stderr_of(&out));
    assert_eq!(requests_matching(&emu, "/upload"), 0, "nothing was sent");
}
