#![cfg(feature = "emulator")]
//! CI-native runs through the binary: GitHub Actions output (annotations, folded progress,
//! step summary; nothing of it outside Actions) and `--shard I/N` (three shards in parallel
//! store exactly the tree, no file twice).

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{cmd::*, emulator::*, tree::*};

/// A small tree with one file that cannot be uploaded (a `\` in its name is not allowed).
fn tree_with_one_bad_file(root: &std::path::Path) -> std::path::PathBuf {
    let t = root.join("ci");
    write(&t, "a.txt", 10, 1);
    write(&t, "sub/b.txt", 20, 2);
    write(&t, "sub/bad\\name.txt", 5, 3);
    t
}

/// `cmd upload --to dest TREE` (a tree with one bad file): exits 1; the output and its stderr.
fn upload_with_a_bad_file(
    cmd: &mut assert_cmd::Command,
    tree: &std::path::Path,
) -> (std::process::Output, String) {
    let out = cmd
        .args(["upload", "--to", "dest"])
        .arg(tree)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    (out, stderr)
}

#[test]
fn in_github_actions_a_failed_file_is_annotated_and_the_run_tabled() {
    let (emu, home, src) = upload_world(small_limits());
    let tree = tree_with_one_bad_file(src.path());
    let step_summary = home.path().join("step-summary.md");
    std::fs::write(&step_summary, "# earlier step\n").unwrap();
    let (out, stderr) = upload_with_a_bad_file(
        fastio(&emu, home.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &step_summary),
        &tree,
    );
    let lines: Vec<&str> = stderr.lines().collect();
    let group = lines
        .iter()
        .position(|l| l.starts_with("::group::"))
        .unwrap();
    let end = lines.iter().position(|l| *l == "::endgroup::").unwrap();
    assert!(group < end, "{stderr}");
    // The progress and summary lines are folded; the annotation follows the group.
    assert!(
        lines[group..end]
            .iter()
            .any(|l| l.contains("uploaded 2 files")),
        "{stderr}"
    );
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    let bad = tree.join("sub/bad\\name.txt");
    let expected_file = format!("file={}", bad.display()).replace(':', "%3A");
    assert!(errors[0].contains(&expected_file), "{}", errors[0]);
    // The plan refuses the name before any request: the message says why.
    assert!(errors[0].contains("not allowed"), "{}", errors[0]);
    assert!(
        lines
            .iter()
            .position(|l| l.starts_with("::error "))
            .unwrap()
            > end,
        "{stderr}"
    );
    // stdout carries no workflow commands.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("::"));

    let md = std::fs::read_to_string(&step_summary).unwrap();
    assert!(md.starts_with("# earlier step\n"), "appended, not replaced");
    assert!(md.contains("### fastio upload: failed"), "{md}");
    assert!(
        md.contains("| Uploaded | Skipped | Failed | Bytes | Wall | Throughput | 429s |"),
        "{md}"
    );
    assert!(md.contains("| 2 | 0 | 1 | 30 B |"), "{md}");
    assert!(md.contains("bad\\name.txt"), "{md}");
    assert!(md.contains("#### Failures"), "{md}");
}

