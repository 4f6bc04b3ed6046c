//! What a run prints: no ANSI and no bars when stderr is not a terminal, NDJSON events with a
//! schema version on stdout, and Ctrl-C: summary and exit 130.

use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn non_terminal_output_is_plain_without_escapes() {
    let emu = throttled(4_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("p");
    for i in 0..40 {
        write(&d, &format!("f{i}.txt"), 100, i);
    }
    write(&d, "big.bin", 6 * MIB, 1);
    let started = Instant::now();
    let out = fastio(&emu, home.path())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["upload"])
        .arg(&d)
        .arg(src.path().join("missing.txt"))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "ANSI escape in: {stderr:?}");
    assert!(!stderr.contains('\r'), "carriage return in: {stderr:?}");
    let status_lines = stderr
        .lines()
        .filter(|l| l.contains(" of ") && l.contains("files"))
        .count();
    assert!(
        status_lines as u64 <= secs / 10,
        "{status_lines} status lines in {secs}s: {stderr}"
    );
    let failures = stderr.lines().filter(|l| l.contains("failed `")).count();
    assert_eq!(failures, 1, "{stderr}");
    assert!(
        stderr.lines().last().unwrap().contains("uploaded 41 files"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "results go to stdout only with --json"
    );
}

#[test]
fn json_events_carry_schema_version_and_remote_details() {
    let (emu, home, src) = upload_world(small_limits());
    let a = write(src.path(), "j/a.txt", 12, 1);
    write(src.path(), "j/big.bin", 5 * MIB, 2);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "-q", "--to", "dest"])
        .arg(src.path().join("j"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "-q: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = ndjson(&out.stdout);
    let remote = remote_tree(&emu);
    for e in events.iter().filter(|e| e["type"] == "file_done") {
        assert_eq!(e["v"], 1);
        let path = e["remote_path"].as_str().unwrap();
        let stored = &remote[path];
        assert_eq!(e["node_id"], stored.id.as_str());
        assert_eq!(e["size"], stored.size);
        assert_eq!(e["sha256"], stored.sha256.as_str());
    }
    let a_done = events
        .iter()
        .find(|e| e["remote_path"] == "dest/j/a.txt")
        .unwrap();
    assert_eq!(a_done["sha256"], sha256_hex(&std::fs::read(a).unwrap()));
    assert_eq!(events.last().unwrap()["type"], "summary");
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn ctrl_c_stops_prints_the_summary_and_exits_130() {
    let emu = throttled(2_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "c/big.bin", 40 * MIB, 3);
    let child = spawn_piped(
        fastio_std(&emu, home.path())
            .args(["upload", "--json"])
            .arg(src.path().join("c")),
    );
    wait_until_sending(&emu);
    assert!(kill("-INT", child.id()));
    let sent = Instant::now();
    let out = child.wait_with_output().unwrap();
    let took = sent.elapsed();
    assert_eq!(out.status.code(), Some(130));
    assert!(took < Duration::from_secs(4), "took {took:?} to stop");
    let summary = summary_of(&ndjson(&out.stdout));
    assert_eq!(summary["interrupted"], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    // The journal stays for a resume.
    assert_eq!(journal_files(home.path()).len(), 1);
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn ctrl_c_while_waiting_for_more_paths_on_stdin_exits_130() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    write(src.path(), "one.txt", 3, 1);
    let mut child = spawn_piped(
        fastio_std(&emu, home.path())
            .current_dir(src.path())
            .args(["upload", "--files-from", "-", "--json"])
            .stdin(std::process::Stdio::piped()),
    );
    let mut stdin = child.stdin.take().unwrap();
    {
        use std::io::Write;
        writeln!(stdin, "one.txt").unwrap();
        stdin.flush().unwrap();
    }
    let t0 = Instant::now();
    while !remote_tree(&emu).contains_key("one.txt") {
        assert!(t0.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(50));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    // stdin stays open: the run must not wait for it.
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(130));
    let summary = summary_of(&ndjson(&out.stdout));
    assert_eq!(summary["uploaded"], 1);
    assert_eq!(summary["interrupted"], true);
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn a_second_ctrl_c_exits_at_once() {
    let emu = throttled(500_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "c2/big.bin", 30 * MIB, 4);
    let mut child = fastio_std(&emu, home.path())
        .args(["upload", "--progress", "none"])
        .arg(src.path().join("c2"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_sending(&emu);
    let int = |pid: u32| {
        std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .unwrap()
    };
    int(child.id());
    // Wait for the first one to be seen (its message), then press again.
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("interrupted") {
        use std::io::Read;
        let n = stderr.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "stderr closed before the first Ctrl-C was acknowledged"
        );
        seen.extend_from_slice(&buf[..n]);
    }
    let first = Instant::now();
    int(child.id());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let took = first.elapsed();
    {
        use std::io::Read;
        stderr.read_to_end(&mut seen).unwrap();
    }
    // The second signal cancels what is in flight at once; the run still ends on its main path
    // (summary, lock released when there is one) instead of calling exit from a task.
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("stopping requests in flight now"), "{text}");
    assert!(
        text.contains("interrupted (SIGINT): uploaded 0 files"),
        "{text}"
    );
    // Before the 1.5 s after which the first signal alone would have cancelled them.
    assert!(took < Duration::from_millis(1400), "{took:?}: {text}");
}

/// SIGTERM and SIGHUP are handled like Ctrl-C: the summary (every planned file accounted for),
/// the journal kept for a resume, and 128 + the signal's number.
#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn sigterm_and_sighup_stop_like_ctrl_c_with_their_exit_codes() {
    for (sig, code, name) in [("-TERM", 143, "SIGTERM"), ("-HUP", 129, "SIGHUP")] {
        let emu = throttled(2_000_000);
        let home = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        write(src.path(), "t/big.bin", 40 * MIB, 3);
        for i in 0..5 {
            write(src.path(), &format!("t/later/f{i}.txt"), 10, i);
        }
        let child = spawn_piped(
            fastio_std(&emu, home.path())
                .args(["upload", "--json"])
                .arg(src.path().join("t")),
        );
        wait_until_sending(&emu);
        assert!(kill(sig, child.id()));
        let sent = Instant::now();
        let out = child.wait_with_output().unwrap();
        let took = sent.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(
            took < Duration::from_secs(4),
            "{name}: took {took:?} to stop"
        );
        let summary = summary_of(&ndjson(&out.stdout));
        assert_eq!(summary["interrupted"], true);
        assert_eq!(summary["signal"], name);
        let n = |k: &str| summary[k].as_u64().unwrap();
        assert_eq!(
            n("uploaded") + n("skipped") + n("failed") + n("not_started"),
            n("planned"),
            "{summary}"
        );
        assert!(n("not_started") >= 1, "the big file: {summary}");
        assert!(
            stderr.contains(&format!("interrupted ({name}): uploaded")),
            "{stderr}"
        );
        assert_eq!(journal_files(home.path()).len(), 1, "kept for a resume");
    }
}

#[test]
fn a_long_non_terminal_run_prints_one_status_line_per_10_seconds() {
    // 12 MiB under `--bwlimit 1M` (a process-wide cap with a 50 ms burst): at least 12.5 s of
    // sending however fast the machine, so exactly one plain status line (at 10 s), no escapes.
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "slow/big.bin", 12 * MIB, 8);
    let started = Instant::now();
    let out = fastio(&emu, home.path())
        .args(["--bwlimit", "1M", "upload"])
        .arg(src.path().join("slow"))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(secs >= 12, "12 MiB under --bwlimit 1M in {secs}s: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    let status: Vec<&str> = stderr.lines().filter(|l| l.contains(" files, ")).collect();
    assert!(status.len() as u64 <= secs / 10, "{secs}s: {stderr}");
    assert!(
        !status.is_empty(),
        "{secs}s without a status line: {stderr}"
    );
    assert!(
        status[0].contains("of 1 files") && status[0].contains("MiB"),
        "{}",
        status[0]
    );
}
