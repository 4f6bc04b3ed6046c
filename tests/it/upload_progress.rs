//! Progress that tells the truth (issue 18): bytes count as they leave for the server, not when
//! their request is answered, so `--json`'s `progress` events, the bar and the summary's rate
//! are right at any bandwidth; a retried request's bytes are taken back, never counted twice;
//! standard input honours `--bwlimit` like files do.

use std::io::Write;
use std::process::Stdio;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn under_a_2m_cap_progress_shows_at_once_and_grows_about_2mb_a_second() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    // One 12 MB file: three 4 MB chunks in flight at once, none answered before ~6 s at 2 MB/s.
    write(src.path(), "big.bin", 12_000_000, 1);
    let out = fastio(&emu, home.path())
        .args(["--bwlimit", "2M", "upload", "--json"])
        .arg(src.path().join("big.bin"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let progress: Vec<(f64, f64)> = of_type(&events, "progress")
        .iter()
        .map(|e| {
            (
                e["elapsed_ms"].as_f64().unwrap() / 1000.0,
                e["bytes_done"].as_f64().unwrap(),
            )
        })
        .filter(|(_, b)| *b > 0.0)
        .collect();
    assert!(progress.len() >= 3, "{progress:?}");
    let (t0, b0) = progress[0];
    assert!(t0 <= 2.0, "first bytes shown after {t0} s: {progress:?}");
    // Before the last chunk is answered (the last event may be the final count).
    let (t1, b1) = progress[progress.len() - 2];
    let rate = (b1 - b0) / (t1 - t0) / 1e6;
    assert!(
        (1.2..=2.8).contains(&rate),
        "{rate:.2} MB/s between {t0} s and {t1} s: {progress:?}"
    );
    let s = summary_of(&events);
    assert_eq!(s["bytes_sent"], 12_000_000, "{s}");
}

#[test]
fn a_retried_chunk_is_not_counted_twice() {
    let (emu, home, src) = upload_world(EmulatorConfig {
        fail_rate: 0.3,
        seed: Some(11),
        ..small_limits()
    });
    for i in 0..3u64 {
        write(src.path(), &format!("t/f{i}.bin"), 5 * MIB, i);
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--retries", "10"])
        .arg(src.path().join("t"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let s = summary_of(&events);
    assert!(s["retries"].as_u64().unwrap() > 0, "no retry happened: {s}");
    assert_eq!(s["bytes_sent"], 15 * MIB, "{s}");
    let last = of_type(&events, "progress").last().cloned().cloned();
    if let Some(p) = last {
        assert!(p["bytes_done"].as_u64().unwrap() <= 15 * MIB, "{p}");
    }
    assert_stored_bytes(&emu, &src.path().join("t"), "t");
}

#[test]
fn standard_input_keeps_to_bwlimit_and_the_summary_shows_it() {
    let (emu, home, _src) = upload_world(EmulatorConfig::default());
    let data = content(20_000_000, 3);
    let mut child = fastio_std(&emu, home.path())
        .args([
            "--bwlimit",
            "10M",
            "upload",
            "-",
            "--name",
            "x.bin",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&data).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_exit(&out, 0);
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(s["bwlimit"], 10_000_000, "{s}");
    // 20 MB at 10 MB/s: two seconds at the least (a cap, not a race).
    assert!(s["wall_ms"].as_u64().unwrap() >= 1800, "{s}");
    assert_eq!(remote_tree(&emu)["x.bin"].size, 20_000_000);
}
