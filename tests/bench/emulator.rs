#![cfg(feature = "emulator")]
//! Emulator throughput (not a timed test). Run:
//!   cargo test --release --test bench -- --ignored --nocapture
//! Prints chunk ingest MB/s over loopback and single-call uploads/s of 4 KiB files.
//! `FASTIO_BENCH_DATA_DIR=/dev/shm/x` puts the emulator's data on another filesystem; a raw
//! write of the same volume to that filesystem is timed first as the ceiling to compare with.

use std::sync::Arc;
use std::time::Instant;

use fastio::emulator::{EmulatorConfig, start};
use reqwest::multipart::{Form, Part};

const MIB: usize = 1024 * 1024;

fn bench_config() -> (EmulatorConfig, Option<std::path::PathBuf>) {
    match std::env::var_os("FASTIO_BENCH_DATA_DIR") {
        Some(d) => {
            let dir = std::path::PathBuf::from(d).join(format!("bench-{}", std::process::id()));
            (
                EmulatorConfig {
                    data_dir: Some(dir.clone()),
                    ..Default::default()
                },
                Some(dir),
            )
        }
        None => (EmulatorConfig::default(), None),
    }
}

/// Time writing `total` bytes in 8 MiB files to `dir` (the filesystem's own ceiling).
fn raw_write_mbps(dir: &std::path::Path, total: usize) -> f64 {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).unwrap();
    let buf = vec![0xA5u8; 8 * MIB];
    let t = Instant::now();
    for i in 0..total / buf.len() {
        let p = dir.join(format!("raw-{i}"));
        std::fs::File::create(&p).unwrap().write_all(&buf).unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    for i in 0..total / buf.len() {
        let _ = std::fs::remove_file(dir.join(format!("raw-{i}")));
    }
    total as f64 / 1e6 / secs
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture in release"]
async fn bench_chunk_ingest() {
    let (cfg, dir) = bench_config();
    let emu = start(cfg).unwrap();
    let raw_total = 768 * MIB;
    let raw = raw_write_mbps(&emu.data_dir.join("raw-baseline"), raw_total);
    println!("raw file writes to the data dir's filesystem: {raw:.0} MB/s");
    let chunk = 8 * MIB;
    let chunks_per_session = 32;
    let sessions = 3;
    let data = bytes::Bytes::from(vec![0xA5u8; chunk]);
    let c = client();
    let mut ids = Vec::new();
    for s in 0..sessions {
        let (_, v) = crate::support::wire::create_session(
            &emu,
            &format!("big{s}.bin"),
            chunk * chunks_per_session,
            &[],
        )
        .await;
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for id in &ids {
        // 3 workers per session = 3 chunks in flight each.
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(1));
        for _ in 0..3 {
            let (c, base, key, id, data, next) = (
                c.clone(),
                emu.base_url.clone(),
                emu.api_key.clone(),
                id.clone(),
                data.clone(),
                next.clone(),
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let order = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if order > chunks_per_session {
                        break;
                    }
                    let part = Part::stream_with_length(
                        reqwest::Body::from(data.clone()),
                        data.len() as u64,
                    )
                    .file_name("chunk.bin");
                    let r = c
                        .post(format!(
                            "{base}/upload/{id}/chunk/?order={order}&size={}",
                            data.len()
                        ))
                        .bearer_auth(&key)
                        .multipart(Form::new().part("chunk", part))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                }
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let total = (chunk * chunks_per_session * sessions) as f64;
    println!(
        "chunk ingest: {:.0} MB/s ({:.0} MiB in {:.2}s; {} sessions x 3 chunks in flight, {} MiB chunks)",
        total / 1e6 / secs,
        total / MIB as f64,
        secs,
        sessions,
        chunk / MIB
    );
    drop(emu);
    if let Some(d) = dir {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture in release"]
async fn bench_single_call_small_files() {
    let (cfg, dir) = bench_config();
    let emu = start(cfg).unwrap();
    let n = 6000usize;
    let conc = 32usize;
    let data = bytes::Bytes::from(vec![0x5Au8; 4096]);
    let c = client();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (c, base, key, ws, data, next) = (
            c.clone(),
            emu.base_url.clone(),
            emu.api_key.clone(),
            emu.workspace_id.clone(),
            data.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let name = format!("small-{i:05}.bin");
                let form = Form::new()
                    .text("name", name.clone())
                    .text("size", "4096")
                    .text("action", "create")
                    .text("instance_id", ws.clone())
                    .text("folder_id", "root")
                    .text("profile_type", "workspace")
                    .part(
                        "chunk",
                        Part::stream_with_length(reqwest::Body::from(data.clone()), 4096)
                            .file_name(name),
                    );
                let r = c
                    .post(format!("{base}/upload/"))
                    .bearer_auth(&key)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
                let _ = r.bytes().await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "single-call 4 KiB uploads: {:.0}/s ({n} files in {:.2}s, {conc} concurrent)",
        n as f64 / secs,
        secs
    );
    drop(emu);
    if let Some(d) = dir {
        let _ = std::fs::remove_dir_all(d);
    }
}
