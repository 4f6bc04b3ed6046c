#![cfg(feature = "emulator")]
//! `fastio verify LOCAL... --to REMOTE` (no receipt) through the binary, and the bulk node
//! details client against the emulator.

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::api::storage::{self, nodes_details};
use fastio::api::{Client, StaticToken};

#[test]
fn verify_of_a_tree_passes_after_a_clean_upload_and_reports_changes() {
    let (emu, home, src) = upload_world(small_limits());
    let n = mixed_tree(src.path(), 6 * MIB);
    let tree = src.path().join("tree");
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none", "--to", "dest"])
        .arg(&tree)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    let verify = |extra: &[&str]| {
        fastio(&emu, home.path())
            .arg("verify")
            .arg(&tree)
            .args(["--to", "dest"])
            .args(extra)
            .output()
            .unwrap()
    };
    let v = verify(&["--extra"]);
    assert_all_verified(&v, n);
    assert!(String::from_utf8_lossy(&v.stderr).contains("all match"));

    // A local file changed (same size, other bytes), one added locally, one only remote.
    write(
        &tree,
        "docs/f001.dat",
        std::fs::metadata(tree.join("docs/f001.dat")).unwrap().len(),
        77,
    );
    write(&tree, "new/only-here.txt", 5, 1);
    let lonely = src.path().join("lonely");
    write(&lonely, "x.txt", 4, 4);
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none", "--to", "dest/tree/edge"])
        .arg(lonely.join("x.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    let v = verify(&[]);
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(1), "{stdout}");
    let bad: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter()
            .any(|l| l.starts_with("different") && l.contains("dest/tree/docs/f001.dat")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|l| l.starts_with("missing") && l.contains("dest/tree/new/only-here.txt")),
        "{bad:?}"
    );
    // With --extra, the remote-only file too; --json names each one.
    let v = verify(&["--extra"]);
    assert_eq!(v.status.code(), Some(1));
    let j = fastio(&emu, home.path())
        .args(["--json", "verify"])
        .arg(&tree)
        .args(["--to", "dest", "--extra"])
        .output()
        .unwrap();
    let events = ndjson(&j.stdout);
    let extra: Vec<_> = events.iter().filter(|e| e["status"] == "extra").collect();
    assert_eq!(extra.len(), 1, "{extra:?}");
    assert_eq!(extra[0]["remote_path"], "dest/tree/edge/x.txt");
    let s = events.last().unwrap();
    assert_eq!(s["type"], "verify_summary");
    assert_eq!(
        (s["different"].as_u64(), s["missing"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(s["ok"], n as u64 - 1);
}

#[test]
fn verify_needs_a_receipt_or_paths() {
    let emu = emulator(small_limits());
    let home = tempfile::tempdir().unwrap();
    let v = fastio(&emu, home.path()).arg("verify").output().unwrap();
    assert_eq!(v.status.code(), Some(2));
    let v = fastio(&emu, home.path())
        .args(["verify", "--receipt", "r.jsonl", "./x"])
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(2));
}

/// More than 25 ids are split; missing ids come back as errors, found ones matched by id.
#[tokio::test]
async fn bulk_node_details_split_and_match() {
    let emu = emulator(small_limits());
    let src = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    for i in 0..30u64 {
        write(src.path(), &format!("b/f{i}.txt"), i + 1, i);
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none"])
        .arg(src.path().join("b"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let tree = remote_tree(&emu);
    let mut ids: Vec<String> = tree.values().map(|s| s.id.clone()).collect();
    ids.push("2zzzz-zzzzz-zzzzz-zzzzz-zzzzz-zzzzz".into());
    let client = Client::new(
        &emu.base_url,
        std::sync::Arc::new(StaticToken(emu.api_key.clone().into())),
    )
    .unwrap();
    let before = requests_matching(&emu, "storage/{node}/details");
    let d = nodes_details(&client, &emu.workspace_id, &ids)
        .await
        .unwrap();
    assert_eq!(
        requests_matching(&emu, "storage/{node}/details") - before,
        2
    );
    assert_eq!(d.nodes.len(), 30);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    for s in tree.values() {
        let n = d.get(&s.id.replace('-', "").to_uppercase()).unwrap();
        assert_eq!(n.size, Some(s.size));
        assert_eq!(n.sha256().as_deref(), Some(s.sha256.as_str()));
    }
    // None found: the 404 partial answer means "every id failed".
    let gone = vec![
        "2aaaa-aaaaa-aaaaa-aaaaa-aaaaa-aaaaa".to_string(),
        "2bbbb-bbbbb-bbbbb-bbbbb-bbbbb-bbbbb".to_string(),
    ];
    let d = nodes_details(&client, &emu.workspace_id, &gone)
        .await
        .unwrap();
    assert!(d.nodes.is_empty());
    assert_eq!(d.errors.len(), 2);
    let one = storage::nodes_details(&client, &emu.workspace_id, &ids[..1])
        .await
        .unwrap();
    assert_eq!(one.nodes.len(), 1);
}

/// Verify goes through the same rate-limit gate as uploads: a throttled server slows it down,
/// it does not fail it.
#[test]
fn verify_under_a_rate_limit_waits_and_passes() {
    let emu = emulator(fastio::emulator::EmulatorConfig {
        rate_limit: 8.0,
        burst: Some(2),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    for i in 0..60u64 {
        write(src.path(), &format!("r/d{}/f{i}.txt", i % 3), i + 1, i);
    }
    let receipt = home.path().join("r.jsonl");
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none", "--receipt"])
        .arg(&receipt)
        .arg(src.path().join("r"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let throttled_before = emu.stats()["rate_limited"].as_u64().unwrap_or(0);
    let v = fastio(&emu, home.path())
        .args(["verify", "--receipt"])
        .arg(&receipt)
        .output()
        .unwrap();
    assert_exit(&v, 0);
    let t = fastio(&emu, home.path())
        .arg("verify")
        .arg(src.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(t.status.code(), Some(0));
    eprintln!(
        "429s during the verifications: {}",
        emu.stats()["rate_limited"].as_u64().unwrap_or(0) - throttled_before
    );
}
