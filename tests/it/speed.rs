//! `--bwlimit`, `fastio bench` and the client's chunk sizes, end to end against the emulator.

use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;
use serde_json::Value;

/// Scratch folders `fastio bench` left at the workspace root.
fn bench_folders(emu: &fastio::emulator::RunningEmulator) -> Vec<String> {
    remote_folders(emu)
        .into_iter()
        .filter(|f| f.starts_with("fastio-bench-") && !f.contains('/'))
        .collect()
}

fn of_type<'a>(events: &'a [Value], t: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == t).collect()
}

/// A small transfer under `--bwlimit` cannot be faster than the cap allows (a loose lower bound,
/// not a tight timing); the summary names the cap.
#[test]
fn bwlimit_caps_the_total_upload_rate() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("capped");
    // One batched file and one chunked file: 7,242,880 bytes of bodies in all.
    write(&d, "small.bin", 2_000_000, 1);
    write(&d, "big.bin", 5 * MIB, 2);
    let t = Instant::now();
    let out = fastio(&emu, home.path())
        .args(["--bwlimit", "4M", "upload", "--json", "--progress", "none"])
        .arg(&d)
        .output()
        .unwrap();
    let took = t.elapsed();
    assert_exit(&out, 0);
    // 7.24 MB at 4 MB/s is 1.81 s; the bucket lets at most 50 ms ahead.
    assert!(took >= Duration::from_millis(1500), "{took:?}");
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(s["bwlimit"], 4_000_000, "{s}");
    assert_eq!(s["uploaded"], 2);
    assert_stored(&emu, &d, "capped");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--bwlimit 4.00 MB/s"), "{stderr}");
}

#[test]
fn bwlimit_comes_from_the_environment_and_bad_values_are_usage_errors() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("env");
    write(&d, "a.bin", 1000, 1);
    let out = fastio(&emu, home.path())
        .env("FASTIO_BWLIMIT", "512Ki")
        .args(["upload", "--json", "--progress", "none"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary_of(&ndjson(&out.stdout))["bwlimit"], 512 * 1024);

    for bad in ["fast", "0", "10X"] {
        let out = fastio(&emu, home.path())
            .args(["--bwlimit", bad, "upload"])
            .arg(&d)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--bwlimit"), "{stderr}");
    }
}

