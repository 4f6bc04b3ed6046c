//! Receipts are proof, so an incomplete one is not green: a receipt whose run did not finish
//! (no summary) or that records no files is refused with one line (exit 1) unless `--partial`;
//! each file line is checked in its own workspace; and a receipt or `--files-from` list inside
//! the uploaded tree is not uploaded with it.

use std::path::Path;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};

fn verify(
    emu: &RunningEmulator,
    home: &Path,
    receipt: &Path,
    more: &[&str],
) -> std::process::Output {
    fastio(emu, home)
        .args(["verify", "--receipt"])
        .arg(receipt)
        .args(more)
        .output()
        .unwrap()
}

fn upload_with_receipt(emu: &RunningEmulator, home: &Path, dir: &Path, receipt: &Path) {
    let out = fastio(emu, home)
        .args(["upload", "--progress", "none", "--receipt"])
        .arg(receipt)
        .arg(dir)
        .output()
        .unwrap();
    assert_exit(&out, 0);
}

/// The receipt's lines but the last (the summary), as a run killed before its end leaves it.
fn drop_summary(receipt: &Path) {
    let text = std::fs::read_to_string(receipt).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines.pop().unwrap().contains("\"type\":\"summary\""));
    std::fs::write(receipt, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_receipt_without_a_summary_is_refused_unless_partial() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("died");
    write(&d, "a.txt", 10, 1);
    write(&d, "b.txt", 20, 2);
    let receipt = home.path().join("r.jsonl");
    upload_with_receipt(&emu, home.path(), &d, &receipt);
    drop_summary(&receipt);
    let out = verify(&emu, home.path(), &receipt, &[]);
    assert_exit(&out, 1);
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("has no summary line") && err.contains("--partial"),
        "{err}"
    );
    assert!(stdout_of(&out).is_empty());
    // Accepted explicitly: what it records is checked.
    let out = verify(&emu, home.path(), &receipt, &["--partial"]);
    assert_all_verified(&out, 2);
}

#[test]
fn a_receipt_recording_no_files_is_refused_unless_partial() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("empty");
    std::fs::create_dir_all(&d).unwrap();
    let receipt = home.path().join("r.jsonl");
    upload_with_receipt(&emu, home.path(), &d, &receipt);
    let out = verify(&emu, home.path(), &receipt, &[]);
    assert_exit(&out, 1);
    let err = stderr_of(&out);
    assert!(err.contains("records no files"), "{err}");
    let out = verify(&emu, home.path(), &receipt, &["--partial"]);
    assert_exit(&out, 0);
}

/// A receipt that mixes lines of two workspaces (two shards' receipts put together) checks
/// each line where it was stored; an explicit `--workspace` checks them all there.
#[test]
fn each_line_is_checked_in_its_own_workspace() {
    let (emu, home, src) = upload_world(EmulatorConfig {
        workspaces: vec!["one".into(), "two".into()],
        ..Default::default()
    });
    let ws = |name: &str| {
        emu.workspaces
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.clone())
            .unwrap()
    };
    let (one, two) = (ws("one"), ws("two"));
    let (r1, r2) = (home.path().join("1.jsonl"), home.path().join("2.jsonl"));
    for (ws, dir, receipt) in [(&one, "a", &r1), (&two, "b", &r2)] {
        let d = src.path().join(dir);
        write(&d, "f.txt", 10 + dir.len() as u64, 1);
        let out = fastio(&emu, home.path())
            .env("FASTIO_WORKSPACE", ws)
            .args(["upload", "--progress", "none", "--receipt"])
            .arg(receipt)
            .arg(&d)
            .output()
            .unwrap();
        assert_exit(&out, 0);
    }
    // The first receipt with the second's file line before its summary.
    let first = std::fs::read_to_string(&r1).unwrap();
    let second = std::fs::read_to_string(&r2).unwrap();
    let (head, summary) = first.trim_end().rsplit_once('\n').unwrap();
    let other = second
        .lines()
        .find(|l| l.contains("\"type\":\"file\""))
        .unwrap();
    assert!(
        other.contains(&format!("\"workspace\":\"{two}\"")),
        "{other}"
    );
    let merged = home.path().join("merged.jsonl");
    std::fs::write(&merged, format!("{head}\n{other}\n{summary}\n")).unwrap();
    let out = verify(&emu, home.path(), &merged, &[]);
    assert_all_verified(&out, 2);
    let out = verify(&emu, home.path(), &merged, &["--workspace", &one]);
    assert_exit(&out, 1);
    assert!(
        stdout_of(&out).contains("missing    b/f.txt"),
        "{}",
        stdout_of(&out)
    );
}

/// The run's own receipt (written as it goes) and its `--files-from` list, inside the tree
/// being uploaded, are left out of the walk.
#[test]
fn the_receipt_and_the_list_inside_the_tree_are_not_uploaded() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("tree");
    write(&d, "a.txt", 10, 1);
    write(&d, "sub/b.txt", 20, 2);
    let list = d.join("list.txt");
    std::fs::write(&list, format!("{}\n", d.join("sub/b.txt").display())).unwrap();
    let receipt = d.join("sub/receipt.jsonl");
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--receipt"])
        .arg(&receipt)
        .arg("--files-from")
        .arg(&list)
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let remote = remote_tree(&emu);
    assert!(remote.contains_key("tree/a.txt") && remote.contains_key("tree/sub/b.txt"));
    assert!(!remote.contains_key("tree/list.txt"), "{remote:?}");
    assert!(!remote.contains_key("tree/sub/receipt.jsonl"), "{remote:?}");
    // The list's entry is the file the folder argument reached already: uploaded once.
    assert!(!remote.contains_key("b.txt"), "{remote:?}");
    let out = verify(&emu, home.path(), &receipt, &[]);
    assert_all_verified(&out, 2);
}
