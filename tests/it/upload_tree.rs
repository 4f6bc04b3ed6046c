//! `fastio upload` of the mixed tree through the binary, verified on the emulator's
//! side (listing plus the bytes read back), clean and under injected faults and rate limits.

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn mixed_tree_is_stored_with_matching_bytes_and_a_rerun_uploads_nothing() {
    let (emu, home, src) = upload_world(small_limits());
    let n = mixed_tree(src.path(), 50 * MIB);
    assert!(n >= 500);

    let out = fastio(&emu, home.path())
        .args([
            "upload",
            "--json",
            "--concurrency",
            "8",
            "--to",
            "backup/2026",
        ])
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let events = ndjson(&out.stdout);
    let summary = summary_of(&events);
    assert_eq!(summary["uploaded"], n as u64, "{summary}");
    assert_eq!(summary["failed"], 0);
    assert!(events.iter().all(|e| e["v"] == 1));
    let done = of_type(&events, "file_done");
    assert_eq!(done.len(), n);
    assert!(done.iter().all(|e| e["node_id"].is_string()));

    // Checked on the server: every file at the right path with the right bytes.
    assert_stored_bytes(&emu, &src.path().join("tree"), "backup/2026/tree");
    assert_eq!(remote_tree(&emu).len(), n);
    // Folders are created by the server for batch entries (`relative_path`), by hand only on
    // the way to a large file (`backup`, `backup/2026`, `…/tree`, `edge`, `big`), each once.
    let folders = remote_folders(&emu);
    assert_eq!(requests_matching(&emu, "createfolder"), 5, "{folders:?}");
    assert_eq!(summary["folders_created"], folders.len() as u64);
    // Small files went in batches, large ones in sessions.
    assert!(requests_matching(&emu, "/upload/batch") >= 3);
    assert!(requests_matching(&emu, "/upload/batch") < 60);
    let max_in_flight = emu.stats()["max_chunks_in_flight"].clone();
    for (_, v) in max_in_flight.as_object().unwrap() {
        assert!(v.as_u64().unwrap() <= 3, "{max_in_flight}");
    }

    // Again: nothing to send.
    let before = emu.stats()["chunk_bytes"].as_u64().unwrap();
    let batches = requests_matching(&emu, "/upload/batch");
    let again = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "backup/2026"])
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let s = summary_of(&ndjson(&again.stdout));
    assert_eq!(s["uploaded"], 0, "{s}");
    assert_eq!(s["skipped"], n as u64);
    assert_eq!(emu.stats()["chunk_bytes"].as_u64().unwrap(), before);
    assert_eq!(requests_matching(&emu, "/upload/batch"), batches);
}

#[test]
fn mixed_tree_survives_faults_resets_and_rate_limits() {
    let emu = emulator(EmulatorConfig {
        fail_rate: 0.05,
        reset_rate: 0.02,
        rate_limit: 50.0,
        seed: Some(7),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let n = mixed_tree(src.path(), 24 * MIB);

    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--concurrency", "8"])
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let summary = summary_of(&ndjson(&out.stdout));
    assert_eq!(summary["uploaded"], n as u64, "{summary}");
    eprintln!("fault run: {summary}");
    assert!(
        summary["retries"].as_u64().unwrap() > 0,
        "faults were injected: {summary}"
    );

    assert_stored(&emu, &src.path().join("tree"), "tree");
    // No duplicate nodes: exactly the local files.
    assert_eq!(remote_tree(&emu).len(), n);
    let stats = emu.stats();
    for (_, v) in stats["max_chunks_in_flight"].as_object().unwrap() {
        assert!(
            v.as_u64().unwrap() <= 3,
            "{}",
            stats["max_chunks_in_flight"]
        );
    }
    assert!(
        stats["faults"].as_object().is_some_and(|f| !f.is_empty()),
        "{stats}"
    );
}

#[test]
fn chunk_size_follows_the_limits_at_the_chunk_count_edges() {
    // A small reported chunk_size (4 MiB) is used exactly, 3 chunks per session at most:
    // 6 MiB → 4 MiB + 2 MiB; 6 MiB + 1 → 4 MiB + (2 MiB + 1); 12 MiB → 3 full chunks;
    // 12 MiB + 1 cannot fit.
    let emu = emulator(EmulatorConfig {
        chunk_size: 4 * MIB,
        max_chunks: 3,
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("edges");
    write(&d, "three.bin", 6 * MIB, 1);
    write(&d, "three-plus-one.bin", 6 * MIB + 1, 2);
    write(&d, "full.bin", 12 * MIB, 3);
    write(&d, "too-big.bin", 12 * MIB + 1, 4);

    let (out, events) = upload_json(&emu, home.path(), &d, 1);
    let failed = failed_files(&events, 1);
    assert!(
        failed[0]["local"]
            .as_str()
            .unwrap()
            .ends_with("too-big.bin")
    );
    assert!(
        failed[0]["error"].as_str().unwrap().contains("3 chunks"),
        "{}",
        failed[0]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("too-big.bin"), "{stderr}");

    std::fs::remove_file(d.join("too-big.bin")).unwrap();
    assert_stored(&emu, &d, "edges");
    let (per_session, stats) = chunks_per_session(&emu);
    assert_eq!(per_session, [2, 2, 3], "{stats}");
}
