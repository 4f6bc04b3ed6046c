//! Exit 0 means every planned file is accounted for: a task that panics (the test-only fault
//! `FASTIO_TEST_PANIC`) fails its file, named, with exit 1; a batch that panics leaves none of
//! its files green; and output that could not be written is an error, while a closed pipe
//! stays quiet.

use std::process::Stdio;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

/// Three small files under `src/name`.
fn three(src: &std::path::Path, name: &str) -> std::path::PathBuf {
    let d = src.join(name);
    for (i, f) in ["a.txt", "b.txt", "c.txt"].iter().enumerate() {
        write(&d, f, 10 + i as u64, i as u64);
    }
    d
}

#[test]
fn a_file_task_that_panics_fails_that_file_by_name_with_exit_1() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = three(src.path(), "p");
    let out = fastio(&emu, home.path())
        .env("FASTIO_TEST_PANIC", "b.txt")
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(failed[0]["local"].as_str().unwrap().ends_with("b.txt"));
    let error = failed[0]["error"].as_str().unwrap();
    assert!(
        error.contains("internal error") && error.contains("panicked"),
        "{error}"
    );
    let s = summary_of(&events);
    assert_eq!(
        (s["uploaded"].as_u64(), s["failed"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    assert_eq!(s["not_started"], 0);
    let remote = remote_tree(&emu);
    assert!(remote.contains_key("p/a.txt") && remote.contains_key("p/c.txt"));
    assert!(!remote.contains_key("p/b.txt"));
    // The terminal names it too.
    let err = stderr_of(&out);
    assert!(
        err.contains("failed `") && err.contains("b.txt`: internal error"),
        "{err}"
    );
}

#[test]
fn a_batch_that_panics_leaves_none_of_its_files_green() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = three(src.path(), "q");
    let out = fastio(&emu, home.path())
        .env("FASTIO_TEST_PANIC", "batch:b.txt")
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    for f in failed_files(&events, 3) {
        let error = f["error"].as_str().unwrap();
        assert!(error.contains("without an outcome"), "{error}");
    }
    let s = summary_of(&events);
    assert_eq!(s["failed"], 3, "{s}");
    assert_eq!(s["planned"], 3, "{s}");
}

/// stdout on a full disk: the report is lost, so the run is not a success (coreutils exit 1
/// the same way), and it says so on stderr.
#[test]
fn output_that_cannot_be_written_is_an_error() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = three(src.path(), "full");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = fastio_std(&emu, home.path())
        .args(["upload", "--json"])
        .arg(&d)
        .stdout(full())
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr_of(&out);
    assert!(
        err.contains("writing to standard output: No space left on device"),
        "{err}"
    );
    // The upload itself went through.
    assert_stored(&emu, &d, "full");
    // `verify`'s report too: all matches, yet nobody could read it.
    let out = fastio_std(&emu, home.path())
        .arg("verify")
        .arg(&d)
        .stdout(full())
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr_of(&out).contains("writing to standard output"));
    // And what needs no server (a completion script, which used to be written unchecked).
    let out = fastio_std(&emu, home.path())
        .args(["completions", "bash"])
        .stdout(full())
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr_of(&out).contains("writing to standard output"));
}

/// A reader that went away (`fastio … | true`) is no error: exit 0, nothing said.
#[test]
fn a_closed_pipe_stays_quiet() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = three(src.path(), "piped");
    let cmd = fastio_std(&emu, home.path());
    let mut sh = std::process::Command::new("bash");
    sh.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    let out = sh
        .arg("-c")
        .arg(r#""$0" upload --json "$1" | true; exit "${PIPESTATUS[0]}""#)
        .arg(cmd.get_program())
        .arg(&d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let err = stderr_of(&out);
    assert!(
        !err.contains("standard output") && !err.contains("panicked"),
        "{err}"
    );
    assert_stored(&emu, &d, "piped");
}

/// A receipt that could not be written in full (here the file size limit, `ulimit -f`) is
/// lost output too: said, and not exit 0.
#[test]
fn a_receipt_that_cannot_be_written_in_full_is_not_a_success() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("many");
    for i in 0..12 {
        write(&d, &format!("f{i:02}.txt"), 10 + i, i);
    }
    let receipt = home.path().join("r.jsonl");
    let cmd = fastio_std(&emu, home.path());
    let mut sh = std::process::Command::new("bash");
    sh.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    // SIGXFSZ ignored (inherited across exec): a write past the limit fails with EFBIG.
    let out = sh
        .arg("-c")
        .arg(r#"trap "" XFSZ; ulimit -f 2; exec "$0" upload --progress none --receipt "$1" "$2""#)
        .arg(cmd.get_program())
        .arg(&receipt)
        .arg(&d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr_of(&out);
    assert!(err.contains("is incomplete: writing it failed"), "{err}");
    assert_stored(&emu, &d, "many");
}

/// A walk that dies part-way leaves files unplanned: never exit 0.
#[test]
fn a_walk_that_dies_is_not_a_success() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = three(src.path(), "w");
    let out = fastio(&emu, home.path())
        .env("FASTIO_TEST_PANIC", "walk:b.txt")
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("the walk ended early")
    );
}
