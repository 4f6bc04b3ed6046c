//! Every duration and count flag at its edges: at 0, at its maximum and past it. Past the
//! documented range (or at a 0 that means nothing) it is a usage error naming the flag (exit
//! 2, before anything is sent: never a panic, an overflow or a run that stalls at once); at
//! its ends it works as `--help` says.

use crate::support::{cmd::*, emulator::*, tree::*};

/// Run `fastio ARGS` with no server behind it (`--api-base` to a closed port) and a key.
fn run_offline(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    fastio_std_at(
        "http://127.0.0.1:9/current",
        FAKE_KEY,
        FAKE_WORKSPACE,
        home.path(),
    )
    .args(args)
    .output()
    .unwrap()
}

#[test]
fn out_of_range_values_are_usage_errors_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["--stall-timeout", "0", "upload", "x"], "--stall-timeout"),
        (
            &["--stall-timeout", "25h", "upload", "x"],
            "--stall-timeout",
        ),
        (
            &["--stall-timeout", "1e30", "upload", "x"],
            "--stall-timeout",
        ),
        (&["--max-wait", "0", "upload", "x"], "--max-wait"),
        (&["--max-wait", "24h 1s", "upload", "x"], "--max-wait"),
        (&["--bwlimit", "0", "upload", "x"], "--bwlimit"),
        (
            &["--bwlimit", "99999999999999999", "upload", "x"],
            "--bwlimit",
        ),
        (&["upload", "x", "--shard", "0/3"], "--shard"),
        (&["upload", "x", "--shard", "4/3"], "--shard"),
        (&["upload", "x", "--shard", "1/0"], "--shard"),
        (&["upload", "x", "--retries", "101"], "--retries"),
        (&["upload", "x", "--retries", "4294967296"], "--retries"),
        (&["upload", "x", "--concurrency", "0"], "--concurrency"),
        (&["upload", "x", "--concurrency", "257"], "--concurrency"),
        (
            &["upload", "x", "--assembly-timeout", "0"],
            "--assembly-timeout",
        ),
        (
            &["upload", "x", "--assembly-timeout", "8d"],
            "--assembly-timeout",
        ),
        (
            &["upload", "-", "--name", "x", "--max-size", "0"],
            "--max-size",
        ),
        (&["bench", "--retries", "101"], "--retries"),
        (&["bench", "-j", "4,0"], "--concurrency"),
        (&["bench", "--files", "0"], "--files"),
        (&["doctor", "--assembly-timeout", "0"], "--assembly-timeout"),
        (&["lock", "acquire", "x", "--wait", "86401"], "--wait"),
        (
            &["lock", "acquire", "x", "--wait", "18446744073709551615"],
            "--wait",
        ),
        (&["lock", "acquire", "x", "--duration", "59"], "--duration"),
        (
            &["lock", "run", "x", "--duration", "3601", "--", "true"],
            "--duration",
        ),
        (
            &["import-url", "http://a.test/", "--timeout", "0"],
            "--timeout",
        ),
        (
            &["import-url", "http://a.test/", "--concurrency", "65"],
            "--concurrency",
        ),
        (&["ask", "q", "--timeout", "0"], "--timeout"),
        (&["ask", "q", "--timeout", "86401"], "--timeout"),
        (&["login", "--timeout", "0"], "--timeout"),
        (&["emulator", "--token-ttl", "0"], "--token-ttl"),
        (&["emulator", "--latency-ms", "600001"], "--latency-ms"),
        (&["emulator", "--max-chunks", "0"], "--max-chunks"),
        (
            &["emulator", "--fail-assembly-rate", "2"],
            "--fail-assembly-rate",
        ),
        (&["emulator", "--rate-limit", "1e300"], "--rate-limit"),
    ];
    for (args, flag) in cases {
        let out = run_offline(args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?} does not name {flag}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // The same from the environment.
    let home = tempfile::tempdir().unwrap();
    let out = fastio_std_at(
        "http://127.0.0.1:9/current",
        FAKE_KEY,
        FAKE_WORKSPACE,
        home.path(),
    )
    .env("FASTIO_STALL_TIMEOUT", "0")
    .args(["upload", "x"])
    .output()
    .unwrap();
    assert_exit(&out, 2);
    assert!(stderr_of(&out).contains("--stall-timeout"));
}

/// The far ends of every range are accepted (the run goes on to the closed port: exit 4, not
/// a usage error).
#[test]
fn the_ends_of_each_range_are_accepted() {
    let accepted: &[&[&str]] = &[
        &[
            "--stall-timeout",
            "24h",
            "--max-wait",
            "24h",
            "import-url",
            "http://a.test/",
            "--timeout",
            "86400",
        ],
        &[
            "--stall-timeout",
            "1s",
            "--max-wait",
            "1s",
            "import-url",
            "http://a.test/",
            "--timeout",
            "1",
        ],
        &["ask", "q", "--timeout", "86400"],
        &[
            "lock",
            "acquire",
            "x",
            "--wait",
            "86400",
            "--duration",
            "3600",
        ],
        &["lock", "acquire", "x", "--wait", "0", "--duration", "60"],
    ];
    for args in accepted {
        let out = run_offline(args);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr_of(&out));
    }
}

/// Real uploads at both ends of every upload range store the files: the maxima
/// (`--retries 100`, `--concurrency 256`, `--assembly-timeout 7d`, 24 h limits) and the minima
/// (`--retries 0`: no retries; `--concurrency 1`; 1 s limits).
#[test]
fn uploads_at_both_ends_of_the_ranges_work() {
    let (emu, home, src) = upload_world(small_limits());
    let d = src.path().join("edges");
    write(&d, "big.bin", 3 * MIB, 1);
    write(&d, "small.txt", 10, 2);
    let ends: [&[&str]; 2] = [
        &[
            "--stall-timeout",
            "24h",
            "--max-wait",
            "24h",
            "upload",
            "--to",
            "max",
            "--retries",
            "100",
            "--concurrency",
            "256",
            "--assembly-timeout",
            "7d",
        ],
        &[
            "--stall-timeout",
            "1s",
            "--max-wait",
            "1s",
            "upload",
            "--to",
            "min",
            "--retries",
            "0",
            "--concurrency",
            "1",
            "--assembly-timeout",
            "1s",
        ],
    ];
    for args in ends {
        let out = fastio(&emu, home.path())
            .args(args)
            .arg(&d)
            .output()
            .unwrap();
        assert_exit(&out, 0);
    }
    assert_stored(&emu, &d, "max/edges");
    assert_stored(&emu, &d, "min/edges");
}

/// `lock --wait 0` means "try once": a held lock is refused at once (exit 1).
#[test]
fn lock_wait_zero_tries_once() {
    let env = env(|_| {});
    crate::support::wire::block(env.mkdir("root", "held"));
    env.run(KEY_A, &["lock", "acquire", "held", "--duration", "60"], 0);
    let out = env.run(KEY_B, &["lock", "acquire", "held", "--wait", "0"], 1);
    assert!(
        stderr_of(&out).contains("is locked by"),
        "{}",
        stderr_of(&out)
    );
}
