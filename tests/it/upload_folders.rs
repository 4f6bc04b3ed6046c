//! Reports add up: `--dry-run`'s count of folders to create is the number the real run then
//! creates, which its summary's `folders_created` reports (and a rerun creates none); empty
//! local folders are not created remotely.

use std::path::Path;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::RunningEmulator;

/// `fastio upload --json [--dry-run] --to dest/sub DIR`: the summary's `folders_created` and the
/// `would_create_folder` paths.
fn run(emu: &RunningEmulator, home: &Path, dir: &Path, dry: bool) -> (u64, Vec<String>) {
    let mut cmd = fastio(emu, home);
    cmd.args(["upload", "--json", "--to", "dest/sub"]);
    if dry {
        cmd.arg("--dry-run");
    }
    let out = cmd.arg(dir).output().unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let mut would: Vec<String> = of_type(&events, "would_create_folder")
        .iter()
        .map(|e| e["remote_path"].as_str().unwrap().to_string())
        .collect();
    would.sort();
    let n = summary_of(&events)["folders_created"].as_u64().unwrap();
    (n, would)
}

/// A tree with files at several depths, a folder holding only folders, and empty folders.
fn tree(root: &Path) -> std::path::PathBuf {
    let d = root.join("d");
    write(&d, "top.txt", 1, 1);
    write(&d, "a/b/c/f.txt", 2, 2);
    write(&d, "a/x/g.txt", 3, 3);
    write(&d, "big/h.bin", 5 * MIB, 4);
    std::fs::create_dir_all(d.join("empty")).unwrap();
    std::fs::create_dir_all(d.join("a/only/deeper")).unwrap();
    d
}

#[test]
fn the_dry_run_counts_the_folders_the_real_run_creates() {
    let (emu, home, src) = upload_world(small_limits());
    let d = tree(src.path());
    let expected = [
        "dest",
        "dest/sub",
        "dest/sub/d",
        "dest/sub/d/a",
        "dest/sub/d/a/b",
        "dest/sub/d/a/b/c",
        "dest/sub/d/a/x",
        "dest/sub/d/big",
    ];
    let (planned, would) = run(&emu, home.path(), &d, true);
    assert_eq!(would, expected);
    assert_eq!(planned, expected.len() as u64);
    assert!(remote_folders(&emu).is_empty());

    let (created, _) = run(&emu, home.path(), &d, false);
    assert_eq!(created, planned);
    // Exactly those: empty local folders (and one holding only empty ones) are not created.
    assert_eq!(remote_folders(&emu), expected);
    assert_stored(&emu, &d, "dest/sub/d");

    // Everything is there now: nothing to create, and the dry run agrees.
    assert_eq!(run(&emu, home.path(), &d, true), (0, vec![]));
    assert_eq!(run(&emu, home.path(), &d, false).0, 0);
}

/// Where part of the way exists already, only the rest is counted, by both.
#[test]
fn folders_already_there_are_not_counted() {
    let (emu, home, src) = upload_world(small_limits());
    let first = src.path().join("first");
    write(&first, "x.txt", 1, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "dest/sub/d/a"])
        .arg(first.join("x.txt"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let d = tree(src.path());
    let (planned, would) = run(&emu, home.path(), &d, true);
    assert_eq!(
        would,
        [
            "dest/sub/d/a/b",
            "dest/sub/d/a/b/c",
            "dest/sub/d/a/x",
            "dest/sub/d/big"
        ]
    );
    let (created, _) = run(&emu, home.path(), &d, false);
    assert_eq!((planned, created), (4, 4));
}
