//! Every input read line by line has a bound: a list (`--files-from`, `--urls-from`), a receipt
//! or a secret on stdin past its bound, or a device that never ends, is a clear usage error
//! (exit 2) naming the bound, found after at most the bound's worth of reading: never
//! unbounded memory or a run that never ends.

use std::process::Stdio;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

fn assert_usage(out: &std::process::Output, needle: &str) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "wanted `{needle}` in: {err}");
    assert_eq!(
        err.lines().filter(|l| l.contains(needle)).count(),
        1,
        "{err}"
    );
}

#[test]
fn a_files_from_list_that_never_ends_is_refused() {
    let (emu, home, _src) = upload_world(EmulatorConfig::default());
    // One endless line.
    let out = fastio(&emu, home.path())
        .args(["upload", "--files-from", "/dev/zero"])
        .output()
        .unwrap();
    assert_usage(
        &out,
        "--files-from `/dev/zero`: entry 1 is longer than 65536 bytes (the limit for a path)",
    );
    // Endless empty entries.
    let out = fastio(&emu, home.path())
        .args(["upload", "--files-from", "/dev/zero", "-0"])
        .output()
        .unwrap();
    assert_usage(
        &out,
        "more than 10000000 entries (the limit for a list of paths)",
    );
    assert_eq!(requests_matching(&emu, "/upload/batch"), 0);
}

/// A bad entry after good ones stops the run (the files before it that were sent stay sent;
/// the rest is not started) with exit 2.
#[test]
fn an_overlong_entry_in_a_list_stops_the_run_with_exit_2() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let a = write(src.path(), "a.txt", 10, 1);
    let list = src.path().join("list.txt");
    let long = "x".repeat(70_000);
    std::fs::write(&list, format!("{}\n{long}\n", a.display())).unwrap();
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--files-from"])
        .arg(&list)
        .output()
        .unwrap();
    assert_usage(&out, "entry 2 is longer than 65536 bytes");
    let events = ndjson(&out.stdout);
    assert_eq!(of_type(&events, "stopped").len(), 1, "{events:?}");
    let s = summary_of(&events);
    assert_eq!(s["interrupted"], false, "{s}");
}

#[test]
fn a_url_list_that_never_ends_is_refused_before_anything_is_sent() {
    let (emu, home, _src) = upload_world(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .args(["import-url", "--urls-from", "/dev/zero"])
        .output()
        .unwrap();
    assert_usage(
        &out,
        "/dev/zero: entry 1 is longer than 65536 bytes (the limit for a URL)",
    );
    let out = fastio_std(&emu, home.path())
        .args(["import-url", "--urls-from", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_usage(&out, "stdin: entry 1 is longer than 65536 bytes");
    assert_eq!(requests_matching(&emu, "/web_upload"), 0);
}

#[test]
fn a_receipt_that_never_ends_is_refused() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let out = fastio(&emu, home.path())
        .args(["verify", "--receipt", "/dev/zero"])
        .output()
        .unwrap();
    assert_usage(
        &out,
        "entry 1 is longer than 1048576 bytes (the limit for a line)",
    );
    // A receipt to continue is read with the same bounds.
    let d = src.path().join("r");
    write(&d, "f.txt", 10, 1);
    let receipt = src.path().join("r.jsonl");
    std::fs::write(&receipt, "x".repeat(2 << 20)).unwrap();
    let out = fastio(&emu, home.path())
        .args(["upload", "--receipt"])
        .arg(&receipt)
        .arg(&d)
        .output()
        .unwrap();
    assert_usage(&out, "longer than 1048576 bytes");
}

#[test]
fn an_api_key_on_stdin_that_never_ends_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let out = hermetic(home.path(), Keyring::Isolated)
        .args([
            "--api-base",
            "http://127.0.0.1:9/current",
            "login",
            "--api-key",
        ])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    // Where no keyring at all can be had, login says so first (exit 3); otherwise the key.
    if out.status.code() != Some(3) {
        assert_usage(
            &out,
            "the API key on stdin is too long: more than 64 KiB in all",
        );
    } else {
        assert!(err.contains("keyring"), "{err}");
    }
}
