//! Reruns against a tree that is already stored: the default skip rule (the upload index, then
//! a hash of the files it cannot vouch for), read from the server's side.

use std::time::{Duration, SystemTime};

use crate::support::{cmd::*, emulator::*, tree::*, wire::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::Value;

/// `fastio upload --json ARGS… --to dst SRC`, asserted to exit with `code`: its events.
pub fn sync(
    emu: &RunningEmulator,
    home: &std::path::Path,
    src: &std::path::Path,
    args: &[&str],
    code: i32,
) -> Vec<Value> {
    let out = fastio(emu, home)
        .args(["upload", "--json", "--to", "dst"])
        .args(args)
        .arg(src)
        .output()
        .unwrap();
    assert_exit(&out, code);
    ndjson(&out.stdout)
}

/// The `reason` of the `type` event about the file at `remote`.
fn reason(events: &[Value], kind: &str, remote: &str) -> String {
    of_type(events, kind)
        .into_iter()
        .find(|e| e["remote_path"] == remote)
        .unwrap_or_else(|| panic!("no {kind} for {remote}: {events:?}"))["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

fn set_mtime(path: &std::path::Path, t: SystemTime) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn same_size_edits_and_remote_replacements_are_sent_and_untouched_files_are_not_read() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("site");
    let mut paths = Vec::new();
    for i in 0..4u64 {
        paths.push(write(&d, &format!("f{i}.txt"), 1000 + i, i));
    }
    // One large file (chunked, not batched): the rule is the same.
    let big = write(&d, "big.bin", 5 * MIB, 9);
    let first = summary_of(&sync(&emu, home.path(), &d, &[], 0));
    assert_eq!(first["uploaded"], 5, "{first}");

    // Untouched: every file skipped, none read.
    let events = sync(&emu, home.path(), &d, &[], 0);
    let s = summary_of(&events);
    assert_eq!(
        (s["skipped"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(5), Some(0)),
        "{s}"
    );
    assert!(reason(&events, "file_skipped", "dst/site/f0.txt").contains("not read"));

    // f1: one byte changed in place, same size (a new modification time).
    let mut bytes = std::fs::read(&paths[1]).unwrap();
    bytes[10] ^= 0xff;
    std::fs::write(&paths[1], &bytes).unwrap();
    set_mtime(&paths[1], SystemTime::now() + Duration::from_secs(5));
    // f2: touched, content unchanged.
    set_mtime(&paths[2], SystemTime::now() + Duration::from_secs(7));
    // f3: replaced remotely by someone else, same size, other bytes.
    let f3 = remote_tree(&emu)["dst/site/f3.txt"].id.clone();
    let folder = block(node_details(&emu, &f3))["parent"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = block(single_call(&emu, &folder, "f3.txt", content(1003, 77)));
    assert_eq!(status, 200, "{body}");
    assert_ne!(
        remote_tree(&emu)["dst/site/f3.txt"].sha256,
        local_tree(&d)["f3.txt"].1
    );

    // The dry run says why, file by file, and sends nothing.
    let dry = sync(&emu, home.path(), &d, &["--dry-run"], 0);
    assert!(reason(&dry, "would_upload", "dst/site/f1.txt").contains("different SHA-256"));
    assert!(reason(&dry, "would_upload", "dst/site/f3.txt").contains("different SHA-256"));
    assert!(reason(&dry, "file_skipped", "dst/site/f2.txt").contains("same size and SHA-256"));
    assert!(reason(&dry, "file_skipped", "dst/site/f0.txt").contains("not read"));
    assert_eq!(versions_of(&emu, "dst/site/f1.txt"), 1);

    let events = sync(&emu, home.path(), &d, &[], 0);
    let s = summary_of(&events);
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(2), Some(3)),
        "{s}"
    );
    // Read: the edited file, the touched one and the one replaced remotely; not f0 nor big.bin.
    assert_eq!(s["hashed_bytes"], 1001 + 1002 + 1003, "{s}");
    assert_stored_bytes(&emu, &d, "dst/site");
    assert_eq!(
        versions_of(&emu, "dst/site/f1.txt"),
        2,
        "the edit is a new version"
    );
    assert_eq!(
        versions_of(&emu, "dst/site/f3.txt"),
        3,
        "ours, theirs, ours again"
    );
    assert_eq!(
        versions_of(&emu, "dst/site/f2.txt"),
        1,
        "touched only: not sent"
    );
    assert_eq!(versions_of(&emu, "dst/site/f0.txt"), 1);

    // Everything is known again: the next run reads nothing.
    let s = summary_of(&sync(&emu, home.path(), &d, &[], 0));
    assert_eq!(
        (s["skipped"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(5), Some(0)),
        "{s}"
    );

    // A large file edited in place: found by its hash, sent as a new version.
    let mut bytes = std::fs::read(&big).unwrap();
    bytes[3 * MIB as usize] ^= 1;
    std::fs::write(&big, &bytes).unwrap();
    set_mtime(&big, SystemTime::now() + Duration::from_secs(9));
    let s = summary_of(&sync(&emu, home.path(), &d, &[], 0));
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(4)),
        "{s}"
    );
    assert_stored_bytes(&emu, &d, "dst/site");
    assert_eq!(versions_of(&emu, "dst/site/big.bin"), 2);
}

#[test]
fn explicit_modes_keep_their_meaning() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("m");
    let p = write(&d, "a.txt", 500, 1);
    sync(&emu, home.path(), &d, &[], 0);
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&p, &bytes).unwrap();
    set_mtime(&p, SystemTime::now() + Duration::from_secs(5));

    // `size`: the fast mode, blind to a same-size edit (as documented).
    let s = summary_of(&sync(&emu, home.path(), &d, &["--if-changed", "size"], 0));
    assert_eq!(
        (s["skipped"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    assert_eq!(versions_of(&emu, "dst/m/a.txt"), 1);
    // `hash`: reads every same-size file, even one the index knows.
    let s = summary_of(&sync(&emu, home.path(), &d, &["--if-changed", "hash"], 0));
    assert_eq!(
        (s["uploaded"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(1), Some(500)),
        "{s}"
    );
    let s = summary_of(&sync(&emu, home.path(), &d, &["--if-changed", "hash"], 0));
    assert_eq!(
        (s["skipped"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(1), Some(500)),
        "{s}"
    );
    // `--overwrite`: sends whatever is there.
    let s = summary_of(&sync(&emu, home.path(), &d, &["--overwrite"], 0));
    assert_eq!(
        (s["uploaded"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    assert_eq!(versions_of(&emu, "dst/m/a.txt"), 3);
    assert_stored_bytes(&emu, &d, "dst/m");
}

/// `--emulator` listens on a new port each run: the index still answers the next run (it is
/// kept per workspace and destination, and vouches only for the node and content it names).
#[test]
fn the_index_serves_reruns_through_the_in_process_emulator() {
    let home = tempfile::tempdir().unwrap();
    let d = home.path().join("src");
    for i in 0..5u64 {
        write(&d, &format!("f{i}.txt"), 2000 + i, i);
    }
    let run = || {
        let out = hermetic(home.path(), Keyring::Isolated)
            .args(["--emulator", "upload", "--json", "--to", "e"])
            .arg(&d)
            .output()
            .unwrap();
        assert_exit(&out, 0);
        summary_of(&ndjson(&out.stdout))
    };
    assert_eq!(run()["uploaded"], 5);
    let s = run();
    assert_eq!(
        (s["skipped"].as_u64(), s["hashed_bytes"].as_u64()),
        (Some(5), Some(0)),
        "{s}"
    );
}
