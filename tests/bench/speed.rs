//! Speed at the physical floor (issue 10): each benchmark prints its figure next to its floor
//! measured or computed in the same run. Benchmarks, not timed tests. Run (release, data on a
//! RAM disk so the disk is not what is measured):
//!
//! ```sh
//! TMPDIR=/dev/shm cargo test --release --test bench -- --ignored --nocapture --test-threads 1
//! ```
//!
//! `BENCH_F_FILES` shrinks benchmark (f) (default 1,000,000 files).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::Value;

/// `fastio bench --json ARGS` against `emu`: its one step.
fn bench_step(emu: &RunningEmulator, global: &[&str], args: &[&str]) -> Value {
    let home = tempfile::tempdir().unwrap();
    let out = fastio(emu, home.path())
        .args(global)
        .args(["bench", "--json", "--progress", "none"])
        .args(args)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let step = events
        .iter()
        .find(|e| e["type"] == "bench_step")
        .cloned()
        .expect("a step");
    assert_eq!(step["failed"], 0, "{step}");
    step
}

fn secs(step: &Value) -> f64 {
    step["wall_ms"].as_f64().unwrap() / 1000.0
}

#[test]
#[ignore]
fn bench_a_one_1gib_file_at_50mb_per_connection() {
    let emu = emulator(EmulatorConfig {
        bandwidth_per_conn: Some(50_000_000),
        latency_ms: 20,
        ..Default::default()
    });
    let size = 1u64 << 30;
    let s = bench_step(&emu, &[], &["--size", "1GiB", "--files", "1", "-j", "8"]);
    let floor = size as f64 / (3.0 * 50e6);
    println!(
        "(a) 1 GiB, --bandwidth-per-conn 50MB --latency-ms 20, -j 8: {:.2} s; floor size / (3 x 50 MB/s) = {floor:.2} s; ratio {:.3} (target <= 1.15); {} requests, {} chunks",
        secs(&s),
        secs(&s) / floor,
        s["requests"],
        emu.stats()["chunk_bytes"]
    );
}

