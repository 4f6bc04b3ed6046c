//! Real trees over a real link (issue 17). Many folders of small files go in 200-file batches
//! filled across folders, each entry naming its folder as `relative_path`, so the server builds
//! the tree; no folder the run creates is listed; a rerun lists each existing folder once. Large
//! files waiting for `stored` leave room for others to send, within the server's session cap.
//! Asserted on what the emulator saw and stored, never on time.

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};

/// 2,000 small files in 200 folders, 20 × 10, as `root/tree/dNN/sN/fN.txt`.
fn wide_tree(root: &std::path::Path) -> usize {
    let mut n = 0;
    for a in 0..20u64 {
        for b in 0..10u64 {
            for c in 0..10u64 {
                let seed = a * 100 + b * 10 + c;
                write(
                    root,
                    &format!("tree/d{a:02}/s{b}/f{c}.txt"),
                    100 + seed % 50,
                    seed,
                );
                n += 1;
            }
        }
    }
    n
}

fn requests_total(emu: &RunningEmulator) -> u64 {
    emu.stats()["requests_total"].as_u64().unwrap()
}

fn upload(
    emu: &RunningEmulator,
    home: &std::path::Path,
    src: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    fastio(emu, home)
        .args(["upload", "--json", "--concurrency", "16", "--to", "wide"])
        .args(extra)
        .arg(src.join("tree"))
        .output()
        .unwrap()
}

#[test]
fn a_fresh_wide_tree_goes_in_few_batches_and_lists_no_folder_it_creates() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let n = wide_tree(src.path());

    // The dry run says what the real run then does.
    let dry = upload(&emu, home.path(), src.path(), &["--dry-run"]);
    assert_exit(&dry, 0);
    let dry_events = ndjson(&dry.stdout);
    let would = of_type(&dry_events, "would_create_folder").len();
    assert_eq!(summary_of(&dry_events)["folders_created"], would as u64);
    // wide, wide/tree, 20 dNN, 200 dNN/sN.
    assert_eq!(would, 222);

    let before = requests_total(&emu);
    let lists_before = requests_matching(&emu, "/list");
    let out = upload(&emu, home.path(), src.path(), &[]);
    assert_exit(&out, 0);
    let sent = requests_total(&emu) - before;
    let events = ndjson(&out.stdout);
    let summary = summary_of(&events);
    assert_eq!(summary["uploaded"], n as u64, "{summary}");
    assert_eq!(summary["folders_created"], 222, "{summary}");
    assert_eq!(of_type(&events, "folder_created").len(), 222);
    assert!(
        of_type(&events, "file_done")
            .iter()
            .all(|e| e["node_id"].is_string())
    );

    // ⌈2000 / 200⌉ batches (a partial one may go early when the walk lags on a loaded
    // machine), the limits, and the root's listing (which shows `wide` missing), read once by
    // the destination check before anything is written and once by the engine; no folder
    // created by hand, no listing of anything the run created.
    assert_eq!(requests_matching(&emu, "createfolder"), 0);
    assert_eq!(requests_matching(&emu, "/list") - lists_before, 2);
    let batches = requests_matching(&emu, "/upload/batch");
    assert!((10..=12).contains(&batches), "{batches} batches");
    let depth = 4; // wide/tree/dNN/sN
    assert!(sent <= 10 + depth + 4, "{sent} requests");

    assert_stored_bytes(&emu, &src.path().join("tree"), "wide/tree");
    assert_eq!(remote_folders(&emu).len(), 222);

    // A rerun skips every file, listing each existing folder once: the root, `wide`,
    // `wide/tree`, 20 + 200 folders (and the root once more for the destination check).
    let lists_before = requests_matching(&emu, "/list");
    let batches_before = requests_matching(&emu, "/upload/batch");
    let again = upload(&emu, home.path(), src.path(), &[]);
    assert_exit(&again, 0);
    let s = summary_of(&ndjson(&again.stdout));
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(0), Some(n as u64))
    );
    assert_eq!(s["folders_created"], 0, "{s}");
    assert_eq!(requests_matching(&emu, "/list") - lists_before, 1 + 222 + 1);
    assert_eq!(requests_matching(&emu, "/upload/batch"), batches_before);
    assert_eq!(requests_matching(&emu, "createfolder"), 0);
}

#[test]
fn overwrite_lists_only_to_find_the_folders_and_sends_everything_again() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let n = wide_tree(src.path());
    assert_exit(&upload(&emu, home.path(), src.path(), &[]), 0);

    let lists_before = requests_matching(&emu, "/list");
    let out = upload(&emu, home.path(), src.path(), &["--overwrite"]);
    assert_exit(&out, 0);
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(s["uploaded"], n as u64, "{s}");
    // Folders are found through their parents' listings (root, wide, wide/tree and the 20
    // dNN, whose listings show the sN; the root once more for the destination check); the
    // 200 leaf folders are not listed.
    assert_eq!(requests_matching(&emu, "/list") - lists_before, 24);
    assert_eq!(versions_of(&emu, "wide/tree/d07/s3/f4.txt"), 2);
    assert_stored_bytes(&emu, &src.path().join("tree"), "wide/tree");
}

