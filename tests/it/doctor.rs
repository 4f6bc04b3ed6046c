//! `fastio doctor` through the binary against the emulator: it passes under every wire
//! variant (naming the differences it saw), names the one broken call, writes nothing with
//! `--read-only`, and removes its scratch folder even when stopped by a signal.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant};
use serde_json::Value;

fn doctor_config(variants: &[Variant]) -> EmulatorConfig {
    EmulatorConfig {
        variants: variants.iter().copied().collect(),
        allow_private_urls: true,
        ..Default::default()
    }
}

/// Folders left at the workspace root whose name starts with `fastio-doctor-`.
fn scratch_left(emu: &RunningEmulator) -> Vec<String> {
    remote_folders(emu)
        .into_iter()
        .filter(|f| f.starts_with("fastio-doctor-"))
        .collect()
}

/// `doctor --all --json`: (exit code, check lines by name, stderr).
fn run_doctor(emu: &RunningEmulator, extra: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let home = tempfile::tempdir().unwrap();
    let out = fastio(emu, home.path())
        .args(["doctor", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let lines = ndjson(&out.stdout);
    (
        out.status.code(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check<'a>(lines: &'a [Value], name: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["type"] == "check" && l["name"] == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {lines:?}"))
}

fn passes_under(variants: &[Variant]) -> Vec<Value> {
    let emu = emulator(doctor_config(variants));
    let (code, lines, stderr) = run_doctor(&emu, &["--all"]);
    let failed: Vec<_> = lines.iter().filter(|l| l["result"] == "fail").collect();
    assert_eq!(code, Some(0), "{variants:?}: {failed:?} {stderr}");
    for name in [
        "credential",
        "workspace",
        "limits",
        "createfolder",
        "single-call upload",
        "batch upload",
        "listing",
        "chunked upload",
        "details wait",
        "lock",
        "import-url",
        "ask",
        "cleanup",
    ] {
        assert_eq!(check(&lines, name)["result"], "pass", "{variants:?} {name}");
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "doctor_summary");
    assert_eq!(summary["failed"], 0);
    assert!(scratch_left(&emu).is_empty(), "{:?}", scratch_left(&emu));
    lines
}

#[test]
fn doctor_passes_against_the_default_emulator() {
    let lines = passes_under(&[]);
    // The default shapes are the canonical ones: nothing to report.
    for l in lines.iter().filter(|l| l["type"] == "check") {
        assert_eq!(l["differences"], serde_json::json!([]), "{l}");
    }
}

#[test]
fn doctor_passes_under_the_first_half_of_the_variants() {
    every_variant_in(&Variant::ALL[..Variant::ALL.len() / 2]);
}

#[test]
fn doctor_passes_under_the_second_half_of_the_variants() {
    every_variant_in(&Variant::ALL[Variant::ALL.len() / 2..]);
}

/// `doctor --all` passes under each variant, and names in its differences what the variant
/// changes on the wire. The variants run at once (each its own emulator and doctor process):
/// a doctor run mostly waits on its long-polls.
fn every_variant_in(variants: &[Variant]) {
    let runs: Vec<(Variant, Vec<Value>)> = std::thread::scope(|s| {
        let handles: Vec<_> = variants
            .iter()
            .map(|v| s.spawn(move || (*v, passes_under(&[*v]))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (v, lines) in runs {
        let v = &v;
        let differs = |name: &str, field: &str| {
            check(&lines, name)["differences"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["field"] == field)
        };
        match v {
            Variant::YesNo => assert!(differs("single-call upload", "result"), "{v}"),
            Variant::Response => assert!(differs("batch upload", "envelope"), "{v}"),
            Variant::WaitMs => assert!(differs("details wait", "wait"), "{v}"),
            Variant::NoWorkspaceDetails => {
                assert!(differs("workspace", "GET /workspace/{id}/details/"), "{v}")
            }
            Variant::StringHasMore => assert!(differs("listing", "pagination.has_more"), "{v}"),
            Variant::NestedLockToken => assert!(differs("lock", "lock_token"), "{v}"),
            Variant::NoFolderLocks => assert!(differs("lock", "folder lock"), "{v}"),
            Variant::AsyncUploads | Variant::OmitNewFileIds => {
                assert!(differs("batch upload", "results[].node_id"), "{v}")
            }
            Variant::StoredWithoutId => {
                assert!(differs("details wait", "session.new_file_id"), "{v}")
            }
            Variant::ExactChunksLate => {
                assert!(differs("details wait", "chunk size at complete"), "{v}")
            }
            Variant::FailFirstAssemblies => assert!(differs("details wait", "session"), "{v}"),
            Variant::FolderLockBindsHolder => assert!(differs("lock", "folder lock"), "{v}"),
            Variant::IsoExpiry | Variant::DatetimeExpiry | Variant::LegacyRateHeaders => {}
            _ => {}
        }
    }
}

#[test]
fn doctor_names_the_broken_call() {
    let emu = emulator(EmulatorConfig {
        fault_routes: vec!["POST /upload/batch=403".parse().unwrap()],
        ..doctor_config(&[])
    });
    let (code, lines, _) = run_doctor(&emu, &[]);
    assert_eq!(code, Some(1));
    let batch = check(&lines, "batch upload");
    assert_eq!(batch["result"], "fail");
    assert!(batch["detail"].as_str().unwrap().contains("403"), "{batch}");
    assert_eq!(check(&lines, "listing")["result"], "skip");
    assert_eq!(check(&lines, "single-call upload")["result"], "pass");
    assert_eq!(check(&lines, "cleanup")["result"], "pass");
    assert!(scratch_left(&emu).is_empty());

    // The human table names it too.
    let home = tempfile::tempdir().unwrap();
    let out = fastio(&emu, home.path()).arg("doctor").output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let row = table
        .lines()
        .find(|l| l.starts_with("batch upload"))
        .unwrap();
    assert!(row.contains("FAIL") && row.contains("HTTP 403"), "{table}");
}

#[test]
fn read_only_doctor_writes_nothing() {
    let emu = emulator(doctor_config(&[]));
    let (code, lines, stderr) = run_doctor(&emu, &["--read-only"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(check(&lines, "createfolder")["result"], "skip");
    assert_eq!(check(&lines, "listing")["result"], "pass");
    for route in ["createfolder", "POST /current/upload", "/lock"] {
        assert_eq!(requests_matching(&emu, route), 0, "{route}");
    }
}

/// SIGTERM while a check runs: no further check starts, the scratch folder is removed, exit 130.
#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[test]
fn an_interrupted_doctor_still_cleans_up() {
    let emu = emulator(EmulatorConfig {
        assembly_delay: Duration::from_secs(3),
        ..doctor_config(&[])
    });
    let home = tempfile::tempdir().unwrap();
    let mut child = fastio_std(&emu, home.path())
        .arg("doctor")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut seen = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        // The chunked upload is done: the details wait takes the assembly delay.
        if line.starts_with("chunked upload") {
            break;
        }
        line.clear();
    }
    assert!(seen.contains("chunked upload"), "{seen}");
    assert!(
        !scratch_left(&emu).is_empty(),
        "the scratch folder exists while it runs"
    );
    assert!(crate::support::cmd::kill("-TERM", child.id()));
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut out, &mut rest);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(
        !rest.contains("\nlock "),
        "no check started after the signal: {rest}"
    );
    assert!(rest.contains("cleanup"), "{rest}");
    assert!(scratch_left(&emu).is_empty(), "{:?}", scratch_left(&emu));
}

/// Point 7: `doctor --all` asks about a file uploaded seconds earlier: it waits for the
/// file's AI state first (the server refuses to answer about a `pending` file), then waits for
/// the answer with the activity long-poll, not by polling the message every 500 ms.
#[test]
fn doctor_waits_for_the_ai_state_then_long_polls_the_answer() {
    let emu = emulator(EmulatorConfig {
        answer_delay: Duration::from_secs(3),
        ..doctor_config(&[Variant::SlowAiState])
    });
    let (code, lines, stderr) = run_doctor(&emu, &["--all"]);
    let ask = check(&lines, "ask");
    assert_eq!(ask["result"], "pass", "{ask} {stderr}");
    assert_eq!(code, Some(0), "{stderr}");
    // A 3 s answer at 500 ms a poll is 6 or more reads of the message.
    let reads = requests_matching(&emu, "/message/");
    assert!(reads <= 4, "{reads} reads of the message: {}", stats(&emu));
}
