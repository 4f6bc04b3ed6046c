//! Issue 9, "works against the live Fast.io API": the edge-size tree through the binary under
//! every wire variant the emulator can play (`--variant`), and the client rules that a variant
//! alone does not show, each checked on the emulator's side.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant};

/// The edge-size tree (`mixed_tree`, 501 files, a 6 MiB big file) uploaded under `variants`
/// with 1 MiB chunks: exit 0 and every file stored with its bytes. Returns the emulator, the
/// home and the source (for follow-up runs), and the run's stderr.
fn tree_under(
    variants: &[Variant],
    extra: &[&str],
) -> (
    RunningEmulator,
    tempfile::TempDir,
    tempfile::TempDir,
    String,
) {
    let emu = emulator(EmulatorConfig {
        variants: variants.iter().copied().collect(),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let n = mixed_tree(src.path(), 6 * MIB);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--concurrency", "8", "--to", "dest"])
        .args(extra)
        .arg(src.path().join("tree"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{variants:?}: {stderr}");
    let summary = summary_of(&ndjson(&out.stdout));
    assert_eq!(summary["uploaded"], n as u64, "{variants:?}: {summary}");
    assert_stored_eventually(&emu, &src.path().join("tree"), "dest/tree");
    (emu, home, src, stderr)
}

/// [`assert_stored_bytes`], allowing a moment for asynchronous storage to show every file.
fn assert_stored_eventually(emu: &RunningEmulator, local: &Path, prefix: &str) {
    let want = local_tree(local).len();
    let deadline = Instant::now() + Duration::from_secs(5);
    while remote_tree(emu).len() < want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_stored_bytes(emu, local, prefix);
}

macro_rules! under_variant {
    ($($test:ident: $($v:ident)+;)*) => {$(
        #[test]
        fn $test() {
            tree_under(&[$(Variant::$v),+], &[]);
        }
    )*};
}

under_variant! {
    tree_default_shapes_yes_no: YesNo;
    tree_payloads_under_response: Response;
    tree_flipped_envelopes: FlipEnvelopes;
    tree_queued_states: QueuedStates;
    tree_async_uploads: AsyncUploads;
    tree_stored_without_id: StoredWithoutId;
    tree_omit_new_file_ids: OmitNewFileIds;
    tree_exact_chunks: ExactChunks;
    tree_validation_400: Validation400;
    tree_no_workspace_details: NoWorkspaceDetails;
    tree_string_has_more: StringHasMore;
    tree_legacy_rate_headers: LegacyRateHeaders;
    tree_datetime_expiry: DatetimeExpiry;
    tree_iso_expiry: IsoExpiry;
    tree_truncate_names: TruncateNames;
    tree_token_endpoint_flaky: TokenEndpointFlaky;
    tree_no_ai_state: NoAiState;
    tree_async_yes_no_response: AsyncUploads YesNo Response;
    tree_caller_plan_limits: CallerPlanLimits;
    tree_folded_folder_names: FoldedFolderNames;
    tree_bare_folder_answers: BareFolderAnswers;
    tree_fail_first_assemblies: FailFirstAssemblies;
}

/// `wait` read as milliseconds: the tree arrives, and no session is polled in a tight loop
/// (rule 4): with 600 ms in each assembly state, a tight loop would send hundreds of details
/// requests; pausing 2 s after an immediate unchanged answer sends a handful per file.
#[test]
fn tree_wait_ms_polls_without_a_tight_loop() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::WaitMs].into(),
        assembly_delay: Duration::from_millis(600),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "a.bin", 5 * MIB, 1);
    write(src.path(), "b.bin", 5 * MIB + 7, 2);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "w"])
        .arg(src.path())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let name = src
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_stored_bytes(&emu, src.path(), &format!("w/{name}"));
    let polls = requests_matching(&emu, "/upload/{id}/details");
    assert!(polls <= 16, "{polls} details requests for 2 files");
}

