//! Issue 20, "the live API, third pass": the places where the live service may differ from
//! the canonical shapes, each played by an emulator variant (`--variant`) and driven through
//! the binary; the outcome is read from the server's side.

use std::path::Path;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant};

/// An emulator with the upload tests' small limits and `variants`.
fn under(variants: &[Variant]) -> RunningEmulator {
    emulator(EmulatorConfig {
        variants: variants.iter().copied().collect(),
        ..small_limits()
    })
}

/// `fastio upload --json ARGS… PATH` asserted to exit 0; its events.
fn upload_ok(
    emu: &RunningEmulator,
    home: &Path,
    args: &[&str],
    path: &Path,
) -> Vec<serde_json::Value> {
    let out = fastio(emu, home)
        .args(["upload", "--json"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    ndjson(&out.stdout)
}

/// Point 1: the limits asked for are the target workspace's (`action=create`,
/// `instance_id`), not the caller's own plan. The caller's plan here caps files at 16 MiB; the
/// workspace takes 128 MiB, so a 20 MiB file is stored in one session.
#[test]
fn limits_are_asked_for_the_target_workspace() {
    let emu = under(&[Variant::CallerPlanLimits]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "big.bin", 20 * MIB, 7);
    upload_ok(&emu, home.path(), &[], src.path());
    assert_stored_bytes(&emu, src.path(), &dir_name(src.path()));
    assert!(requests_matching(&emu, "/upload/limits") >= 1);
}

/// The remote folder an upload of the directory `p` lands in (its last component).
fn dir_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// Point 2: `createfolder` may answer under a normalised or differently cased name (the
/// existing `Docs` for `docs`, NFC `café` for a decomposed `café`): that is the folder asked
/// for, not "a file in the way". The files land in the folders the server holds.
#[test]
fn folder_answers_under_folded_names_are_the_folder_asked_for() {
    let emu = under(&[Variant::FoldedFolderNames]);
    let home = tempfile::tempdir().unwrap();
    let first = tempfile::tempdir().unwrap();
    write(first.path(), "a.txt", 10, 1);
    upload_ok(
        &emu,
        home.path(),
        &["--to", "Docs"],
        &first.path().join("a.txt"),
    );
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "cafe\u{301}/b.txt", 10, 2);
    write(src.path(), "cafe\u{301}/big.bin", 5 * MIB, 3);
    let events = upload_ok(
        &emu,
        home.path(),
        &["--to", " docs"],
        &src.path().join("cafe\u{301}"),
    );
    assert_eq!(summary_of(&events)["uploaded"], 2, "{events:?}");
    let stored = remote_tree(&emu);
    for p in [
        "Docs/a.txt",
        "Docs/caf\u{e9}/b.txt",
        "Docs/caf\u{e9}/big.bin",
    ] {
        assert!(stored.contains_key(p), "{p} not in {:?}", stored.keys());
    }
    assert_eq!(remote_folders(&emu).len(), 2, "{:?}", remote_folders(&emu));
}

/// Point 2: an answer that gives the folder's id and no name is the folder asked for.
#[test]
fn folder_answers_without_a_name_are_the_folder_asked_for() {
    let emu = under(&[Variant::BareFolderAnswers]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "t/x/a.txt", 10, 1);
    write(src.path(), "t/y/big.bin", 5 * MIB, 2);
    upload_ok(&emu, home.path(), &["--to", "in"], &src.path().join("t"));
    assert_stored_bytes(&emu, &src.path().join("t"), "in/t");
}

/// `fastio upload --receipt R PATH` then `fastio verify --receipt R`: the verify run.
fn upload_then_verify(
    emu: &RunningEmulator,
    home: &Path,
    path: &Path,
    between: impl FnOnce(),
) -> std::process::Output {
    let receipt = home.join("r.jsonl");
    let out = fastio(emu, home)
        .args(["upload", "--progress", "none", "--receipt"])
        .arg(&receipt)
        .arg(path)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    between();
    fastio(emu, home)
        .args(["verify", "--receipt"])
        .arg(&receipt)
        .output()
        .unwrap()
}

/// Point 9: a trashed file is missing even where the server keeps its `parent` and says so
/// with `deleted` / `deleted_from` only.
#[test]
fn a_trashed_file_is_missing_when_only_deleted_says_so() {
    let emu = under(&[Variant::DeletedFlags]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "a.txt", 10, 1);
    write(src.path(), "b.txt", 10, 2);
    let v = upload_then_verify(&emu, home.path(), src.path(), || {
        let id = remote_tree(&emu)[&format!("{}/b.txt", dir_name(src.path()))]
            .id
            .clone();
        assert!(
            emu.state()
                .store
                .trash_node(&emu.workspace_id, &id)
                .unwrap()
        );
    });
    let stdout = stdout_of(&v);
    assert_exit(&v, 1);
    let line = stdout.lines().find(|l| l.contains("b.txt")).unwrap();
    assert!(line.contains("in the trash"), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), 1);
}

