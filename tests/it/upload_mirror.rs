//! `upload --delete`: exactly the remote files without a local twin go to the trash, with the
//! filters, `--max-delete`, `--dry-run`, a failed file and `--shard`; read from the server.

use std::collections::BTreeSet;

use crate::support::{cmd::*, emulator::*, tree::*, wire::*};
use crate::upload_sync::sync;
use fastio::emulator::{EmulatorConfig, RunningEmulator};
use fastio::transfer::Shard;
use serde_json::Value;

fn stored(emu: &RunningEmulator) -> BTreeSet<String> {
    remote_tree(emu).into_keys().collect()
}

/// Names in the workspace's trash (as the emulator renames them: `name (trashed ID)`).
fn trash(emu: &RunningEmulator) -> Vec<String> {
    block(async {
        let url = format!(
            "{}/workspace/{}/storage/trash/list/",
            emu.base_url, emu.workspace_id
        );
        let v = get_json_as(&url, &emu.api_key).await;
        v["nodes"]
            .as_array()
            .or_else(|| v["response"]["nodes"].as_array())
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_string())
            .collect()
    })
}

fn deleted(events: &[Value], kind: &str) -> BTreeSet<String> {
    of_type(events, kind)
        .iter()
        .map(|e| e["remote_path"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn delete_trashes_exactly_what_has_no_local_twin_with_its_guards() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("site");
    for rel in [
        "a.txt",
        "sub/c.txt",
        "keep.log",
        "gone.txt",
        "old/x.txt",
        "old/deep/y.txt",
    ] {
        write(&d, rel, 100 + rel.len() as u64, rel.len() as u64);
    }
    sync(&emu, home.path(), &d, &[], 0);
    std::fs::remove_file(d.join("gone.txt")).unwrap();
    std::fs::remove_dir_all(d.join("old")).unwrap();
    std::fs::remove_file(d.join("keep.log")).unwrap();
    let before = stored(&emu);
    let filters = ["--delete", "--exclude", "*.log"];

    // Dry run: lists, deletes nothing.
    let dry = sync(
        &emu,
        home.path(),
        &d,
        &[&filters[..], &["--dry-run"]].concat(),
        0,
    );
    assert_eq!(
        deleted(&dry, "would_delete"),
        set(&["dst/site/gone.txt", "dst/site/old"])
    );
    let old = of_type(&dry, "would_delete")
        .into_iter()
        .find(|e| e["remote_path"] == "dst/site/old")
        .unwrap()
        .clone();
    assert_eq!(
        (old["kind"].as_str(), old["count"].as_u64()),
        (Some("folder"), Some(4))
    );
    assert_eq!(stored(&emu), before);

    // More than --max-delete would go: nothing goes, exit 1, one reason.
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "dst", "--max-delete", "4"])
        .args(filters)
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr_of(&out);
    assert!(
        err.contains("nothing deleted") && err.contains("--max-delete 4"),
        "{err}"
    );
    assert_eq!(stored(&emu), before);

    // The deletion, with a receipt: the excluded `keep.log` stays.
    let receipt = home.path().join("r.jsonl");
    let r = receipt.to_str().unwrap();
    let events = sync(
        &emu,
        home.path(),
        &d,
        &[&filters[..], &["--receipt", r]].concat(),
        0,
    );
    assert_eq!(
        deleted(&events, "deleted"),
        set(&["dst/site/gone.txt", "dst/site/old"])
    );
    assert_eq!(summary_of(&events)["deleted"], 5);
    assert_eq!(
        stored(&emu),
        set(&["dst/site/a.txt", "dst/site/keep.log", "dst/site/sub/c.txt"])
    );
    let mut trashed = trash(&emu);
    trashed.sort();
    assert_eq!(trashed.len(), 2, "{trashed:?}");
    assert!(trashed[0].starts_with("gone.txt (trashed") && trashed[1].starts_with("old (trashed"));
    let lines = std::fs::read_to_string(&receipt).unwrap();
    let gone: Vec<Value> = ndjson(lines.as_bytes())
        .into_iter()
        .filter(|v| v["type"] == "deleted")
        .collect();
    assert_eq!(gone.len(), 2, "{lines}");

    // --delete-excluded: the filtered-out file goes too.
    let events = sync(
        &emu,
        home.path(),
        &d,
        &[&filters[..], &["--delete-excluded"]].concat(),
        0,
    );
    assert_eq!(deleted(&events, "deleted"), set(&["dst/site/keep.log"]));
    assert_eq!(stored(&emu), set(&["dst/site/a.txt", "dst/site/sub/c.txt"]));
}

