//! `fastio lock` against the emulator: the wire contract of §6 spelled out by hand, concurrent
//! acquires, `--wait`, expiry, and `lock run` releasing after failure and after SIGINT.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cmd::{stderr_of, stdout_of};
use crate::support::emulator::{KEY_A, KEY_B, env};
use crate::support::wire::{delete_form_as, get_as, post_form_as};

#[tokio::test(flavor = "multi_thread")]
async fn wire_contract_acquire_heartbeat_release() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "reports").await;
    let lock_url = e.url(&format!("/workspace/{}/storage/{folder}/lock/", e.ws()));

    // Duration outside 60..=3600 is a validation error.
    let (s, body) = post_form_as(&lock_url, KEY_A, &[("duration", "30")]).await;
    assert_eq!(s, 406, "{body}");
    assert_eq!(body["error"]["params"][0]["name"], "duration");

    let (s, body) = post_form_as(
        &lock_url,
        KEY_A,
        &[
            ("duration", "120"),
            ("client_info", r#"{"device_name":"ci-9"}"#),
        ],
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let lock = &body["response"]["lock"];
    let token = lock["lock_token"].as_str().unwrap().to_string();
    assert!(!token.is_empty());
    assert_eq!(lock["duration"], 120);
    assert_eq!(lock["client_info"]["device_name"], "ci-9");

    // Another credential (and the same one, a second time) is refused with 423/1677.
    for key in [KEY_B, KEY_A] {
        let (s, body) = post_form_as(&lock_url, key, &[("duration", "60")]).await;
        assert_eq!(s, 423, "{body}");
        assert_eq!(body["error"]["code"], 1677);
    }

    // Status shows the holder without the token.
    let (s, body) = get_as(&lock_url, KEY_B).await;
    assert_eq!(s, 200);
    assert_eq!(body["response"]["locked"], true);
    assert!(body["response"]["lock"].get("lock_token").is_none());

    // Heartbeat needs the token.
    let hb = format!("{lock_url}heartbeat/");
    let (s, _) = post_form_as(&hb, KEY_B, &[("lock_token", "not-the-token")]).await;
    assert_eq!(s, 423);
    let (s, body) = post_form_as(&hb, KEY_A, &[("lock_token", &token)]).await;
    assert_eq!(s, 200, "{body}");

    // Release: token in a form-encoded DELETE body; wrong token refused, then no lock = 404.
    let (s, _) = delete_form_as(&lock_url, KEY_A, &[("lock_token", "wrong")]).await;
    assert_eq!(s, 423);
    let (s, body) = delete_form_as(&lock_url, KEY_A, &[("lock_token", &token)]).await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = delete_form_as(&lock_url, KEY_A, &[("lock_token", &token)]).await;
    assert_eq!(s, 404);
    assert!(!e.is_locked(&folder).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_concurrent_acquires_give_one_token_and_one_clear_error() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "reports").await;
    let spawn = |key: &str| {
        e.std_cmd(key)
            .args(["lock", "acquire", "reports", "--duration", "120"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(KEY_A), spawn(KEY_B));
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let winners: Vec<_> = outs.iter().filter(|o| o.status.success()).collect();
    let losers: Vec<_> = outs.iter().filter(|o| !o.status.success()).collect();
    assert_eq!(winners.len(), 1, "exactly one acquire wins: {outs:?}");
    let token = stdout_of(winners[0]);
    assert_eq!(
        token.lines().count(),
        1,
        "the token alone on stdout: {token:?}"
    );
    assert!(token.trim().len() >= 16);
    let loser = losers[0];
    assert_eq!(loser.status.code(), Some(1));
    assert!(stdout_of(loser).is_empty());
    let err = stderr_of(loser);
    assert!(
        err.contains("reports is locked by") && err.contains("expires in"),
        "one clear error: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(e.is_locked(&folder).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn acquire_with_wait_takes_the_lock_once_released() {
    let e = env(|_| {});
    e.mkdir("root", "reports").await;
    let out = e.run(KEY_A, &["lock", "acquire", "reports"], 0);
    let token_a = stdout_of(&out).trim().to_string();

    let waiter = e
        .std_cmd(KEY_B)
        .args(["--json", "lock", "acquire", "reports", "--wait", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let out = e
        .cmd(KEY_A)
        .env("FASTIO_LOCK_TOKEN", &token_a)
        .args(["lock", "release", "reports"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));

    let out = waiter.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v: serde_json::Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    assert_eq!(v["type"], "lock_acquired");
    let token_b = v["lock_token"].as_str().unwrap();
    assert_ne!(token_b, token_a);
    assert!(v["expires_in"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_lock_can_be_taken() {
    let e = env(|c| c.lock_min_duration = 1);
    let folder = e.mkdir("root", "reports").await;
    let lock_url = e.url(&format!("/workspace/{}/storage/{folder}/lock/", e.ws()));
    let (s, body) = post_form_as(&lock_url, KEY_B, &[("duration", "2")]).await;
    assert_eq!(s, 200, "{body}");
    // Held now: another client's acquire is refused.
    let (s, _) = post_form_as(&lock_url, KEY_A, &[("duration", "60")]).await;
    assert_eq!(s, 423);
    // No heartbeat: it lapses after its two seconds, and our acquire goes through.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    e.run(KEY_A, &["lock", "acquire", "reports"], 0);
    let out = e
        .cmd(KEY_B)
        .args(["lock", "status", "reports"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&out).contains("is locked by"),
        "{}",
        stdout_of(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_run_holds_the_lock_and_releases_after_the_command_fails() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "reports").await;
    let fastio = assert_cmd::cargo::cargo_bin("fastio");
    // The command itself checks, through a second fastio, that the lock is held meanwhile.
    let script = format!(
        "\"{}\" lock status reports | grep -q 'is locked by' && exit 3 || exit 9",
        fastio.display()
    );
    e.run(
        KEY_A,
        &["lock", "run", "reports", "--", "sh", "-c", &script],
        3,
    );
    assert!(!e.is_locked(&folder).await, "released after the failure");

    // A command that cannot be started: 127, and still released.
    let out = e
        .cmd(KEY_A)
        .args(["lock", "run", "reports", "--", "/no/such/program"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(!e.is_locked(&folder).await);
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[tokio::test(flavor = "multi_thread")]
async fn lock_run_releases_after_sigint() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "reports").await;
    let child = e
        .std_cmd(KEY_A)
        .args(["lock", "run", "reports", "--", "sleep", "30"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !e.is_locked(&folder).await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "lock never taken"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Give `lock run` a moment to spawn `sleep` after acquiring.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // SAFETY: sending a signal to our own child process.
    assert!(crate::support::cmd::kill("-INT", child.id()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "exit status of the interrupted command: {}",
        stderr_of(&out)
    );
    assert!(!e.is_locked(&folder).await, "released after SIGINT");
    assert!(stderr_of(&out).contains("released"));
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_run_stops_the_command_when_the_lock_is_lost() {
    let e = env(|_| {});
    let folder = e.mkdir("root", "reports").await;
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("finished");
    // `sleep` gets its own stdio so an orphaned sleep cannot hold our stderr pipe open.
    let script = format!(
        "sleep 10 </dev/null >/dev/null 2>&1; touch '{}'",
        marker.display()
    );
    let child = e
        .std_cmd(KEY_A)
        .env("FASTIO_LOCK_HEARTBEAT_MS", "200")
        .args(["lock", "run", "reports", "--", "sh", "-c", &script])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Someone breaks the lock (as an admin would): the next heartbeat is refused.
    e.break_lock_once_taken(&folder).await;
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("lock on `reports` was lost"), "{err}");
    assert!(
        !marker.exists(),
        "the command was stopped before it finished"
    );
}

#[cfg_attr(
    windows,
    ignore = "sends POSIX signals with kill(1), which Windows has not (there Ctrl-C reaches fastio through tokio::signal::ctrl_c)"
)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_while_waiting_for_the_lock_runs_nothing() {
    let e = env(|_| {});
    e.mkdir("root", "reports").await;
    e.run(KEY_B, &["lock", "acquire", "reports"], 0);
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let child = e
        .std_cmd(KEY_A)
        .args(["lock", "run", "reports", "--wait", "60", "--", "touch"])
        .arg(&marker)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SAFETY: sending a signal to our own child process.
    assert!(crate::support::cmd::kill("-INT", child.id()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("interrupted before the lock was taken"));
    assert!(!marker.exists());
}

/// Issue 9 rule 8: `lock` acquire / status / heartbeat / release through the binary under the
/// variants that touch locks (the token nested as `lock.token`, `locked` nested in `lock`, the
/// envelope shapes).
#[tokio::test(flavor = "multi_thread")]
async fn lock_commands_survive_the_lock_variants() {
    use fastio::emulator::Variant;
    for v in [
        Variant::NestedLockToken,
        Variant::NestedLockStatus,
        Variant::YesNo,
        Variant::Response,
        Variant::FlipEnvelopes,
    ] {
        let e = env(|c| c.variants = [v].into());
        let run = |args: &[&str]| e.std_cmd(KEY_A).args(args).output().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"hello").unwrap();
        let src = dir.path().join("a.txt");
        let out = run(&["upload", src.to_str().unwrap(), "--to", "reports"]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        let out = run(&["lock", "acquire", "reports/a.txt", "--duration", "120"]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        let token = stdout_of(&out).trim().to_string();
        assert!(token.len() >= 16, "{v}: {token:?}");
        let out = run(&["lock", "status", "reports/a.txt"]);
        assert!(
            stdout_of(&out).contains("is locked"),
            "{v}: {}",
            stdout_of(&out)
        );
        let out = run(&["lock", "heartbeat", "reports/a.txt", "--lock-token", &token]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        let out = run(&["lock", "release", "reports/a.txt", "--lock-token", &token]);
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        let out = run(&["lock", "status", "reports/a.txt"]);
        assert!(
            stdout_of(&out).contains("is not locked"),
            "{v}: {}",
            stdout_of(&out)
        );
    }
}
