//! One local file is one local file: the same file or folder reached under two spellings
//! (`src/s` and `./src/s/../s`, a symlinked parent with `--follow-symlinks`) is uploaded once
//! and the second mention skipped, never failed as a collision or sent twice.

use std::path::Path;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

/// `fastio upload --json ARGS…` run in `cwd`: exit 0, each of the `n` files uploaded once and
/// skipped once (naming the first spelling), and stored as one version.
fn assert_once(cwd: &Path, args: &[&str], n: u64) {
    let (emu, home, _) = upload_world(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .current_dir(cwd)
        .args(["upload", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    assert_eq!(s["uploaded"].as_u64(), Some(n), "{args:?}: {s}");
    assert_eq!(s["skipped"].as_u64(), Some(n), "{args:?}: {s}");
    assert_eq!(s["failed"], 0, "{args:?}: {s}");
    for e in of_type(&events, "file_skipped") {
        let reason = e["reason"].as_str().unwrap();
        assert!(reason.contains("listed more than once"), "{reason}");
    }
    let remote = remote_tree(&emu);
    assert_eq!(remote.len() as u64, n, "{remote:?}");
    for path in remote.keys() {
        assert_eq!(versions_of(&emu, path), 1, "{path} sent twice");
    }
}

fn tree(root: &Path) {
    write(root, "src/s/a.txt", 10, 1);
    write(root, "src/s/deep/b.txt", 20, 2);
}

#[test]
fn a_folder_under_two_spellings_is_uploaded_once() {
    let root = tempfile::tempdir().unwrap();
    tree(root.path());
    assert_once(root.path(), &["src/s", "./src/s/../s"], 2);
}

#[test]
fn a_file_under_two_spellings_is_uploaded_once() {
    let root = tempfile::tempdir().unwrap();
    tree(root.path());
    assert_once(root.path(), &["src/s/a.txt", "src/s/deep/../a.txt"], 1);
    // Absolute and relative spellings, in a --files-from list too.
    let list = root.path().join("list.txt");
    let abs = root.path().join("src/s/a.txt");
    std::fs::write(&list, format!("{}\nsrc/s/deep/../a.txt\n", abs.display())).unwrap();
    let (emu, home, _) = upload_world(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .current_dir(root.path())
        .args([
            "upload",
            "--json",
            "src/s/a.txt",
            "--files-from",
            "list.txt",
        ])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let s = summary_of(&ndjson(&out.stdout));
    let counts = (
        s["uploaded"].as_u64(),
        s["skipped"].as_u64(),
        s["failed"].as_u64(),
    );
    assert_eq!(counts, (Some(1), Some(2), Some(0)), "{s}");
}

#[cfg(unix)]
#[test]
fn a_folder_through_a_symlinked_parent_is_uploaded_once() {
    let root = tempfile::tempdir().unwrap();
    tree(root.path());
    std::os::unix::fs::symlink(root.path().join("src"), root.path().join("lnk")).unwrap();
    assert_once(root.path(), &["--follow-symlinks", "src/s", "lnk/s"], 2);
    // Without --follow-symlinks too: `lnk/s` itself is no symlink.
    assert_once(root.path(), &["src/s", "lnk/s"], 2);
}

/// Mentions that put the same file at two remote paths (a list entry keeps its relative folder
/// unless it climbs with `..`; a folder and a folder inside it) still upload it once.
#[test]
fn the_same_file_by_two_mentions_with_other_remote_paths_is_uploaded_once() {
    let root = tempfile::tempdir().unwrap();
    tree(root.path());
    std::fs::write(
        root.path().join("list.txt"),
        "src/s/a.txt\n./src/s/../s/a.txt\n",
    )
    .unwrap();
    assert_once(root.path(), &["--files-from", "list.txt"], 1);
    let (emu, home, _) = upload_world(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .current_dir(root.path())
        .args(["upload", "--json", "src", "src/s"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    let counts = (s["uploaded"].as_u64(), s["skipped"].as_u64());
    assert_eq!(counts, (Some(2), Some(2)), "{s}");
    for e in of_type(&events, "file_skipped") {
        let reason = e["reason"].as_str().unwrap();
        assert!(
            reason.contains("the same file as reached by `src`"),
            "{reason}"
        );
    }
    assert_eq!(remote_tree(&emu).keys().count(), 2);
}
