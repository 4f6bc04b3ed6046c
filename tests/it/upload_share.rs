//! `upload --share ID|NAME` (issue 20): a tree into a password-protected receive share of the
//! emulator (`EmulatorConfig::shares`, `--share NAME:PASSWORD`) through the same engine as a
//! workspace: stored where the share's folder is, a rerun skips everything, receipts and
//! `verify` work, a killed run resumes, and a wrong password is one line, exit 3. The password
//! never shows.

use std::path::Path;
use std::time::Duration;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator};

const PASSWORD: &str = "s3cret-pass";

fn share_world(extra: EmulatorConfig) -> (RunningEmulator, tempfile::TempDir, tempfile::TempDir) {
    upload_world(EmulatorConfig {
        shares: vec![format!("drop:{PASSWORD}"), "open".into()],
        ..extra
    })
}

/// `fastio ARGS…` with the share's password in FASTIO_SHARE_PASSWORD.
fn with_password(emu: &RunningEmulator, home: &Path) -> assert_cmd::Command {
    let mut cmd = fastio(emu, home);
    cmd.env("FASTIO_SHARE_PASSWORD", PASSWORD);
    cmd
}

/// Nothing a run printed or wrote holds the password.
fn assert_password_never_shown(home: &Path, outputs: &[&std::process::Output]) {
    for out in outputs {
        assert!(!stdout_of(out).contains(PASSWORD) && !stderr_of(out).contains(PASSWORD));
    }
    for e in walkdir::WalkDir::new(home)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(PASSWORD),
                "{} holds the password",
                e.path().display()
            );
        }
    }
}

#[test]
fn a_tree_round_trips_through_a_password_protected_share() {
    let (emu, home, src) = share_world(small_limits());
    let tree = src.path().join("t");
    for i in 0..30 {
        write(&tree, &format!("d{}/f{i}.txt", i % 3), 100 + i, i);
    }
    write(&tree, "big/video.bin", 5 * MIB, 99);
    let receipt = home.path().join("r.jsonl");
    let up = with_password(&emu, home.path())
        .args(["upload", "--json", "--share", "drop", "--receipt"])
        .arg(&receipt)
        .arg(&tree)
        .output()
        .unwrap();
    assert_exit(&up, 0);
    assert_eq!(summary_of(&ndjson(&up.stdout))["uploaded"], 31);
    // The share's root is its folder `drop` in the workspace.
    assert_stored_bytes(&emu, &tree, "drop/t");
    assert!(requests_matching(&emu, "/share/") > 0, "share routes used");

    // By id too, and again: everything is skipped.
    let id = emu.shares[0].0.clone();
    let again = with_password(&emu, home.path())
        .args(["upload", "--json", "--share", &id])
        .arg(&tree)
        .output()
        .unwrap();
    assert_exit(&again, 0);
    let s = summary_of(&ndjson(&again.stdout));
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(0), Some(31)),
        "{s}"
    );

    let by_receipt = with_password(&emu, home.path())
        .args(["verify", "--receipt"])
        .arg(&receipt)
        .output()
        .unwrap();
    assert_all_verified(&by_receipt, 31);
    let by_tree = with_password(&emu, home.path())
        .args(["verify", "--share", "drop"])
        .arg(&tree)
        .output()
        .unwrap();
    assert_all_verified(&by_tree, 31);
    // The password on the command line is kept out of the receipt too.
    let flag = fastio(&emu, home.path())
        .args([
            "upload",
            "--share",
            "drop",
            "--share-password",
            PASSWORD,
            "--to",
            "x",
        ])
        .args(["--receipt"])
        .arg(home.path().join("r2.jsonl"))
        .arg(tree.join("d0"))
        .output()
        .unwrap();
    assert_exit(&flag, 0);
    assert_password_never_shown(home.path(), &[&up, &again, &by_receipt, &by_tree, &flag]);
}

#[test]
fn a_wrong_or_missing_share_password_is_one_line_and_exit_3() {
    let (emu, home, src) = share_world(EmulatorConfig::default());
    let f = write(src.path(), "a.txt", 10, 1);
    for password in [Some("not-the-password-123"), None] {
        let mut cmd = fastio(&emu, home.path());
        cmd.args(["upload", "--share", "drop"]).arg(&f);
        if let Some(p) = password {
            cmd.env("FASTIO_SHARE_PASSWORD", p);
        }
        let out = cmd.output().unwrap();
        assert_exit(&out, 3);
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("password is missing or wrong"), "{err}");
        assert!(!err.contains("not-the-password-123"), "{err}");
    }
    // A share without a password needs none; an unknown one is exit 4; two targets exit 2.
    let out = fastio(&emu, home.path())
        .args(["upload", "--share", "open"])
        .arg(&f)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let out = fastio(&emu, home.path())
        .args(["upload", "--share", "nosuch"])
        .arg(&f)
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let out = fastio(&emu, home.path())
        .args([
            "upload",
            "--share",
            "open",
            "--workspace",
            &emu.workspace_id,
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let stored: Vec<String> = remote_tree(&emu).into_keys().collect();
    assert_eq!(stored, vec!["open/a.txt".to_string()]);
}

#[test]
fn a_killed_upload_into_a_share_resumes() {
    let emu = emulator(EmulatorConfig {
        shares: vec![format!("drop:{PASSWORD}")],
        bandwidth_per_conn: Some(15_000_000),
        ..small_limits()
    });
    let (home, src) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = write(src.path(), "big/video.bin", 30 * MIB, 42);
    let chunks_of = |emu: &RunningEmulator| -> u64 {
        emu.stats()["chunks"]
            .as_object()
            .map(|m| m.values().map(|v| v.as_u64().unwrap()).sum())
            .unwrap_or(0)
    };
    let chunks = || chunks_of(&emu);
    let mut child = fastio_std(&emu, home.path())
        .env("FASTIO_SHARE_PASSWORD", PASSWORD)
        .args(["upload", "--progress", "none", "--share", "drop"])
        .arg(src.path().join("big"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until(&emu, "6 chunks stored", Duration::from_secs(60), |e| {
        chunks_of(e) >= 6
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "finished before the kill"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // What the killed client had in flight is over on the server's side.
    wait_idle(&emu);
    let first = chunks();
    assert!(first < 30, "killed mid-way ({first} of 30)");
    let out = with_password(&emu, home.path())
        .args(["upload", "--json", "--share", "drop"])
        .arg(src.path().join("big"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let done = of_type(&events, "file_done");
    assert_eq!(done.len(), 1, "{events:?}");
    assert_eq!(done[0]["resumed"], true);
    assert_eq!(
        done[0]["sha256"],
        sha256_hex(&std::fs::read(&file).unwrap())
    );
    // Every chunk accepted once over both runs, in one session.
    let (per_session, stats) = chunks_per_session(&emu);
    assert_eq!(per_session, vec![30], "{stats}");
    assert_stored_bytes(&emu, &src.path().join("big"), "drop/big");
}