#[test]
fn small_and_large_files_in_the_same_folders_land_intact() {
    let (emu, home, src) = upload_world(small_limits());
    for d in 0..6u64 {
        for i in 0..30u64 {
            write(
                src.path(),
                &format!("tree/p{}/q{d}/small{i}.txt", d % 2),
                i * 41 % 3000,
                d * 100 + i,
            );
        }
        write(
            src.path(),
            &format!("tree/p{}/q{d}/large.bin", d % 2),
            4 * MIB + d * 1000,
            d,
        );
    }
    let out = upload(&emu, home.path(), src.path(), &[]);
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    assert_eq!(s["uploaded"], 6 * 31, "{s}");
    assert_stored_bytes(&emu, &src.path().join("tree"), "wide/tree");
    // Folders are made by hand only on the way to a large file, each once: wide, wide/tree,
    // p0, p1 and the six qN.
    assert_eq!(requests_matching(&emu, "createfolder"), 10);
    let folders = remote_folders(&emu);
    assert_eq!(folders.len(), 10, "{folders:?}");
    assert_eq!(s["folders_created"], 10, "{s}");
}

#[test]
fn a_batch_entry_whose_folder_the_server_refuses_fails_that_file_alone() {
    let (emu, home, src) = upload_world(EmulatorConfig {
        fault_relative_paths: vec!["refused".into()],
        ..Default::default()
    });
    for i in 0..20u64 {
        write(src.path(), &format!("tree/ok/f{i}.txt"), 50 + i, i);
    }
    write(src.path(), "tree/refused/bad.txt", 70, 99);
    let out = upload(&emu, home.path(), src.path(), &[]);
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(
        failed[0]["local"].as_str().unwrap().ends_with("bad.txt"),
        "{failed:?}"
    );
    let error = failed[0]["error"].as_str().unwrap();
    assert!(error.contains("relative_path"), "{error}");
    let s = summary_of(&events);
    assert_eq!(
        (s["uploaded"].as_u64(), s["failed"].as_u64()),
        (Some(20), Some(1))
    );
    let remote = remote_tree(&emu);
    assert_eq!(remote.len(), 20, "{remote:?}");
    assert!(remote.keys().all(|k| k.starts_with("wide/tree/ok/")));
    // Refused at once (a validation refusal is final): one batch, not retried.
    assert_eq!(requests_matching(&emu, "/upload/batch"), 1);
}

#[test]
fn a_file_in_the_way_of_a_folder_fails_its_files_even_with_overwrite() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    // `wide/tree/docs` is a file on the server.
    let blocker = write(src.path(), "blocker/docs", 5, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "wide/tree"])
        .arg(&blocker)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    write(src.path(), "tree/docs/a.txt", 5, 2);
    write(src.path(), "tree/docs/deeper/b.txt", 5, 3);
    write(src.path(), "tree/c.txt", 5, 4);
    let out = upload(&emu, home.path(), src.path(), &["--overwrite"]);
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 2);
    assert!(
        failed.iter().all(|e| e["error"]
            .as_str()
            .unwrap()
            .contains("a file of that name is in the way")),
        "{failed:?}"
    );
    let remote = remote_tree(&emu);
    assert!(remote.contains_key("wide/tree/c.txt"), "{remote:?}");
    assert!(!remote.keys().any(|k| k.contains("docs (")), "{remote:?}");
}

/// Five 5 MiB files (five 1 MiB chunks each) whose sessions each spend 4 × 250 ms between
/// `complete` and `stored`.
fn slow_assembly_world(
    max_sessions: u32,
) -> (RunningEmulator, tempfile::TempDir, tempfile::TempDir) {
    let (emu, home, src) = upload_world(EmulatorConfig {
        assembly_delay: std::time::Duration::from_millis(250),
        max_sessions,
        ..small_limits()
    });
    for i in 0..5u64 {
        write(src.path(), &format!("tree/big{i}.bin"), 5 * MIB, i);
    }
    (emu, home, src)
}

/// Upload the five files at `concurrency`; assert all five stored whole.
fn upload_all_five(
    emu: &RunningEmulator,
    home: &std::path::Path,
    src: &std::path::Path,
    concurrency: &str,
) {
    let out = fastio(emu, home)
        .args(["upload", "--json", "--concurrency", concurrency])
        .arg(src.join("tree"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(summary_of(&ndjson(&out.stdout))["uploaded"], 5);
    assert_stored_bytes(emu, &src.join("tree"), "tree");
}

#[test]
fn files_waiting_for_stored_leave_room_for_others_to_send() {
    let (emu, home, src) = slow_assembly_world(7500);
    // --concurrency 4: two files send chunks at a time; those waiting for `stored` do not
    // count, so more sessions than that are open at once.
    upload_all_five(&emu, home.path(), src.path(), "4");
    let peak = emu.stats()["counters"]["open_sessions_peak"]
        .as_u64()
        .unwrap();
    assert!(peak > 2, "at most {peak} sessions were open at once");
}

#[test]
fn open_sessions_stay_within_the_servers_cap() {
    let (emu, home, src) = slow_assembly_world(2);
    upload_all_five(&emu, home.path(), src.path(), "16");
    let stats = emu.stats();
    assert!(
        stats["counters"]["open_sessions_peak"].as_u64().unwrap() <= 2,
        "{stats}"
    );
    // No session was refused for the cap.
    let refused: u64 = stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| {
            route.starts_with("POST ") && route.trim_end_matches('/').ends_with("/upload")
        })
        .flat_map(|(_, by)| by.as_object().unwrap().iter())
        .filter(|(status, _)| status.as_str() != "200")
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert_eq!(refused, 0, "{stats}");
}
