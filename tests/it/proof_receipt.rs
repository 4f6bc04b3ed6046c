#![cfg(feature = "emulator")]
//! Receipts and `fastio verify --receipt`, through the binary against the emulator: the
//! edge-size tree's receipt verifies; a remote file replaced by other bytes, or deleted, is
//! named; a run killed with SIGKILL leaves a receipt whose every line parses, and the rerun
//! completes it.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant};
use serde_json::Value;

/// Every line of a receipt, parsed (a line that does not parse fails the test).
fn receipt_lines(p: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(p).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "ends with a newline"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
        .collect()
}

/// The latest `file` entry per remote path.
fn recorded(lines: &[Value]) -> std::collections::BTreeMap<String, Value> {
    lines
        .iter()
        .filter(|l| l["type"] == "file")
        .map(|l| (l["remote_path"].as_str().unwrap().to_string(), l.clone()))
        .collect()
}

fn delete_node(emu: &RunningEmulator, node: &str) {
    let url = format!(
        "{}/workspace/{}/storage/{node}/delete/",
        emu.base_url, emu.workspace_id
    );
    let key = emu.api_key.clone();
    crate::support::wire::block(async {
        let r = reqwest::Client::new()
            .delete(url)
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    });
}

fn verify_receipt(emu: &RunningEmulator, home: &Path, receipt: &Path) -> std::process::Output {
    fastio(emu, home)
        .args(["verify", "--receipt"])
        .arg(receipt)
        .output()
        .unwrap()
}

#[test]
fn a_receipt_of_the_edge_size_tree_verifies_and_names_replaced_and_deleted_files() {
    let (emu, home, src) = upload_world(small_limits());
    let n = mixed_tree(src.path(), 12 * MIB);
    let receipt = home.path().join("receipt.jsonl");

    let out = fastio(&emu, home.path())
        .args([
            "upload",
            "--progress",
            "none",
            "--to",
            "backup",
            "--receipt",
        ])
        .arg(&receipt)
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    assert_exit(&out, 0);

    let lines = receipt_lines(&receipt);
    let run = &lines[0];
    assert_eq!(run["type"], "run");
    assert_eq!(run["v"], 1);
    assert_eq!(run["workspace"], emu.workspace_id.as_str());
    assert_eq!(run["destination"], "backup");
    assert_eq!(run["api_base"], emu.base_url.as_str());
    assert_eq!(run["version"], env!("CARGO_PKG_VERSION"));
    assert!(run["command"].as_array().unwrap().len() > 3);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["uploaded"], n as u64);
    assert_eq!(last["complete"], true);
    let files = recorded(&lines);
    assert_eq!(files.len(), n);
    let local = local_tree(&src.path().join("tree"));
    for (rel, (size, sha)) in &local {
        let e = &files[&format!("backup/tree/{rel}")];
        assert_eq!(e["status"], "uploaded");
        assert_eq!(e["size"], *size, "{e}");
        assert_eq!(e["sha256"], sha.as_str(), "{e}");
        assert!(e["node_id"].is_string(), "{e}");
        assert_eq!(e["workspace"], emu.workspace_id.as_str());
        assert!(e["stored_at"].is_string(), "{e}");
    }
    // Chunked files name their upload session.
    assert!(files["backup/tree/big/large.bin"]["upload_id"].is_string());

    // Clean: everything verifies.
    let details = |emu: &RunningEmulator| requests_matching(emu, "storage/{node}/details");
    let before = details(&emu);
    let v = verify_receipt(&emu, home.path(), &receipt);
    // Bulk details: 25 ids per request.
    let asked = details(&emu) - before;
    assert_eq!(asked, (n as u64).div_ceil(25), "details requests");
    assert_all_verified(&v, n);
    let j = fastio(&emu, home.path())
        .args(["--json", "verify", "--receipt"])
        .arg(&receipt)
        .output()
        .unwrap();
    let events = ndjson(&j.stdout);
    let summary = events.last().unwrap();
    assert_eq!(summary["type"], "verify_summary");
    assert_eq!(summary["checked"], n as u64);
    assert_eq!(summary["ok"], n as u64);
    assert_eq!(summary["all_match"], true);

    // Another version with different bytes (same size) replaces one file in place.
    let other = tempfile::tempdir().unwrap();
    let victim = "docs/f001.dat";
    let (size, _) = local[victim];
    write(other.path(), "f001.dat", size, 999);
    let out = fastio(&emu, home.path())
        .args([
            "upload",
            "--progress",
            "none",
            "--overwrite",
            "--to",
            "backup/tree/docs",
        ])
        .arg(other.path().join("f001.dat"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = verify_receipt(&emu, home.path(), &receipt);
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(1), "{stdout}");
    let bad: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("different"), "{bad:?}");
    assert!(bad[0].contains("backup/tree/docs/f001.dat"), "{bad:?}");
    assert!(bad[0].contains("SHA-256"), "{bad:?}");
    assert!(String::from_utf8_lossy(&v.stderr).contains("1 different"));

    // One deleted: reported missing.
    let gone = files["backup/tree/img/2026/jan/f003.dat"]["node_id"]
        .as_str()
        .unwrap()
        .to_string();
    delete_node(&emu, &gone);
    let j = fastio(&emu, home.path())
        .args(["--json", "verify", "--receipt"])
        .arg(&receipt)
        .output()
        .unwrap();
    assert_eq!(j.status.code(), Some(1));
    let events = ndjson(&j.stdout);
    let missing: Vec<_> = events.iter().filter(|e| e["status"] == "missing").collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(
        missing[0]["remote_path"],
        "backup/tree/img/2026/jan/f003.dat"
    );
    let summary = events.last().unwrap();
    assert_eq!(summary["different"], 1);
    assert_eq!(summary["missing"], 1);
    assert_eq!(summary["ok"], n as u64 - 2);
}