/// Rule 3 on a server with the exact reading of the chunk rule and a large `chunk_size`: the
/// client's 3 MiB chunks are refused, and the file goes again in chunks of exactly
/// `chunk_size` (here one chunk), cancelling the refused session.
#[test]
fn exact_chunks_with_a_large_chunk_size_fall_back_to_the_exact_size() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::ExactChunks].into(),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "nine.bin", 9 * MIB, 5);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "x"])
        .arg(format!("{}/", src.path().display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_stored_bytes(&emu, src.path(), "x");
    assert_eq!(emu.state().stats_snapshot()["upload_sessions"], 0);
}

/// Rule 13: each chunk's `hash`/`hash_algo` travel in the multipart body beside the bytes (as
/// the API reference puts them), `order` and `size` in the query (as the official CLI sends
/// them). Read off the emulator's counters of where each field arrived.
#[test]
fn chunk_fields_go_where_the_sources_put_them() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "five.bin", 5 * MIB, 3);
    let out = fastio(&emu, home.path())
        .arg("upload")
        .arg(src.path().join("five.bin"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let c = &emu.stats()["counters"];
    assert_eq!(c["chunk_hash_in_body"], 5, "{c}");
    assert_eq!(c["chunk_order_in_query"], 5, "{c}");
    assert_eq!(c["chunk_size_in_query"], 5, "{c}");
    assert!(c.get("chunk_hash_in_query").is_none(), "{c}");
    // Rule 2: ids went out as the server gave them (hyphens not escaped as `%2D`).
    assert!(c.get("paths_with_escaped_unreserved").is_none(), "{c}");
}

/// Rule 4: a file whose session is not stored within `--assembly-timeout` fails with a message
/// naming the session; the others arrive.
#[test]
fn a_session_stuck_short_of_stored_fails_after_the_assembly_timeout() {
    let emu = emulator(EmulatorConfig {
        assembly_delay: Duration::from_secs(4),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "big.bin", 5 * MIB, 1);
    write(src.path(), "small.txt", 10, 2);
    let started = Instant::now();
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--assembly-timeout", "1s"])
        .arg(format!("{}/", src.path().display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("upload session `") && stderr.contains("--assembly-timeout"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(remote_tree(&emu).contains_key("small.txt"));
}

/// Rule 16 with `md5-hashes`: after the tree, `--if-changed hash` compares with the MD5 the
/// nodes report and skips everything; a changed file of the same size is sent again.
#[test]
fn tree_md5_hashes_and_if_changed_hash() {
    let (emu, home, src, _) = tree_under(&[Variant::Md5Hashes], &[]);
    let tree = src.path().join("tree");
    let n = local_tree(&tree).len() as u64;
    let changed = tree.join("docs/f001.dat");
    let len = std::fs::metadata(&changed).unwrap().len();
    std::fs::write(&changed, content(len, 999)).unwrap();
    let out = fastio(&emu, home.path())
        .args([
            "upload",
            "--json",
            "--no-resume",
            "--if-changed",
            "hash",
            "--to",
            "dest",
        ])
        .arg(&tree)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    assert_eq!(s["uploaded"], 1, "{s}");
    assert_eq!(s["skipped"], n - 1, "{s}");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "file_skipped" && e["reason"].as_str().unwrap().contains("MD5")),
        "skips name the algorithm"
    );
    assert_stored_bytes(&emu, &tree, "dest/tree");
}

/// Rule 8 with `nested-lock-token` and `no-folder-locks`: `upload --lock` finds the token where
/// the server put it; a server that refuses folder locks gets one line and an upload without one.
#[test]
fn tree_nested_lock_token_and_no_folder_locks() {
    let (emu, _h, _s, stderr) = tree_under(&[Variant::NestedLockToken], &["--lock"]);
    assert!(stderr.contains("locked `dest`"), "{stderr}");
    assert_eq!(
        requests_matching(&emu, "DELETE /current/workspace/{ws}/storage/{node}/lock"),
        1
    );
    let (emu, _h, _s, stderr) = tree_under(&[Variant::NoFolderLocks], &["--lock"]);
    assert!(stderr.contains("would not lock `dest`"), "{stderr}");
    assert!(stderr.contains("without a lock"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains("lock")).count(),
        1,
        "one line: {stderr}"
    );
    drop(emu);
}

/// Rule 8: `--lock` never locks the workspace root.
#[test]
fn lock_is_never_taken_on_the_root() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let f = write(src.path(), "a.txt", 10, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--lock"])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("does not lock the workspace root"),
        "{stderr}"
    );
    assert_eq!(requests_matching(&emu, "/lock"), 0);
    assert!(remote_tree(&emu).contains_key("a.txt"));
}

/// Rule 1: an all-digits workspace is the id, with no lookup; a wrong one is "not found" (exit
/// 4) at the first real call; a 9992 "no such route" is never read as "not found".
#[test]
fn numeric_workspace_ids_need_no_lookup() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::NoWorkspaceDetails].into(),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let f = write(src.path(), "a.txt", 10, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--workspace", &emu.workspace_id])
        .arg(&f)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(requests_matching(&emu, "/workspace/{id}/details"), 0);
    assert_eq!(requests_matching(&emu, "(no route)"), 0);

    let wrong = "1234567890123456789";
    let out = fastio(&emu, home.path())
        .args(["upload", "--workspace", wrong])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("workspace `{wrong}` not found")),
        "{stderr}"
    );

    // A name on a server without the details route: found through the workspace listing (the
    // 9992 is not "not found").
    let out = fastio(&emu, home.path())
        .args(["upload", "--workspace", "default"])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("skipped 1"), "{stderr}");
    assert!(requests_matching(&emu, "/workspaces/all") >= 1);
}

