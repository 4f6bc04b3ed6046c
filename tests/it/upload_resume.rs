//! Resume: a run killed with SIGKILL in the middle of a large upload, then the same command
//! again, finishes and sends only the chunks the server did not have (the emulator counts every
//! accepted chunk per session and order).

use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};

fn chunks_accepted(emu: &fastio::emulator::RunningEmulator) -> u64 {
    emu.stats()["chunks"]
        .as_object()
        .map(|m| m.values().map(|v| v.as_u64().unwrap()).sum())
        .unwrap_or(0)
}

#[test]
fn kill_9_then_rerun_sends_only_missing_chunks() {
    let emu = throttled(15_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let file = write(src.path(), "big/video.bin", 40 * MIB, 42);
    write(src.path(), "big/small.txt", 100, 1);

    let mut child = fastio_std(&emu, home.path())
        .args(["upload", "--progress", "none"])
        .arg(src.path().join("big"))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(home.path().join("run1.err")).unwrap())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while chunks_accepted(&emu) < 8 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "upload never progressed"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill: {}",
            std::fs::read_to_string(home.path().join("run1.err")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Let the server finish any chunk it had fully received.
    std::thread::sleep(Duration::from_millis(300));
    let first = chunks_accepted(&emu);
    eprintln!("killed after {:?} with {first} chunks", t0.elapsed());
    assert!(first < 40, "killed mid-way ({first} of 40 chunks)");
    assert_eq!(
        journal_files(home.path()).len(),
        1,
        "journal left for the rerun"
    );

    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(src.path().join("big"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    eprintln!(
        "rerun done after {:?}: {:?}",
        t0.elapsed(),
        summary_of(&events)
    );
    let done: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "file_done" && e["remote_path"] == "big/video.bin")
        .collect();
    assert_eq!(done.len(), 1, "{events:?}");
    assert_eq!(done[0]["resumed"], true);
    assert_eq!(
        done[0]["sha256"],
        sha256_hex(&std::fs::read(&file).unwrap())
    );

    // One session; every order accepted exactly once over both runs.
    let stats = emu.stats();
    let orders = stats["chunk_orders"].as_object().unwrap();
    assert_eq!(orders.len(), 1, "one session across both runs: {orders:?}");
    let per_order = orders.values().next().unwrap().as_object().unwrap();
    assert_eq!(per_order.len(), 40);
    assert!(per_order.values().all(|n| n == 1), "{per_order:?}");
    let summary = summary_of(&events);
    assert_eq!(
        summary["bytes_sent"].as_u64().unwrap(),
        (40 - first) * MIB + if summary["uploaded"] == 2 { 100 } else { 0 },
        "{summary}"
    );

    assert_stored(&emu, &src.path().join("big"), "big");
    assert!(
        journal_files(home.path()).is_empty(),
        "journal removed after a clean run"
    );
}

#[test]
fn no_resume_ignores_the_journal() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "d/a.txt", 10, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--no-resume", "--progress", "none"])
        .arg(src.path().join("d"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(journal_files(home.path()).is_empty());
    assert_stored(&emu, &src.path().join("d"), "d");
}