/// The emulator's own ingest of `files` chunked files of `size` bytes (3 chunks each, `in_flight`
/// chunk requests at once, hashes sent as the client sends them), no latency: the byte floor.
async fn ingest_alone(emu: &RunningEmulator, files: usize, size: usize, in_flight: usize) -> f64 {
    use reqwest::multipart::{Form, Part};
    use sha2::{Digest, Sha256};
    let chunk = size.div_ceil(3).next_multiple_of(64 << 10);
    let data = bytes::Bytes::from(content(size as u64, 9));
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let mut work = Vec::new();
    for f in 0..files {
        let (_, v) =
            crate::support::wire::create_session(emu, &format!("alone{f}.bin"), size, &[]).await;
        let id = v["id"].as_str().unwrap().to_string();
        for order in 1..=size.div_ceil(chunk) {
            let piece = data.slice((order - 1) * chunk..(order * chunk).min(size));
            let sha = hex::encode(Sha256::digest(&piece));
            work.push((id.clone(), order, piece, sha));
        }
    }
    let work = Arc::new(std::sync::Mutex::new(work));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..in_flight {
        let (c, base, key, work) = (
            c.clone(),
            emu.base_url.clone(),
            emu.api_key.clone(),
            work.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let Some((id, order, piece, sha)) = work.lock().unwrap().pop() else {
                    break;
                };
                let len = piece.len();
                let part = Part::stream_with_length(reqwest::Body::from(piece), len as u64)
                    .file_name("chunk.bin");
                let form = Form::new()
                    .text("hash", sha)
                    .text("hash_algo", "sha256")
                    .part("chunk", part);
                let r = c
                    .post(format!(
                        "{base}/upload/{id}/chunk/?order={order}&size={len}"
                    ))
                    .bearer_auth(&key)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed().as_secs_f64()
}

#[test]
#[ignore]
fn bench_b_200_files_of_5mib_latency_20ms() {
    // The byte floor first, on an emulator of its own without latency.
    let alone = emulator(EmulatorConfig::default());
    let byte_floor = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(ingest_alone(&alone, 200, 5 << 20, 16));
    drop(alone);
    let emu = emulator(EmulatorConfig {
        latency_ms: 20,
        ..Default::default()
    });
    let s = bench_step(&emu, &[], &["--size", "5MiB", "--files", "200", "-j", "16"]);
    let requests = s["requests"].as_f64().unwrap();
    let request_floor = requests * 0.020 / 16.0;
    println!(
        "(b) 200 x 5 MiB, --latency-ms 20, -j 16: {:.2} s, {requests} requests; request floor {requests} x 20 ms / 16 = {request_floor:.2} s; byte floor (emulator ingest alone, 16 in flight) {byte_floor:.2} s; ratio to the larger floor {:.2}, to their sum {:.2}",
        secs(&s),
        secs(&s) / request_floor.max(byte_floor),
        secs(&s) / (request_floor + byte_floor)
    );
}

#[test]
#[ignore]
fn bench_c_2000_files_of_4kib_latency_20ms() {
    let emu = emulator(EmulatorConfig {
        latency_ms: 20,
        ..Default::default()
    });
    let s = bench_step(
        &emu,
        &[],
        &["--size", "4KiB", "--files", "2000", "-j", "16"],
    );
    let requests = s["requests"].as_f64().unwrap();
    println!(
        "(c) 2,000 x 4 KiB, --latency-ms 20, -j 16: {:.2} s, {requests} requests; request floor {requests} x 20 ms / 16 = {:.2} s; one request per file would be 2,000 x 20 ms / 16 = 2.50 s",
        secs(&s),
        requests * 0.020 / 16.0
    );
}

#[test]
#[ignore]
fn bench_d_four_processes_one_key_rate_limit_20() {
    let emu = emulator(EmulatorConfig {
        rate_limit: 20.0,
        ..Default::default()
    });
    let src = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for p in 0..4u64 {
        let d = src.path().join(format!("p{p}"));
        for i in 0..30u64 {
            write(&d, &format!("f{i:02}.bin"), 5 * MIB, p * 100 + i);
        }
        dirs.push(d);
    }
    let homes: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let started = Instant::now();
    let children: Vec<_> = dirs
        .iter()
        .zip(&homes)
        .map(|(d, h)| {
            fastio_std(&emu, h.path())
                .args([
                    "upload",
                    "--progress",
                    "none",
                    "--json",
                    "--concurrency",
                    "8",
                ])
                .arg(d)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut uploaded = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_exit(&out, 0);
        uploaded += summary_of(&ndjson(&out.stdout))["uploaded"]
            .as_u64()
            .unwrap();
    }
    let wall = started.elapsed().as_secs_f64();
    let stats = emu.stats();
    let requests = stats["requests_total"].as_u64().unwrap();
    let limited = stats["rate_limited"].as_u64().unwrap();
    let stored = remote_tree(&emu).len();
    let floor = requests as f64 / 20.0;
    println!(
        "(d) 4 processes x 30 x 5 MiB, one key, --rate-limit 20: {wall:.2} s for {requests} requests; floor requests / 20 per s = {floor:.2} s; ratio {:.3} (target <= 1.1); {limited} answered 429 ({:.2}%, target <= 5%); {uploaded} uploaded, {stored} stored of 120",
        wall / floor,
        100.0 * limited as f64 / requests as f64
    );
}

#[test]
#[ignore]
fn bench_e_bwlimit_8m_on_100mb() {
    let emu = emulator(EmulatorConfig::default());
    let s = bench_step(
        &emu,
        &["--bwlimit", "8M"],
        &["--size", "100MB", "--files", "1", "-j", "8"],
    );
    println!(
        "(e) --bwlimit 8M, 100 MB (one file, -j 8): {:.2} s; expected 100 MB / 8 MB/s = 12.50 s; ratio {:.3} (target 0.9..1.1); {:.2} MB/s",
        secs(&s),
        secs(&s) / 12.5,
        s["mb_per_sec"]
    );
}

#[test]
#[ignore]
fn bench_e2_bwlimit_8m_over_20s_many_files() {
    // The issue's ±10% over a 20 s run, across many connections: 160 MB in 40 files of 4 MB.
    let emu = emulator(EmulatorConfig::default());
    let s = bench_step(
        &emu,
        &["--bwlimit", "8M"],
        &["--size", "4MB", "--files", "40", "-j", "16"],
    );
    println!(
        "(e2) --bwlimit 8M, 40 x 4 MB at -j 16: {:.2} s; expected 160 MB / 8 MB/s = 20.00 s; ratio {:.3}",
        secs(&s),
        secs(&s) / 20.0
    );
}

/// Peak RSS (kB) of a finished child, from `/proc/self` of the waiter: `getrusage` children.
#[cfg(unix)]
fn children_max_rss_kb() -> u64 {
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru.ru_maxrss as u64
    }
}

/// No `getrusage` off Unix: the benchmark reports 0 kB there.
#[cfg(not(unix))]
fn children_max_rss_kb() -> u64 {
    0
}

#[test]
#[ignore]
fn bench_f_a_million_tiny_files() {
    let n: u64 = std::env::var("BENCH_F_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let emu = emulator(EmulatorConfig::default());
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("many");
    let t = Instant::now();
    for i in 0..n {
        let p = d.join(format!("d{:04}", i % 1000));
        if i < 1000 {
            std::fs::create_dir_all(&p).unwrap();
        }
        // Every 4th file has one byte; the others are empty.
        std::fs::write(
            p.join(format!("e{i}")),
            if i % 4 == 0 { &b"x"[..] } else { b"" },
        )
        .unwrap();
    }
    println!("(f) made {n} files in {:.1} s", t.elapsed().as_secs_f64());
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = fastio_std(&emu, home.path())
        .args(["upload", "--progress", "none", "--concurrency", "16"])
        .arg(&d)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let batches_half = n / 200 / 2;
    let mut journal_half = None;
    let mut journal_max = 0u64;
    let deadline = Instant::now() + Duration::from_secs(3600);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "(f) took over an hour");
        let size: u64 = journal_files(home.path())
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        journal_max = journal_max.max(size);
        if journal_half.is_none() && requests_matching(&emu, "batch") >= batches_half {
            journal_half = Some(size);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let wall = started.elapsed().as_secs_f64();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    let rss_mib = children_max_rss_kb() as f64 / 1024.0;
    let stats = emu.stats();
    let left = journal_files(home.path()).len();
    println!(
        "(f) {n} tiny files, -j 16: exit {:?}, {wall:.1} s, {:.0} files/s; peak RSS {rss_mib:.1} MiB (target <= 64); {} requests ({} batch); journal {} bytes at half-way, {} bytes at most, {left} journal files left after the run; {}",
        status.code(),
        n as f64 / wall,
        stats["requests_total"],
        requests_matching(&emu, "batch"),
        journal_half.unwrap_or(0),
        journal_max,
        stderr.lines().last().unwrap_or("")
    );
}