/// Point 8: an id whose bulk-details entry carries a transient error code is asked again,
/// not reported missing.
#[test]
fn a_transient_bulk_details_entry_is_asked_again() {
    let emu = under(&[Variant::FlakyBulkDetails]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (i, n) in ["a.txt", "b.txt", "c.txt"].iter().enumerate() {
        write(src.path(), n, 10, i as u64);
    }
    let v = upload_then_verify(&emu, home.path(), src.path(), || {});
    assert_all_verified(&v, 3);
}

/// Point 8: when every id of a request fails, each is judged by its own entry: one missing
/// node does not make the others missing.
#[test]
fn when_every_id_fails_each_is_judged_by_its_own_entry() {
    let emu = under(&[Variant::FlakyBulkDetails]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "a.txt", 10, 1);
    write(src.path(), "b.txt", 10, 2);
    let receipt = home.path().join("r.jsonl");
    let v = upload_then_verify(&emu, home.path(), src.path(), || {
        // The first recorded file's node id is replaced by one the server never had.
        let text = std::fs::read_to_string(&receipt).unwrap();
        let mut lines: Vec<serde_json::Value> = ndjson(text.as_bytes());
        let first = lines.iter_mut().find(|l| l["type"] == "file").unwrap();
        first["node_id"] = "2zzzz-zzzzz-zzzzz-zzzzz-zzzzz-zzzz".into();
        let out: Vec<String> = lines.iter().map(|l| l.to_string() + "\n").collect();
        std::fs::write(&receipt, out.concat()).unwrap();
    });
    assert_exit(&v, 1);
    let stdout = stdout_of(&v);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("missing ")).count(),
        1,
        "{stdout}"
    );
}

/// The chunk rule's "exact" reading checked only at `complete`: the file is sent again in
/// chunks of exactly `chunk_size`, in a new session, and stored.
#[test]
fn the_exact_chunk_rule_at_complete_is_met_with_exact_chunks() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::ExactChunksLate].into(),
        chunk_size: 48 * MIB,
        max_chunks: 64,
        max_file_size: 128 * MIB,
        ..Default::default()
    });
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "big.bin", 10 * MIB, 5);
    let events = upload_ok(&emu, home.path(), &[], src.path());
    let retries = of_type(&events, "retry");
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert!(
        retries[0]["what"].as_str().unwrap().contains("exactly"),
        "{retries:?}"
    );
    assert_stored_bytes(&emu, src.path(), &dir_name(src.path()));
    // The second session sent the file in one chunk of (at most) chunk_size.
    let (per_session, stats) = chunks_per_session(&emu);
    assert!(per_session.contains(&1), "{stats}");
}

/// A session that ends `assembly_failed`, then one that ends `store_failed`: the file is sent
/// again in a new session each time, up to `--retries`, and stored by the third.
#[test]
fn failed_assemblies_are_retried_in_new_sessions_up_to_retries() {
    let emu = under(&[Variant::FailFirstAssemblies]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "big.bin", 5 * MIB, 5);
    let events = upload_ok(&emu, home.path(), &["--retries", "2"], src.path());
    let again: Vec<_> = of_type(&events, "retry")
        .into_iter()
        .filter(|r| r["what"] == "upload in a new session")
        .collect();
    assert_eq!(again.len(), 2, "{events:?}");
    assert!(
        again[0]["error"]
            .as_str()
            .unwrap()
            .contains("assembly_failed")
    );
    assert!(again[1]["error"].as_str().unwrap().contains("store_failed"));
    assert_stored_bytes(&emu, src.path(), &dir_name(src.path()));
    assert_eq!(chunks_per_session(&emu).0.len(), 3);

    // With one retry the second failure is the file's.
    let emu = under(&[Variant::FailFirstAssemblies]);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--no-resume", "--retries", "1"])
        .arg(src.path())
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("store_failed"),
        "{failed:?}"
    );
}

/// Point 5: a server that grants `upload --lock` its folder lock and then refuses the
/// holder's own uploads into it: the lock is given back with one warning, and the files are
/// stored.
#[test]
fn a_folder_lock_that_binds_its_holder_is_released_with_one_warning() {
    let emu = under(&[Variant::FolderLockBindsHolder]);
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(src.path(), "t/a.txt", 10, 1);
    write(src.path(), "t/big.bin", 5 * MIB, 2);
    let out = fastio(&emu, home.path())
        .args(["upload", "--lock", "--to", "reports"])
        .arg(src.path().join("t"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stderr = stderr_of(&out);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("released the lock"), "{stderr}");
    assert_stored_bytes(&emu, &src.path().join("t"), "reports/t");
    assert!(emu.state().locks.is_empty(), "no lock left behind");
}
