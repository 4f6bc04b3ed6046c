#![cfg(feature = "emulator")]
//! `fastio upload - --name NAME`: standard input streamed into one file (stream upload), and
//! spooled then sent in chunks where the server refuses streams; through the binary, with a
//! real pipe (`head -c 30M /dev/urandom | tee x | fastio upload - --name x.bin`).

use std::path::Path;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant};

/// Run `head -c 30M /dev/urandom | tee x | fastio <args>` in `dir`, in the same hermetic
/// environment as [`fastio_std`]; returns the output and the bytes of `x`.
fn piped(
    emu: &RunningEmulator,
    home: &Path,
    dir: &Path,
    args: &str,
) -> (std::process::Output, Vec<u8>) {
    let bin = assert_cmd::cargo::cargo_bin("fastio");
    let env = fastio_std(emu, home);
    let mut cmd = std::process::Command::new("bash");
    cmd.env_clear();
    for (k, v) in env.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    // The spool (where standard input is kept as it is read) in this test's own TMPDIR.
    let tmp = home.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    cmd.env("TMPDIR", &tmp);
    let script = format!(
        "set -o pipefail; head -c 30M /dev/urandom | tee x | '{}' {args}",
        bin.display()
    );
    let out = cmd
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .output()
        .unwrap();
    let x = std::fs::read(dir.join("x")).unwrap();
    (out, x)
}

/// The temporary copy of standard input is gone from the test's TMPDIR.
fn assert_no_spool_left(home: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(home.join("tmp"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn stored(emu: &RunningEmulator, path: &str) -> Stored {
    remote_tree_read(emu)
        .remove(path)
        .unwrap_or_else(|| panic!("`{path}` not stored"))
}

#[test]
fn standard_input_is_streamed_into_one_file_with_identical_bytes() {
    let emu = emulator(small_limits());
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (out, x) = piped(
        &emu,
        home.path(),
        dir.path(),
        "--json upload - --name x.bin --to pipes",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(x.len(), 30 << 20);
    let s = stored(&emu, "pipes/x.bin");
    assert_eq!(s.size, x.len() as u64);
    assert_eq!(
        s.sha256,
        sha256_hex(&x),
        "the bytes read back are those of x"
    );
    // A stream upload: one stream, no chunks.
    let stats = emu.stats();
    assert_eq!(stats["counters"]["streams"], 1, "{stats}");
    assert_eq!(requests_matching(&emu, "/chunk"), 0);
    let events = ndjson(&out.stdout);
    let done = of_type(&events, "file_done");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["local"], "-");
    assert_eq!(done[0]["sha256"], sha256_hex(&x).as_str());
    assert_eq!(done[0]["size"], x.len());
    assert!(done[0]["upload_id"].is_string());
    assert_eq!(done[0]["node_id"], s.id.as_str());
    assert_eq!(summary_of(&events)["uploaded"], 1);

    // Without --json the SHA-256 is reported on stderr.
    let (out, x) = piped(&emu, home.path(), dir.path(), "upload - --name y.bin");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&sha256_hex(&x)), "{stderr}");
    assert_eq!(stored(&emu, "y.bin").sha256, sha256_hex(&x));
}

#[test]
fn where_streams_are_refused_standard_input_is_spooled_and_sent_in_chunks() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::NoStream].into(),
        ..small_limits()
    });
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let receipt = dir.path().join("r.jsonl");
    let (out, x) = piped(
        &emu,
        home.path(),
        dir.path(),
        &format!(
            "--json upload - --name x.bin --progress none --receipt '{}'",
            receipt.display()
        ),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("spooling standard input"), "{stderr}");
    let s = stored(&emu, "x.bin");
    assert_eq!(s.sha256, sha256_hex(&x));
    assert!(emu.stats()["counters"]["streams"].is_null());
    // 30 MiB in 1 MiB chunks.
    assert!(requests_matching(&emu, "/chunk") >= 30);
    let events = ndjson(&out.stdout);
    let done = of_type(&events, "file_done");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["local"], "-", "the temporary file is not shown");
    assert_eq!(done[0]["sha256"], sha256_hex(&x).as_str());
    assert_no_spool_left(home.path());
    // The receipt records it too.
    let text = std::fs::read_to_string(&receipt).unwrap();
    let line: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["type"] == "file")
        .unwrap();
    assert_eq!(line["sha256"], sha256_hex(&x).as_str());
    assert_eq!(line["node_id"], s.id.as_str());
}