#[test]
fn outside_github_actions_there_are_no_workflow_commands_and_no_table() {
    let (emu, home, src) = upload_world(small_limits());
    let tree = tree_with_one_bad_file(src.path());
    let step_summary = home.path().join("step-summary.md");
    // GITHUB_STEP_SUMMARY alone does not make a run an Actions run.
    let (out, stderr) = upload_with_a_bad_file(
        fastio(&emu, home.path()).env("GITHUB_STEP_SUMMARY", &step_summary),
        &tree,
    );
    assert!(stderr.contains("failed"), "{stderr}");
    assert!(!stderr.contains("::"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("::"));
    assert!(!step_summary.exists());
    // --ci none wins over the environment.
    let out = fastio(&emu, home.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .args(["upload", "--ci", "none", "--to", "dest2"])
        .arg(&tree)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("::"));
    assert!(!step_summary.exists());
}

#[test]
fn verify_in_github_actions_annotates_each_problem() {
    let (emu, home, src) = upload_world(small_limits());
    write(src.path(), "v/a.txt", 10, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--progress", "none"])
        .arg(src.path().join("v"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    write(src.path(), "v/b.txt", 10, 2);
    let step_summary = home.path().join("s.md");
    let out = fastio(&emu, home.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .arg("verify")
        .arg(src.path().join("v"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("v/b.txt") && errors[0].contains("missing"));
    let md = std::fs::read_to_string(&step_summary).unwrap();
    assert!(md.contains("### fastio verify: differences"), "{md}");
    assert!(md.contains("| missing | `v/b.txt` |"), "{md}");
}

#[test]
fn three_shards_in_parallel_store_exactly_the_tree_once() {
    let emu = emulator(small_limits());
    let src = tempfile::tempdir().unwrap();
    let n = mixed_tree(src.path(), 6 * MIB);
    let tree = src.path().join("tree");

    // The dry run shows the shard and its share.
    let home = tempfile::tempdir().unwrap();
    let dry = fastio(&emu, home.path())
        .args([
            "--json",
            "upload",
            "--dry-run",
            "--shard",
            "2/3",
            "--to",
            "dest",
        ])
        .arg(&tree)
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0));
    let events = ndjson(&dry.stdout);
    let s = summary_of(&events);
    assert_eq!(s["shard"], "2/3");
    let would = events
        .iter()
        .filter(|e| e["type"] == "would_upload")
        .count() as u64;
    assert_eq!(s["uploaded"].as_u64(), Some(would));
    assert_eq!(would + s["out_of_shard"].as_u64().unwrap(), n as u64);
    assert!(
        would > n as u64 / 5 && would < n as u64 / 2,
        "{would} of {n}"
    );
    let human = fastio(&emu, home.path())
        .args(["upload", "--dry-run", "--shard", "2/3", "--to", "dest"])
        .arg(&tree)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stderr).contains("shard 2/3"));
    assert!(remote_tree(&emu).is_empty(), "a dry run stores nothing");

    // Three jobs at once, each with its own home (as CI runners would be).
    let homes: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let children: Vec<_> = (1..=3)
        .map(|i| {
            fastio_std(&emu, homes[i - 1].path())
                .args(["--json", "upload", "--progress", "none", "--to", "dest"])
                .args(["--shard", &format!("{i}/3")])
                .arg(&tree)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "shard {}: {}",
            i + 1,
            String::from_utf8_lossy(&out.stderr)
        );
        for e in ndjson(&out.stdout) {
            if e["type"] == "file_done" {
                let p = e["remote_path"].as_str().unwrap().to_string();
                assert!(
                    owner.insert(p.clone(), i + 1).is_none(),
                    "{p} uploaded twice"
                );
            }
        }
    }
    assert_eq!(owner.len(), n, "the union is the whole tree");
    assert!(
        (1..=3).all(|i| owner.values().any(|o| *o == i)),
        "every shard had work"
    );
    assert_stored_bytes(&emu, &tree, "dest/tree");
    assert_eq!(remote_tree(&emu).len(), n);
    // No file stored twice, no folder made twice (no auto-renamed duplicates).
    assert_eq!(emu.stats()["counters"]["files_stored"], n as u64);
    let folders = remote_folders(&emu);
    let unique: BTreeSet<_> = folders.iter().collect();
    assert_eq!(unique.len(), folders.len());
    assert!(folders.iter().all(|f| !f.contains(" (")), "{folders:?}");
}

#[test]
fn a_bad_shard_is_a_usage_error_naming_the_flag() {
    let emu = emulator(small_limits());
    let home = tempfile::tempdir().unwrap();
    for bad in ["0/3", "4/3", "x", "1/0"] {
        let out = fastio(&emu, home.path())
            .args(["upload", "--shard", bad, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--shard"),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