/// Rule 5: a 403 on one kind of call fails those files only; a run whose first files are all
/// refused stops early with exit 3 instead of trying every other file.
#[test]
fn forbidden_fails_files_alone_and_stops_a_hopeless_run() {
    // Sessions refused: the big file fails, the small ones arrive.
    let emu = emulator(EmulatorConfig {
        fault_routes: vec!["POST /upload=403".parse().unwrap()],
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    for i in 0..10 {
        write(src.path(), &format!("small/{i}.txt"), 100, i);
    }
    write(src.path(), "big.bin", 5 * MIB, 99);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(src.path().join("small"))
        .arg(src.path().join("big.bin"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(
        (s["uploaded"].as_u64(), s["failed"].as_u64()),
        (Some(10), Some(1)),
        "{s}"
    );
    assert_eq!(remote_tree(&emu).len(), 10);

    // Every batch refused: stop after the first few files, exit 3.
    let emu = emulator(EmulatorConfig {
        fault_routes: vec!["POST /upload/batch=403".parse().unwrap()],
        ..Default::default()
    });
    let src = tempfile::tempdir().unwrap();
    for i in 0..60 {
        write(src.path(), &format!("d{i:02}/f.txt"), 10, i);
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--concurrency", "2"])
        .arg(format!("{}/", src.path().display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("refused permission"), "{stderr}");
    let batches = requests_matching(&emu, "/upload/batch");
    assert!(
        batches < 30,
        "{batches} batch requests: the run should have stopped"
    );
    assert!(remote_tree(&emu).is_empty());
}

/// Rule 9: sessions are deleted once their file is stored; rule 10 under `stored-without-id`
/// is in the variant tree above.
#[test]
fn sessions_are_deleted_after_their_file_is_stored() {
    let (emu, home, src) = upload_world(small_limits());
    for i in 0..4 {
        write(src.path(), &format!("big{i}.bin"), 5 * MIB + i, i);
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "s"])
        .arg(format!("{}/", src.path().display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_stored_bytes(&emu, src.path(), "s");
    let stats = emu.state().stats_snapshot();
    assert_eq!(stats["upload_sessions"], 0, "{stats}");
    assert_eq!(requests_matching(&emu, "DELETE /current/upload/{id}"), 4);
}

/// Rule 11 with `string-has-more`: a folder of 650 files lists over two pages; a rerun skips
/// every file (a listing that stopped after one page would send 150 again).
#[test]
fn pagination_with_string_has_more_sees_every_page() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::StringHasMore].into(),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    for i in 0..650 {
        write(src.path(), &format!("many/{i:04}.txt"), 8, i);
    }
    let run = || {
        let out = fastio(&emu, home.path())
            .args(["upload", "--json", "--no-resume"])
            .arg(src.path().join("many"))
            .output()
            .unwrap();
        assert_exit(&out, 0);
        summary_of(&ndjson(&out.stdout))
    };
    assert_eq!(run()["uploaded"], 650);
    let again = run();
    assert_eq!(
        (again["uploaded"].as_u64(), again["skipped"].as_u64()),
        (Some(0), Some(650))
    );
}

/// Rule 15: a file in the way of a folder makes the server auto-rename the new folder; those
/// files fail with a clear error instead of landing in `docs (2)`.
#[test]
fn a_file_in_the_way_of_a_folder_fails_its_files() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let blocker = write(src.path(), "blocker/docs", 5, 1);
    let out = fastio(&emu, home.path())
        .arg("upload")
        .arg(&blocker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    write(src.path(), "tree/docs/a.txt", 5, 2);
    write(src.path(), "tree/b.txt", 5, 3);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(format!("{}/", src.path().join("tree").display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a file of that name is in the way"),
        "{stderr}"
    );
    let remote = remote_tree(&emu);
    assert!(
        remote.contains_key("b.txt") && remote.contains_key("docs"),
        "{remote:?}"
    );
    assert!(
        !remote.keys().any(|k| k.starts_with("docs (2)/")),
        "{remote:?}"
    );
}

/// Issue 13's long names, through rule 15: two names that share their first 100 characters
/// both arrive whole, under `truncate-names`, because long names do not go by batch.
#[test]
fn long_names_survive_a_truncating_server() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::TruncateNames].into(),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let stem = "n".repeat(140);
    write(src.path(), &format!("long/{stem}-one.txt"), 20, 1);
    write(src.path(), &format!("long/{stem}-two.txt"), 30, 2);
    let out = fastio(&emu, home.path())
        .arg("upload")
        .arg(format!("{}/", src.path().join("long").display()))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_stored_bytes(&emu, &src.path().join("long"), "");
}

/// Rule 12: idempotent calls outside uploads (`whoami`, `lock status`) are retried after 5xx.
#[test]
fn idempotent_commands_retry_gateway_errors() {
    let emu = emulator(EmulatorConfig {
        fail_rate: 0.3,
        seed: Some(11),
        ..Default::default()
    });
    let home = tempfile::tempdir().unwrap();
    for _ in 0..8 {
        let out = fastio(&emu, home.path()).arg("whoami").output().unwrap();
        assert_exit(&out, 0);
        let out = fastio(&emu, home.path())
            .args(["lock", "status", "/"])
            .output()
            .unwrap();
        assert_ne!(
            out.status.code(),
            Some(4),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        emu.stats()["faults"]
            .as_object()
            .is_some_and(|f| !f.is_empty())
    );
}