#[test]
fn nothing_is_deleted_after_a_failed_file() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("f");
    write(&d, "a.txt", 10, 1);
    write(&d, "stray.txt", 10, 2);
    sync(&emu, home.path(), &d, &[], 0);
    std::fs::remove_file(d.join("stray.txt")).unwrap();
    // A name that cannot be stored: that file fails, before anything is sent.
    write(&d, "bad\\name.txt", 10, 3);
    let events = sync(&emu, home.path(), &d, &["--delete"], 1);
    let refused = of_type(&events, "delete_refused");
    assert_eq!(refused.len(), 1, "{events:?}");
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("1 files failed")
    );
    assert!(of_type(&events, "deleted").is_empty());
    assert!(stored(&emu).contains("dst/f/stray.txt"));
}

#[test]
fn each_shard_deletes_only_the_paths_it_owns() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("s");
    let strays: Vec<String> = (0..12).map(|i| format!("stray{i:02}.txt")).collect();
    write(&d, "kept.txt", 10, 1);
    for (i, s) in strays.iter().enumerate() {
        write(&d, s, 10, i as u64);
    }
    sync(&emu, home.path(), &d, &[], 0);
    for s in &strays {
        std::fs::remove_file(d.join(s)).unwrap();
    }
    let shard: Shard = "1/2".parse().unwrap();
    let owned: BTreeSet<String> = strays
        .iter()
        .map(|s| format!("dst/s/{s}"))
        .filter(|p| shard.contains(fastio::transfer::shard::key(p, "dst")))
        .collect();
    assert!(!owned.is_empty() && owned.len() < strays.len(), "{owned:?}");
    let events = sync(&emu, home.path(), &d, &["--delete", "--shard", "1/2"], 0);
    assert_eq!(deleted(&events, "deleted"), owned);
    let left = stored(&emu);
    assert!(left.contains("dst/s/kept.txt"));
    assert_eq!(left.len(), 1 + strays.len() - owned.len());
    let events = sync(&emu, home.path(), &d, &["--delete", "--shard", "2/2"], 0);
    assert_eq!(
        deleted(&events, "deleted").len(),
        strays.len() - owned.len()
    );
    assert_eq!(stored(&emu), set(&["dst/s/kept.txt"]));
}

#[cfg(unix)]
#[test]
fn nothing_is_deleted_after_an_interrupted_run() {
    let emu = throttled(2_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("i");
    write(&d, "stray.txt", 10, 1);
    sync(&emu, home.path(), &d, &[], 0);
    std::fs::remove_file(d.join("stray.txt")).unwrap();
    write(&d, "big.bin", 40 * MIB, 3);
    let child = spawn_piped(
        fastio_std(&emu, home.path())
            .args(["upload", "--json", "--to", "dst", "--delete"])
            .arg(&d),
    );
    wait_until_sending(&emu);
    assert!(kill("-INT", child.id()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    let events = ndjson(&out.stdout);
    let refused = of_type(&events, "delete_refused");
    assert_eq!(refused.len(), 1, "{events:?}");
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("interrupted")
    );
    assert!(stored(&emu).contains("dst/i/stray.txt"));
}
