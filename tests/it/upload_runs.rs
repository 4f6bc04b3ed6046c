//! A run as a whole: one run of the same upload at a time, resume that is off says so, no empty
//! journals left behind, every planned file accounted for when the run stops early, and no
//! upload session left on the server by a file that changed while it was sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, fake::*, tree::*};
use fastio::emulator::EmulatorConfig;
use serde_json::Value;

#[test]
fn a_second_run_of_the_same_upload_is_refused_while_the_first_runs() {
    let emu = throttled(2_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("job");
    write(&d, "big.bin", 12 * MIB, 1);
    for i in 0..20 {
        write(&d, &format!("f{i:02}.txt"), 100 + i, i);
    }
    let first = fastio_std(&emu, home.path())
        .args(["upload", "--json", "--to", "dst"])
        .arg(&d)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while emu.stats()["chunk_bytes"].as_u64().unwrap_or(0) == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "first run never sent"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let t = Instant::now();
    let second = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "dst"])
        .arg(&d)
        .output()
        .unwrap();
    let err = stderr_of(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(t.elapsed() < Duration::from_secs(5), "refused at once");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("is running") && err.contains("nothing was sent"),
        "{err}"
    );
    // Under --json the refusal is the one event: no file events, an `error`.
    let events = ndjson(&second.stdout);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "error");
    assert_eq!(events[0]["exit_code"], 1);

    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    assert_stored(&emu, &d, "dst/job");
    for name in ["big.bin", "f00.txt", "f19.txt"] {
        assert_eq!(versions_of(&emu, &format!("dst/job/{name}")), 1, "{name}");
    }
    // Once the first is over, the same command runs (and has nothing to do).
    let again = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "dst"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr_of(&again));
    assert_eq!(summary_of(&ndjson(&again.stdout))["skipped"], 21);
}

#[test]
fn an_unusable_state_directory_is_one_warning_and_the_upload_goes_on() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("w");
    for i in 0..3 {
        write(&d, &format!("f{i}.txt"), 10 + i, i);
    }
    // A file where the state directory should be: no journal can be created under it.
    let state = home.path().join("state-is-a-file");
    std::fs::write(&state, b"").unwrap();
    let out = fastio(&emu, home.path())
        .env("XDG_STATE_HOME", &state)
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    let (err, warning) = one_warning(&out);
    assert!(warning.contains("resume is off"), "{err}");
    let events = ndjson(&out.stdout);
    assert_eq!(
        events.iter().filter(|e| e["type"] == "warning").count(),
        1,
        "{events:?}"
    );
    assert_stored(&emu, &d, "w");
}

/// A run that exited 0 with exactly one `warning:` line on stderr: (stderr, that line).
fn one_warning(out: &std::process::Output) -> (String, String) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "once: {err}");
    let warning = warnings[0].to_string();
    (err, warning)
}

#[cfg(target_os = "linux")]
#[test]
fn a_journal_that_cannot_be_written_is_one_warning() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("full");
    for i in 0..30 {
        write(&d, &format!("s{}/f{i}.txt", i % 5), 10 + i, i);
    }
    // The journal this run will use, made a full disk.
    let key = fastio::transfer::journal::key(
        &[std::path::absolute(&d).unwrap().display().to_string()],
        &emu.workspace_id,
        "",
        emu.base_url.trim_end_matches('/'),
    );
    let dir = home.path().join("state").join("fastio").join("journal");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/dev/full", dir.join(format!("{key}.jsonl"))).unwrap();
    // `--overwrite`: every file gets a journal line (without it, small files need none).
    let out = fastio(&emu, home.path())
        .args(["upload", "--overwrite"])
        .arg(&d)
        .output()
        .unwrap();
    let (err, warning) = one_warning(&out);
    assert!(
        warning.contains("resume is off") && warning.contains("cannot be written"),
        "{err}"
    );
    assert_stored(&emu, &d, "full");
}

