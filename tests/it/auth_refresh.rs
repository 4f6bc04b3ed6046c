//! Access tokens that expire in the middle of work: an OAuth login, then a 200-file upload at
//! `--concurrency 8` against an emulator whose tokens live 2 s. Every file must arrive, and the
//! emulator must see one refresh per expiry (not one per worker), with no refresh token replayed.

use std::time::{Duration, Instant};

use crate::support::auth::World;
use fastio::emulator::EmulatorConfig;

const TTL_SECS: u64 = 2;

#[test]
fn upload_survives_token_expiry_with_one_refresh_per_expiry() {
    // Latency on every request makes the upload outlast several token lifetimes: the second
    // run below lists each of its 100 existing folders (at most 8 requests in flight, 250 ms
    // each: at least 13 × 250 ms) before sending their changed files.
    let world = World::with(EmulatorConfig {
        token_ttl: Duration::from_secs(TTL_SECS),
        latency_ms: 250,
        ..Default::default()
    });
    world.paste_login(&[]);

    // 200 small files in 100 folders.
    let tree = world.home.path().join("tree");
    let write_tree = |suffix: &str| {
        for d in 0..100 {
            let dir = tree.join(format!("d{d:03}"));
            std::fs::create_dir_all(&dir).unwrap();
            for f in 0..2 {
                std::fs::write(
                    dir.join(format!("f{f}.txt")),
                    format!("file {d}/{f}{suffix}\n"),
                )
                .unwrap();
            }
        }
    };
    let upload = || {
        world
            .cmd()
            .args(["--json", "-v", "upload"])
            .arg(&tree)
            .args(["--workspace", &world.emu.workspace_id, "--concurrency", "8"])
            .output()
            .unwrap()
    };
    write_tree("");
    let first = upload();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Every file changes size: the second run lists every folder, then sends every file.
    write_tree(" (changed)");
    let refreshes_before = world.counter("oauth_refreshes");

    let started = Instant::now();
    let out = upload();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}\n{stdout}");
    let summary: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .expect("a summary event");
    assert_eq!(summary["uploaded"], 200, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    // The bytes really arrived: every file's content is in the emulator's store.
    let store = &world.emu.state().store;
    let stored: std::collections::BTreeSet<String> = store
        .files(&world.emu.workspace_id)
        .unwrap()
        .iter()
        .map(|n| std::fs::read_to_string(store.blob_path(n.blob.as_deref().unwrap())).unwrap())
        .collect();
    let expected: std::collections::BTreeSet<String> = (0..100)
        .flat_map(|d| (0..2).map(move |f| format!("file {d}/{f} (changed)\n")))
        .collect();
    assert_eq!(stored, expected);

    let refreshes = world.counter("oauth_refreshes") - refreshes_before;
    let replays = world.counter("oauth_refresh_replays");
    let lifetimes = elapsed.as_secs_f64() / TTL_SECS as f64;
    eprintln!("upload took {elapsed:?} ({lifetimes:.1} token lifetimes), {refreshes} refreshes");
    // The premise: the tokens really expired during the upload.
    assert!(
        elapsed > Duration::from_secs(TTL_SECS),
        "the upload ended before the first expiry"
    );
    assert!(refreshes >= 1);
    assert_eq!(replays, 0, "a refresh token was used twice");
    // One refresh per expiry: each refresh yields a token good for TTL_SECS and is made at the
    // earliest 10% before its expiry, so a process can need at most lifetimes/0.9 + 1 of them.
    // Per-worker refreshes would be about 8 times that.
    let bound = (lifetimes / 0.9).ceil() as u64 + 1;
    assert!(
        refreshes <= bound,
        "{refreshes} refreshes in {lifetimes:.1} lifetimes (at most {bound} expected)"
    );
    // Each refresh was announced once by the one process (-v).
    assert_eq!(
        stderr.matches("refreshed the access token").count() as u64,
        refreshes,
        "{stderr}"
    );
    // ... through the run's events: a `notice` line each in the NDJSON, not a stray print.
    let notices = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "notice")
        .filter(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.contains("refreshed the access token"))
        })
        .count() as u64;
    assert_eq!(notices, refreshes, "{stdout}");
}
