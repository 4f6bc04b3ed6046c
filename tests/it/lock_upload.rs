//! `fastio upload --lock` and foreign writes into a locked folder: while one credential holds
//! the lock, another credential's upload is refused file by file (423), and the holder's own
//! `--lock` upload succeeds and releases the lock afterwards.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::cmd::{stderr_of, stdout_of};
use crate::support::emulator::{Env, KEY_A, KEY_B, env};
use crate::support::tree::write_bytes;
use serde_json::Value;

fn events(out: &std::process::Output) -> Vec<Value> {
    stdout_of(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// An emulator whose connections send `bandwidth` bytes/s, with 1 MiB chunks.
fn slow_env(bandwidth: u64) -> Env {
    env(|c| {
        c.bandwidth_per_conn = Some(bandwidth);
        c.chunk_size = 1 << 20;
    })
}

/// Our `upload --lock -j 1` of an 8 MB file of `fill` bytes into `shared` (id `folder`),
/// started with `extra_env`; stdout as `stdout`, stderr piped. The source dir lives as long as
/// the returned handle.
fn start_locked_upload(
    e: &Env,
    fill: u8,
    stdout: Stdio,
    extra_env: &[(&str, &str)],
) -> (tempfile::TempDir, Child) {
    let src = tempfile::tempdir().unwrap();
    write_bytes(src.path(), "slow.bin", &vec![fill; 8_000_000]);
    let child = e
        .std_cmd(KEY_A)
        .envs(extra_env.iter().copied())
        .args(["upload", "--lock", "--to", "shared", "-j", "1"])
        .arg(src.path().join("slow.bin"))
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (src, child)
}

/// [`start_locked_upload`], returning once the lock is taken and the upload 300 ms into it.
async fn locked_upload_under_way(
    e: &Env,
    folder: &str,
    fill: u8,
    stdout: Stdio,
) -> (tempfile::TempDir, Child) {
    let started = start_locked_upload(e, fill, stdout, &[]);
    e.wait_until_locked(folder).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    started
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn foreign_upload_into_a_locked_folder_is_refused_per_file_ours_succeeds() {
    // Slow connections so our locked upload is still running while the other client tries.
    let e = env(|c| {
        c.bandwidth_per_conn = Some(1_000_000);
        c.chunk_size = 1 << 20;
    });
    let folder = e.mkdir("root", "shared").await;
    let ours = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    write_bytes(ours.path(), "big.bin", &big);
    write_bytes(ours.path(), "note.txt", b"ours\n");
    let theirs = tempfile::tempdir().unwrap();
    write_bytes(theirs.path(), "x.txt", b"theirs x\n");
    write_bytes(theirs.path(), "y.txt", b"theirs y\n");

    let our_upload = e
        .std_cmd(KEY_A)
        .args(["--json", "upload", "--lock", "--to", "shared", "-j", "1"])
        .arg(format!("{}/", ours.path().display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    e.wait_until_locked(&folder).await;

    let out = e
        .cmd(KEY_B)
        .args(["--json", "upload", "--to", "shared"])
        .arg(format!("{}/", theirs.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let evs = events(&out);
    let failed: Vec<&Value> = evs.iter().filter(|v| v["type"] == "file_failed").collect();
    assert_eq!(failed.len(), 2, "each file refused: {evs:?}");
    for f in &failed {
        let err = f["error"].as_str().unwrap();
        assert!(err.contains("423") || err.contains("locked"), "{err}");
    }
    assert!(
        e.is_locked(&folder).await,
        "still ours while the upload runs"
    );

    let out = our_upload.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let evs = events(&out);
    assert_eq!(evs.iter().filter(|v| v["type"] == "file_done").count(), 2);
    assert!(!e.is_locked(&folder).await, "released after the last file");

    let names: Vec<String> = e
        .list(&folder)
        .await
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["big.bin", "note.txt"], "nothing of theirs landed");
    let big_id = e
        .list(&folder)
        .await
        .iter()
        .find(|n| n["name"] == "big.bin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(e.read(&big_id).await == big);

    // Now free: their upload with --lock goes through.
    let out = e
        .cmd(KEY_B)
        .args(["upload", "--lock", "--to", "shared"])
        .arg(format!("{}/", theirs.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!e.is_locked(&folder).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_lock_on_a_folder_held_by_another_is_one_clear_error() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "shared").await;
    e.run(KEY_B, &["lock", "acquire", "shared"], 0);
    let src = tempfile::tempdir().unwrap();
    write_bytes(src.path(), "a.txt", b"a");
    let out = e
        .cmd(KEY_A)
        .args(["upload", "--lock", "--to", "shared"])
        .arg(src.path().join("a.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("shared is locked by"), "{err}");
    assert!(e.list(&folder).await.is_empty(), "no byte sent");
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_lock_is_released_after_ctrl_c() {
    let e = slow_env(500_000);
    let folder = e.mkdir("root", "shared").await;
    let (_src, child) = locked_upload_under_way(&e, &folder, 9, Stdio::piped()).await;
    // SAFETY: sending a signal to our own child process.
    assert!(crate::support::cmd::kill("-INT", child.id()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    assert!(!e.is_locked(&folder).await, "released after Ctrl-C");
}

/// SIGTERM is Ctrl-C's twin: new work stops, the lock is released, the summary printed, 143.
#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_lock_is_released_after_sigterm() {
    let e = slow_env(500_000);
    let folder = e.mkdir("root", "shared").await;
    let (_src, child) = locked_upload_under_way(&e, &folder, 9, Stdio::piped()).await;
    // SAFETY: sending a signal to our own child process.
    assert!(crate::support::cmd::kill("-TERM", child.id()));
    let sent = Instant::now();
    let out = child.wait_with_output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(
        sent.elapsed() < Duration::from_secs(8),
        "{:?}",
        sent.elapsed()
    );
    assert!(
        err.contains("interrupted (SIGTERM): uploaded 0 files"),
        "{err}"
    );
    assert!(!e.is_locked(&folder).await, "released after SIGTERM");
}

/// A second signal cancels what is in flight at once, and the lock is still released.
#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_signal_cancels_in_flight_work_and_still_releases_the_lock() {
    let e = slow_env(300_000);
    let folder = e.mkdir("root", "shared").await;
    let (_src, mut child) = locked_upload_under_way(&e, &folder, 7, Stdio::null()).await;
    let pid = child.id();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        let mut second_sent = false;
        loop {
            let n = stderr.read(&mut buf).unwrap_or(0);
            if n == 0 {
                return String::from_utf8_lossy(&seen).into_owned();
            }
            seen.extend_from_slice(&buf[..n]);
            if !second_sent && String::from_utf8_lossy(&seen).contains("interrupted") {
                second_sent = true;
                // SAFETY: sending a signal to our own child process.
                assert!(crate::support::cmd::kill("-TERM", pid));
            }
        }
    });
    // SAFETY: as above.
    assert!(crate::support::cmd::kill("-INT", pid));
    let sent = Instant::now();
    let status = child.wait().unwrap();
    let took = sent.elapsed();
    let err = reader.join().unwrap();
    // The first signal decides the code; the run ended on its main path.
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("stopping requests in flight now"), "{err}");
    assert!(
        err.contains("interrupted (SIGINT): uploaded 0 files"),
        "{err}"
    );
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert!(!e.is_locked(&folder).await, "released after two signals");
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_lock_is_released_when_files_fail() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "shared").await;
    let src = tempfile::tempdir().unwrap();
    // A name the server refuses makes this file fail; the other one lands.
    write_bytes(src.path(), "ok.txt", b"fine");
    write_bytes(src.path(), "back\\slash.txt", b"a name with a backslash");
    let out = e
        .cmd(KEY_A)
        .args(["upload", "--lock", "--to", "shared"])
        .arg(format!("{}/", src.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(!e.is_locked(&folder).await, "released after a failed file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_stops_when_its_lock_is_lost() {
    let e = slow_env(500_000);
    let folder = e.mkdir("root", "shared").await;
    let heartbeat = [("FASTIO_LOCK_HEARTBEAT_MS", "200")];
    let (_src, child) = start_locked_upload(&e, 3, Stdio::piped(), &heartbeat);
    // An admin breaks the lock: the next heartbeat is refused and the upload stops.
    e.break_lock_once_taken(&folder).await;
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("the lock on the destination was lost"),
        "{}",
        stderr_of(&out)
    );
    assert!(
        e.list(&folder).await.is_empty(),
        "the file was not finished"
    );
}
