//! Benchmarks of import-url, ask and locks against the in-process emulator over loopback. Not
//! timed tests: each prints its figures. Run with
//! `cargo test --release --test bench -- --ignored --nocapture --test-threads 1`.

use std::time::{Duration, Instant};

use crate::support::cmd::stderr_of;
use crate::support::emulator::{KEY_A, env};
use crate::support::tree::write_bytes;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;

const MIB: usize = 1 << 20;

/// A source server whose every response waits `delay` before sending `size` bytes.
async fn slow_source(delay: Duration, size: usize) -> String {
    let app = Router::new().route(
        "/f/{name}",
        get(move |Path(_name): Path<String>| async move {
            tokio::time::sleep(delay).await;
            vec![7u8; size]
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore]
async fn bench_a_import_50_urls_concurrency_1_vs_8() {
    let src = slow_source(Duration::from_millis(100), MIB).await;
    let list_dir = tempfile::tempdir().unwrap();
    let list = list_dir.path().join("urls.txt");
    let urls: String = (0..50)
        .map(|i| format!("{src}/f/file{i:02}.bin\n"))
        .collect();
    std::fs::write(&list, urls).unwrap();
    let mut figures = Vec::new();
    for conc in ["1", "8"] {
        let e = env(|c| c.allow_private_urls = true);
        let t = Instant::now();
        let out = e
            .cmd(KEY_A)
            .args([
                "--progress",
                "none",
                "import-url",
                "-j",
                conc,
                "--urls-from",
            ])
            .arg(&list)
            .output()
            .unwrap();
        let took = t.elapsed().as_secs_f64();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        figures.push((conc, took));
    }
    for (conc, took) in &figures {
        println!(
            "(a) import-url 50 x 1 MiB, source 100 ms/response, -j {conc}: {took:.2} s wall, {:.1} MiB/s",
            50.0 / took
        );
    }
    println!(
        "(a) speed-up -j 8 vs -j 1: {:.2}x",
        figures[0].1 / figures[1].1
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn bench_b_index_and_ask_500_files() {
    let e = env(|c| {
        c.intelligence = true;
        c.answer_delay = Duration::ZERO;
    });
    let dir = tempfile::tempdir().unwrap();
    let words = [
        "alpha", "budget", "contract", "delivery", "estimate", "forecast", "gasket", "harbor",
        "invoice", "journal", "kernel", "ledger", "margin", "network", "orbit", "pipeline",
    ];
    for i in 0..500usize {
        let mut text = String::new();
        for p in 0..6 {
            for s in 0..4 {
                let w = |k: usize| words[(i * 7 + p * 3 + s + k) % words.len()];
                text.push_str(&format!(
                    "The {} of {} relates to {} item {i}-{p}-{s}. ",
                    w(0),
                    w(5),
                    w(9)
                ));
            }
            text.push_str("\n\n");
        }
        if i == 321 {
            text.push_str("The zeppelin hangar code is 4417.\n");
        }
        write_bytes(
            dir.path(),
            &format!("d{}/f{i:03}.txt", i % 10),
            text.as_bytes(),
        );
    }
    let out = e
        .cmd(KEY_A)
        .args(["--progress", "none", "upload", "--to", "corpus"])
        .arg(format!("{}/", dir.path().display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let t = Instant::now();
    let out = e
        .cmd(KEY_A)
        .args([
            "ask",
            "zeppelin hangar code",
            "--folder",
            "corpus",
            "--wait-indexed",
        ])
        .output()
        .unwrap();
    let first = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4417"));
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = e
            .cmd(KEY_A)
            .args([
                "--json",
                "ask",
                "What is the zeppelin hangar code?",
                "--folder",
                "corpus",
            ])
            .output()
            .unwrap();
        runs.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(out.status.success());
    }
    println!(
        "(b) 500 files / 3,000 passages: first ask incl. --wait-indexed {first:.2} s; ask end to end (process, 11 listings for ai.state, chat, BM25 answer) median {:.0} ms of 5",
        median(runs)
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn bench_c_lock_acquire_release_round_trips() {
    use fastio::locks::keeper::{AcquireOpts, HeldLock};
    let e = env(|_| {});
    let folder = e.mkdir("root", "locked").await;
    let client = fastio::api::Client::new(
        &e.emu.base_url,
        std::sync::Arc::new(fastio::api::StaticToken(KEY_A.to_string().into())),
    )
    .unwrap();
    let opts = AcquireOpts {
        duration: 60,
        wait: None,
        client_info: serde_json::json!({"device_name": "bench"}),
        heartbeat_every: None,
    };
    let mut ms = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let held = HeldLock::acquire(&client, e.ws(), &folder, "locked", &opts)
            .await
            .unwrap();
        held.release().await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "(c) lock acquire + release (library, loopback): median {:.2} ms, p90 {:.2} ms over 200",
        median(ms.clone()),
        {
            let mut v = ms;
            v.sort_by(f64::total_cmp);
            v[v.len() * 9 / 10]
        }
    );
}