#[test]
fn max_size_refuses_longer_input_and_stores_nothing() {
    for variants in [vec![], vec![Variant::NoStream]] {
        let emu = emulator(EmulatorConfig {
            variants: variants.iter().copied().collect(),
            ..small_limits()
        });
        let home = tempfile::tempdir().unwrap();
        let out = fastio(&emu, home.path())
            .args(["upload", "-", "--name", "m.bin", "--max-size", "1MiB"])
            .write_stdin(vec![1u8; 3 << 20])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{variants:?}: {stderr}");
        assert!(stderr.contains("--max-size"), "{variants:?}: {stderr}");
        assert!(remote_tree(&emu).is_empty(), "{variants:?}");
    }
}

#[test]
fn small_and_empty_standard_input() {
    let emu = emulator(small_limits());
    let home = tempfile::tempdir().unwrap();
    for (name, data) in [
        ("empty.txt", Vec::new()),
        ("hello.txt", b"hello\n".to_vec()),
    ] {
        let out = fastio(&emu, home.path())
            .args(["upload", "-", "--name", name, "--to", "in"])
            .write_stdin(data.clone())
            .output()
            .unwrap();
        assert_exit(&out, 0);
        let s = stored(&emu, &format!("in/{name}"));
        assert_eq!(s.sha256, sha256_hex(&data));
    }
}

#[test]
fn standard_input_needs_a_name_and_stands_alone() {
    let emu = emulator(small_limits());
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["upload", "-"],
        vec!["upload", "-", "other", "--name", "a"],
        vec!["upload", "-", "--name", "a/b"],
        vec!["upload", "-", "--name", "a", "--dry-run"],
        vec!["upload", "-", "--name", "a", "--shard", "1/2"],
        vec!["upload", ".", "--name", "a"],
    ] {
        let out = fastio(&emu, home.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// Points 3 and 4: a server that refuses a stream without `Content-Length` after reading part
/// of it. What was read is kept as it is read, so the upload is finished from that copy (in
/// chunks, with known lengths), with identical bytes, and the copy is removed.
#[test]
fn a_stream_refused_part_way_is_finished_from_what_was_kept() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::StreamNeedsLength].into(),
        ..small_limits()
    });
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (out, x) = piped(
        &emu,
        home.path(),
        dir.path(),
        "--json upload - --name y.bin",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("refused the stream part-way").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stored(&emu, "y.bin").sha256, sha256_hex(&x));
    assert_eq!(
        emu.stats()["requests"]["POST /current/upload/{id}/stream"]["411"],
        1
    );
    assert!(requests_matching(&emu, "/chunk") >= 30);
    let events = ndjson(&out.stdout);
    assert_eq!(of_type(&events, "file_done").len(), 1);
    assert_eq!(summary_of(&events)["uploaded"], 1);
    assert_no_spool_left(home.path());
}

/// Point 3: with `--size` the stream declares its length: the same server takes it as one
/// stream; input of another size fails, and nothing is stored.
#[test]
fn with_size_the_stream_declares_its_length() {
    let emu = emulator(EmulatorConfig {
        variants: [Variant::StreamNeedsLength].into(),
        ..small_limits()
    });
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (out, x) = piped(
        &emu,
        home.path(),
        dir.path(),
        "upload - --name y.bin --size 30MiB",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stored(&emu, "y.bin").sha256, sha256_hex(&x));
    assert_eq!(emu.stats()["counters"]["streams"], 1);
    assert_eq!(requests_matching(&emu, "/chunk"), 0);
    assert_no_spool_left(home.path());

    let (out, _) = piped(
        &emu,
        home.path(),
        dir.path(),
        "upload - --name z.bin --size 1M",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("longer than --size"),
        "{}",
        stderr_of(&out)
    );
    assert!(!remote_tree(&emu).contains_key("z.bin"));
}