fn file_lines(p: &Path) -> usize {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\"type\":\"file\""))
        .count()
}

#[test]
fn a_kill_9_leaves_a_valid_receipt_prefix_and_the_rerun_completes_it() {
    let emu = throttled(5_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    for i in 0..30u64 {
        write(src.path(), &format!("run/small/s{i:02}.txt"), 100 + i, i);
    }
    write(src.path(), "run/big/a.bin", 24 * MIB, 1);
    write(src.path(), "run/big/b.bin", 24 * MIB, 2);
    let receipt = home.path().join("r.jsonl");
    let args = |cmd: &mut std::process::Command| {
        cmd.args(["upload", "--progress", "none", "--to", "dest", "--receipt"])
            .arg(&receipt)
            .arg(src.path().join("run"));
    };

    let mut first = fastio_std(&emu, home.path());
    args(&mut first);
    let mut child = first
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(home.path().join("run1.err")).unwrap())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    // Small files are recorded while the big ones are still on their way.
    while file_lines(&receipt) < 30 {
        assert!(t0.elapsed() < Duration::from_secs(60), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill: {}",
            std::fs::read_to_string(home.path().join("run1.err")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let lines = receipt_lines(&receipt);
    assert_eq!(lines[0]["type"], "run");
    assert_ne!(
        lines.last().unwrap()["type"],
        "summary",
        "killed before the end"
    );
    let before = recorded(&lines);
    assert!(before.len() >= 30 && before.len() < 32, "{}", before.len());

    let mut again = fastio_std(&emu, home.path());
    args(&mut again);
    let out = again.output().unwrap();
    assert_exit(&out, 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("continuing the receipt"));
    let lines = receipt_lines(&receipt);
    let runs: Vec<_> = lines.iter().filter(|l| l["type"] == "run").collect();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["resumed"], true);
    assert_eq!(lines.last().unwrap()["type"], "summary");
    let after = recorded(&lines);
    assert_eq!(after.len(), 32, "the receipt covers the whole tree");
    // Files recorded by the first run are not repeated.
    let file_count = lines.iter().filter(|l| l["type"] == "file").count();
    assert_eq!(file_count, 32, "{lines:#?}");
    for (path, e) in &after {
        assert!(e["node_id"].is_string(), "{path}: {e}");
    }
    let v = verify_receipt(&emu, home.path(), &receipt);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

/// A rerun after a complete run records the skipped files with their node (so a receipt of
/// an up-to-date tree still covers the whole tree), hashing them locally.
#[test]
fn skipped_files_are_recorded_with_their_remote_node() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "t/a.txt", 10, 1);
    write(src.path(), "t/sub/b.bin", 5 * MIB, 2);
    let up = |receipt: &Path| {
        fastio(&emu, home.path())
            .args(["upload", "--progress", "none", "--receipt"])
            .arg(receipt)
            .arg(src.path().join("t"))
            .output()
            .unwrap()
    };
    assert_eq!(up(&home.path().join("1.jsonl")).status.code(), Some(0));
    let out = up(&home.path().join("2.jsonl"));
    assert_eq!(out.status.code(), Some(0));
    let lines = receipt_lines(&home.path().join("2.jsonl"));
    let files = recorded(&lines);
    assert_eq!(files.len(), 2);
    let tree = remote_tree(&emu);
    for (path, e) in &files {
        assert_eq!(e["status"], "skipped", "{e}");
        assert_eq!(e["node_id"], tree[path].id.as_str());
        assert_eq!(e["sha256"], tree[path].sha256.as_str());
        assert!(e["stored_at"].is_null());
    }
    let v = verify_receipt(&emu, home.path(), &home.path().join("2.jsonl"));
    assert_eq!(v.status.code(), Some(0));
}

/// A server that reports md5: the local files are hashed again; a local file changed since
/// the upload can no longer vouch for the remote one.
#[test]
fn md5_nodes_are_checked_by_hashing_the_local_file() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::Md5Hashes].into(),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "m/a.txt", 100, 1);
    write(src.path(), "m/b.bin", 5 * MIB, 2);
    let receipt = home.path().join("r.jsonl");
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none", "--receipt"])
        .arg(&receipt)
        .arg(src.path().join("m"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let v = verify_receipt(&emu, home.path(), &receipt);
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("MD5 of the local file matches"), "{stdout}");

    std::fs::write(src.path().join("m/a.txt"), vec![b'x'; 100]).unwrap();
    let v = verify_receipt(&emu, home.path(), &receipt);
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("unverified") && l.contains("m/a.txt")),
        "{stdout}"
    );
}

#[test]
fn receipts_of_other_runs_and_bad_receipts_are_refused() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "x/a.txt", 3, 1);
    let receipt = home.path().join("r.jsonl");
    let run = |to: &str| {
        fastio(&emu, home.path())
            .args(["upload", "--progress", "none", "--to", to, "--receipt"])
            .arg(&receipt)
            .arg(src.path().join("x"))
            .output()
            .unwrap()
    };
    assert_eq!(run("one").status.code(), Some(0));
    let other = run("two");
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("another run"));

    let junk = home.path().join("junk.jsonl");
    std::fs::write(&junk, "not json\n").unwrap();
    let v = verify_receipt(&emu, home.path(), &junk);
    assert_eq!(v.status.code(), Some(2));
    let dry = fastio(&emu, home.path())
        .args(["upload", "--dry-run", "--receipt"])
        .arg(&receipt)
        .arg(src.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(2));
}
