//! Duplicate-safe retries: a batch the server applied but whose answer was lost (the proxy in
//! front of the emulator forwards the request, then answers 502) is not sent again; the client
//! finds the files in the folder listing instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::support::{cmd::*, emulator::*, fake::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn an_applied_batch_whose_answer_was_lost_is_not_resent() {
    let emu = emulator(EmulatorConfig::default());
    // Forward everything; the first `/upload/batch/` answer is replaced by a 502 after the
    // emulator has processed the request.
    let swallowed = Arc::new(AtomicU64::new(0));
    let proxy = proxy_after(&emu, {
        let swallowed = swallowed.clone();
        move |_method, path| {
            (path.contains("/upload/batch") && swallowed.fetch_add(1, Ordering::SeqCst) == 0).then(
                || {
                    let lost =
                        r#"{"result":"no","error":{"code":1654,"text":"bad gateway (proxy)"}}"#;
                    (502, lost.to_string())
                },
            )
        }
    });

    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("b");
    for i in 0..20 {
        write(&d, &format!("f{i}.txt"), 100 + i, i);
    }
    let out = fastio(&emu, home.path())
        .env("FASTIO_API_BASE", &proxy.base)
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    assert!(events.iter().any(|e| e["type"] == "retry"), "{events:?}");
    assert_eq!(summary_of(&events)["uploaded"], 20);
    assert_eq!(
        swallowed.load(Ordering::SeqCst),
        1,
        "one batch request only"
    );
    assert_eq!(requests_matching(&emu, "/upload/batch"), 1);
    assert_stored(&emu, &d, "b");
}

#[test]
fn assembly_or_store_failure_is_a_per_file_error_with_the_servers_message() {
    let emu = emulator(EmulatorConfig {
        assembly_fail_rate: 1.0,
        seed: Some(3),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("asm");
    write(&d, "big.bin", 5 * MIB, 1);
    write(&d, "small.txt", 10, 2);
    let (_, events) = upload_json(&emu, home.path(), &d, 1);
    let failed = failed_files(&events, 1);
    // `assembly_failed` or `store_failed`, with the server's status message.
    let error = failed[0]["error"].as_str().unwrap();
    assert!(
        (error.contains("assembly_failed") || error.contains("store_failed"))
            && error.contains("injected"),
        "{error}"
    );
    assert!(remote_tree(&emu).contains_key("asm/small.txt"));
    assert!(!remote_tree(&emu).contains_key("asm/big.bin"));
}

#[test]
fn node_ids_missing_from_batch_answers_are_looked_up() {
    let emu = emulator(EmulatorConfig {
        omit_new_file_ids: true,
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("ids");
    for i in 0..5 {
        write(&d, &format!("f{i}.txt"), 10 + i, i);
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let remote = remote_tree(&emu);
    let done: Vec<_> = ndjson(&out.stdout)
        .into_iter()
        .filter(|e| e["type"] == "file_done")
        .collect();
    assert_eq!(done.len(), 5);
    for e in done {
        let path = e["remote_path"].as_str().unwrap();
        assert_eq!(e["node_id"], remote[path].id.as_str());
    }
}

#[test]
fn alternative_wire_shapes_and_rate_headers_are_accepted() {
    // Flipped envelopes (flat ↔ nested), legacy limit header names with the datetime expiry,
    // 400 instead of 406, and a rate limit small enough to be hit.
    let emu = emulator(EmulatorConfig {
        flip_envelopes: true,
        legacy_rate_headers: true,
        datetime_expiry: true,
        validation_400: true,
        rate_limit: 30.0,
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("shapes");
    for i in 0..60 {
        write(&d, &format!("sub{}/f{i}.txt", i % 6), 50 + i, i);
    }
    write(&d, "big.bin", 6 * MIB, 9);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "x/y"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(summary_of(&ndjson(&out.stdout))["uploaded"], 61);
    assert_stored(&emu, &d, "x/y/shapes");
}

#[test]
fn a_tight_rate_limit_is_waited_out_and_every_429_is_reported() {
    let emu = emulator(EmulatorConfig {
        rate_limit: 10.0,
        burst: Some(2),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("rl");
    for i in 0..6 {
        write(&d, &format!("d{}/f{i}.txt", i % 3), 10 + i, i);
    }
    write(&d, "big.bin", 5 * MIB, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--concurrency", "8"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let summary = summary_of(&events);
    assert_eq!(summary["uploaded"], 7);
    let refused = emu.stats()["rate_limited"].as_u64().unwrap();
    // Every 429 the client read is counted (a 429 answered before a large body was sent may
    // reach the client as a broken connection instead, retried as such).
    let seen = summary["throttled"].as_u64().unwrap();
    assert!(seen <= refused && (refused == 0 || seen > 0), "{summary}");
    assert!(events.iter().filter(|e| e["type"] == "throttled").count() as u64 <= refused);
    assert_stored(&emu, &d, "rl");
}