/// `bench --emulator --json`: a short sweep whose figures add up, through chunked sessions.
#[test]
fn bench_against_the_in_process_emulator_adds_up() {
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("fastio")
        .unwrap()
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(["--emulator", "bench", "--json", "--progress", "none"])
        .args(["--size", "5MiB", "--files", "2", "-j", "1,4"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let steps = of_type(&events, "bench_step");
    assert_eq!(steps.len(), 2, "{events:?}");
    for (s, c) in steps.iter().zip([1, 4]) {
        assert_eq!(s["concurrency"], c);
        assert_eq!(s["files"], 2);
        assert_eq!(s["failed"], 0);
        assert_eq!(s["bytes"], 2 * 5 * MIB, "{s}");
        // Per file at least: open, 3 chunks, complete, details, node details.
        assert!(s["requests"].as_u64().unwrap() >= 2 * 7, "{s}");
        let wall = s["wall_ms"].as_f64().unwrap() / 1000.0;
        let mbps = 2.0 * 5.0 * MIB as f64 / 1e6 / wall;
        let reported = s["mb_per_sec"].as_f64().unwrap();
        assert!((reported - mbps).abs() <= 0.05 * mbps + 0.01, "{s}");
    }
    let summary = of_type(&events, "bench_summary");
    assert_eq!(summary.len(), 1);
    let rec = summary[0]["recommended_concurrency"].as_u64().unwrap();
    assert!(rec == 1 || rec == 4, "{}", summary[0]);
    assert_eq!(summary[0]["interrupted"], false);
    assert!(summary[0]["cleanup_error"].is_null());
}

/// Small files through batches; every step's files are counted, the scratch folder is gone.
#[test]
fn bench_removes_its_scratch_folder() {
    let emu = emulator(EmulatorConfig::default());
    let home = tempfile::tempdir().unwrap();
    let out = fastio(&emu, home.path())
        .args(["--bwlimit", "100M", "bench", "--json", "--progress", "none"])
        .args(["--size", "4KiB", "--files", "120", "-j", "2,8"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let steps = of_type(&events, "bench_step");
    assert_eq!(steps.len(), 2);
    for s in &steps {
        assert_eq!(s["files"], 120);
        assert_eq!(s["bytes"], 120 * 4096);
    }
    assert_eq!(of_type(&events, "bench_summary")[0]["bwlimit"], 100_000_000);
    assert!(bench_folders(&emu).is_empty(), "{:?}", remote_folders(&emu));
    assert!(remote_tree(&emu).is_empty());
}

/// Ctrl-C in the middle of a step: the process exits 130 and the scratch folder is gone.
#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn bench_removes_its_scratch_folder_after_ctrl_c() {
    let emu = emulator(EmulatorConfig {
        latency_ms: 30,
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let mut child = fastio_std(&emu, home.path())
        .args(["bench", "--json", "--progress", "none"])
        .args(["--size", "5MiB", "--files", "40", "-j", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the scratch folder and a step's first file, then interrupt.
    let deadline = Instant::now() + Duration::from_secs(30);
    while emu.stats()["chunks"]
        .as_object()
        .is_none_or(|c| c.is_empty())
    {
        assert!(Instant::now() < deadline, "bench never started sending");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(bench_folders(&emu).len(), 1);
    assert!(crate::support::cmd::kill("-INT", child.id()));
    let deadline = Instant::now() + Duration::from_secs(40);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "bench did not stop after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(bench_folders(&emu).is_empty(), "{:?}", remote_folders(&emu));
}

/// Issue 10's chunk rule with a large reported `chunk_size`: the client picks equal chunks in
/// a multiple of three (all three connections busy to the end), within the `chunks` cap.
#[test]
fn large_chunk_size_gives_equal_chunks_in_rounds_of_three() {
    for (max_chunks, want) in [(550u32, [3u64, 3, 3]), (2, [2, 2, 2])] {
        let emu = emulator(EmulatorConfig {
            max_chunks,
            ..Default::default()
        });
        let home = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let d = src.path().join("big");
        write(&d, "five.bin", 5 * MIB, 1);
        write(&d, "nine.bin", 9 * MIB, 2);
        write(&d, "odd.bin", 7 * MIB + 12_345, 3);
        let out = fastio(&emu, home.path())
            .args(["upload", "--json", "--progress", "none"])
            .arg(&d)
            .output()
            .unwrap();
        assert_exit(&out, 0);
        assert_stored(&emu, &d, "big");
        let (per_session, stats) = chunks_per_session(&emu);
        assert_eq!(per_session, want, "max_chunks {max_chunks}: {stats}");
    }
}

/// The resume journal of a run that left work behind: small files get no `done` line under the
/// default skip rule (a rerun finds them by listing), every file does with `--overwrite`.
#[test]
fn small_files_are_journaled_only_under_overwrite() {
    for (overwrite, want_done) in [(false, 0usize), (true, 20)] {
        // Sessions cannot be opened: the long-named file (sent through one) fails, so the run
        // is not clean and a journal with done lines stays.
        let emu = emulator(EmulatorConfig {
            fault_routes: vec!["POST /upload=400".parse().unwrap()],
            ..Default::default()
        });
        let home = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let d = src.path().join("j");
        for i in 0..20u64 {
            write(&d, &format!("f{i}.txt"), 100 + i, i);
        }
        write(&d, &format!("{}.txt", "n".repeat(120)), 10, 99);
        let mut cmd = fastio(&emu, home.path());
        cmd.args(["upload", "--json", "--progress", "none"]);
        if overwrite {
            cmd.arg("--overwrite");
        }
        let out = cmd.arg(&d).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "overwrite {overwrite}");
        assert_eq!(summary_of(&ndjson(&out.stdout))["uploaded"], 20);
        // A journal with nothing in it is removed (issue 13); one with done lines stays.
        let journals = journal_files(home.path());
        let done: usize = journals
            .iter()
            .map(|j| {
                let text = std::fs::read_to_string(j).unwrap();
                text.lines().filter(|l| l.contains("\"done\"")).count()
            })
            .sum();
        assert_eq!(done, want_done, "overwrite {overwrite}: {journals:?}");
        assert_eq!(
            journals.len(),
            usize::from(want_done > 0),
            "overwrite {overwrite}"
        );
    }
}