#[test]
fn failed_runs_leave_no_empty_journals_but_keep_useful_ones() {
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "one/a.txt", 5, 1);
    // Nothing could be done: the server drops every connection.
    let server = FakeServer::start(Duration::from_secs(20), |_| Reply::Hangup);
    for _ in 0..3 {
        let out = fastio_fake(&server, home.path())
            .args(["upload", "--retries", "0"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    }
    assert!(
        journal_files(home.path()).is_empty(),
        "{:?}",
        journal_files(home.path())
    );

    // One file done, one failed: the journal stays, and the rerun uses it (`--overwrite`, so
    // the small file is journaled: without it a rerun finds it by listing instead).
    let emu = emulator(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .args(["upload", "--overwrite", "--to", "x"])
        .arg(src.path().join("one/a.txt"))
        .arg(src.path().join("one/missing.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let journals = journal_files(home.path());
    assert_eq!(
        journals.len(),
        1,
        "a file was done: the journal stays for the rerun"
    );
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--overwrite", "--to", "x"])
        .arg(src.path().join("one/a.txt"))
        .arg(src.path().join("one/missing.txt"))
        .output()
        .unwrap();
    let events = ndjson(&out.stdout);
    let skipped: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "file_skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{events:?}");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("resume journal")
    );
    // The only file failed (locally): nothing journaled, nothing left.
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "y"])
        .arg(src.path().join("one/missing.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(journal_files(home.path()), journals, "no new journal");
}

#[test]
fn a_token_revoked_mid_run_leaves_no_file_unaccounted_for() {
    let emu = emulator(EmulatorConfig::default());
    let batches = Arc::new(AtomicU64::new(0));
    let revoked = Arc::new(AtomicBool::new(false));
    let (b, r) = (batches.clone(), revoked.clone());
    // After the first batch the token stops working, for every call (the check too).
    let p = proxy(&emu, move |_method, path| {
        if path.contains("/upload/batch") && b.fetch_add(1, Ordering::SeqCst) >= 1 {
            r.store(true, Ordering::SeqCst);
        }
        r.load(Ordering::SeqCst).then(|| {
            (
                401,
                r#"{"result":"no","error":{"code":10004,"text":"token revoked"}}"#.to_string(),
            )
        })
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("t");
    // 600 files in 40 folders: three batches of 200 (they fill across folders).
    for i in 0..600 {
        write(&d, &format!("k{:02}/f{i:03}.txt", i % 40), 10 + i, i);
    }
    let out = assert_cmd::Command::from_std(fastio_std_at(
        &p.base,
        &emu.api_key,
        &emu.workspace_id,
        home.path(),
    ))
    .args(["upload", "--json", "-j", "2"])
    .arg(&d)
    .output()
    .unwrap();
    let err = stderr_of(&out);
    assert!(
        revoked.load(Ordering::SeqCst),
        "the token was revoked mid-run"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stopping:"), "{err}");
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    eprintln!("{s}");
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(n("planned"), 600, "{s}");
    assert_eq!(
        n("uploaded") + n("skipped") + n("failed") + n("not_started"),
        600,
        "{s}"
    );
    assert!(n("uploaded") >= 1, "{s}");
    // Each file in exactly one outcome event.
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    for e in &events {
        let t = e["type"].as_str().unwrap();
        if matches!(
            t,
            "file_done" | "file_skipped" | "file_failed" | "file_not_started"
        ) {
            *seen
                .entry(e["local"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 600, "every file is mentioned: {seen:?}");
    assert!(seen.values().all(|&c| c == 1), "{seen:?}");
    let not_started = events
        .iter()
        .filter(|e| e["type"] == "file_not_started")
        .count() as u64;
    assert_eq!(not_started, n("not_started"));
    // The human summary says the same.
    let line = err.lines().last().unwrap();
    assert!(line.contains(&format!("failed {}", n("failed"))), "{line}");
}

#[test]
fn files_that_shrink_or_vanish_mid_upload_leave_no_session_behind() {
    let emu = throttled(1_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("live");
    let shrinks = write(&d, "shrinks.bin", 10 * MIB, 1);
    let vanishes = write(&d, "vanishes.bin", 10 * MIB, 2);
    write(&d, "steady.txt", 10, 3);
    let child = spawn_piped(
        fastio_std(&emu, home.path())
            .args(["upload", "--json", "-j", "4"])
            .arg(&d),
    );
    let t0 = Instant::now();
    while open_sessions(&emu).len() < 2 || emu.stats()["chunk_bytes"].as_u64().unwrap_or(0) == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "sessions never opened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::OpenOptions::new()
        .write(true)
        .open(&shrinks)
        .unwrap()
        .set_len(MIB / 2)
        .unwrap();
    std::fs::remove_file(&vanishes).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let events = ndjson(&out.stdout);
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "file_failed")
        .collect();
    assert_eq!(failed.len(), 2, "{events:?}");
    for f in &failed {
        let e = f["error"].as_str().unwrap();
        assert!(
            e.contains("changed while being sent")
                || e.contains("shrank")
                || e.to_lowercase().contains("no such file"),
            "a local cause, not the network: {e}"
        );
    }
    let tree = remote_tree(&emu);
    assert!(tree.contains_key("live/steady.txt"));
    assert!(!tree.contains_key("live/shrinks.bin") && !tree.contains_key("live/vanishes.bin"));
    assert_eq!(
        open_sessions(&emu),
        Vec::<Value>::new(),
        "no session left open"
    );
}
