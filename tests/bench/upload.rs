//! Upload benchmarks against the in-process emulator over loopback. Not timed tests: each prints
//! its figures. Run with
//! `cargo test --release --test bench -- --ignored --nocapture --test-threads 1`.
//! (`BENCH_C_FILES` shrinks benchmark (c), default 200 files.)

use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

fn run_upload(
    emu: &fastio::emulator::RunningEmulator,
    dir: &std::path::Path,
    extra: &[&str],
) -> (Duration, serde_json::Value) {
    let home = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let out = fastio(emu, home.path())
        .args(["upload", "--json", "--progress", "none", "--no-resume"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    let took = t.elapsed();
    assert_exit(&out, 0);
    (took, summary_of(&ndjson(&out.stdout)))
}

#[test]
#[ignore]
fn bench_a_2000_small_files_latency_20ms() {
    let emu = emulator(EmulatorConfig {
        latency_ms: 20,
        ..Default::default()
    });
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("small");
    for i in 0..2000u64 {
        write(&d, &format!("d{}/f{i:04}.bin", i % 20), 4096, i);
    }
    let (took, s) = run_upload(&emu, &d, &["--concurrency", "16"]);
    let requests = emu.stats()["requests_total"].as_u64().unwrap();
    println!(
        "(a) 2,000 x 4 KiB, latency 20 ms, --concurrency 16: {:.2} s wall (process), {} ms in run, {requests} requests; floor 2.50 s; uploaded {}",
        took.as_secs_f64(),
        s["wall_ms"],
        s["uploaded"]
    );
}

#[test]
#[ignore]
fn bench_b_1gib_parallel_chunks_vs_sequential() {
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("one");
    write(&d, "big.bin", 1 << 30, 5);
    let config = || EmulatorConfig {
        bandwidth_per_conn: Some(50_000_000),
        ..Default::default()
    };
    let emu = emulator(config());
    let (seq, _) = run_upload(&emu, &d, &["--concurrency", "1"]);
    drop(emu);
    let emu = emulator(config());
    let (par, s) = run_upload(&emu, &d, &["--concurrency", "8"]);
    println!(
        "(b) 1 GiB, 50 MB/s per connection: sequential (--concurrency 1) {:.2} s, parallel (--concurrency 8) {:.2} s, speed-up {:.2}x; chunks {}",
        seq.as_secs_f64(),
        par.as_secs_f64(),
        seq.as_secs_f64() / par.as_secs_f64(),
        emu.stats()["chunks"]
    );
    assert_eq!(s["uploaded"], 1);
}

#[test]
#[ignore]
fn bench_c_rate_limited_200_files_of_5mib() {
    let files: u64 = std::env::var("BENCH_C_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let emu = emulator(EmulatorConfig {
        rate_limit: 20.0,
        ..Default::default()
    });
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("rl");
    for i in 0..files {
        write(&d, &format!("f{i:03}.bin",), 5 * MIB, i);
    }
    let (took, s) = run_upload(&emu, &d, &["--concurrency", "8"]);
    let stats = emu.stats();
    let requests = stats["requests_total"].as_u64().unwrap();
    let limited = stats["rate_limited"].as_u64().unwrap();
    let ideal = requests as f64 / 20.0;
    println!(
        "(c) rate limit 20/s, {files} x 5 MiB: {:.2} s for {requests} requests (ideal {ideal:.2} s, ratio {:.3}); {limited} answered 429 ({:.2}%); client saw {} throttles",
        took.as_secs_f64(),
        took.as_secs_f64() / ideal,
        100.0 * limited as f64 / requests as f64,
        s["throttled"]
    );
}

#[test]
#[ignore]
fn bench_d_peak_rss_100k_empty_files() {
    let emu = emulator(EmulatorConfig::default());
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("many");
    for i in 0..100_000u64 {
        let p = d.join(format!("d{:03}", i % 500));
        if i < 500 {
            std::fs::create_dir_all(&p).unwrap();
        }
        std::fs::File::create(p.join(format!("e{i}"))).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut cmd = std::process::Command::new("/usr/bin/time");
    let inner = fastio_std(&emu, home.path());
    cmd.arg("-v").arg(inner.get_program());
    cmd.env_clear();
    cmd.envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    cmd.args([
        "upload",
        "--progress",
        "none",
        "--no-resume",
        "--concurrency",
        "8",
    ])
    .arg(&d);
    let out = cmd.output().unwrap();
    let took = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss_kb: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    println!(
        "(d) 100,000 empty files: peak RSS {:.1} MiB, {:.1} s, exit {:?}; last line: {}",
        rss_kb as f64 / 1024.0,
        took.as_secs_f64(),
        out.status.code(),
        stderr
            .lines()
            .find(|l| l.contains("uploaded"))
            .unwrap_or("")
    );
}
