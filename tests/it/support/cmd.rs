//! The single hermetic `fastio` command builder, and helpers to read what a run printed.
//!
//! Every test's `fastio` starts from an empty environment: nothing from the real one reaches
//! it (no `FASTIO_*` credentials or settings, no `BROWSER`, no `GITHUB_ACTIONS` /
//! `GITHUB_STEP_SUMMARY`, no `TERM`, no `HOSTNAME`) but `PATH`, and the OS keyring's session
//! only where a test asks for it ([`Keyring::Session`]). HOME and every XDG dir point into the
//! test's own directory, and `NO_COLOR` is set.

use std::path::Path;

#[cfg(feature = "emulator")]
use fastio::emulator::RunningEmulator;

/// Which OS keyring the child may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyring {
    /// None of the session's: the child sees no session bus (the kernel keyutils store is all
    /// `auto` can find). For tests that pass their credentials in the environment.
    Isolated,
    /// The test process's own: the session bus (Secret Service under `.ci/keyring-env`) passes
    /// through, so the child and the test's `Store` meet the same store.
    Session,
}

/// What of the real environment reaches the child with [`Keyring::Session`].
const KEYRING_SESSION_VARS: &[&str] = &["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"];

/// The binary with an empty environment but `PATH`, HOME and XDG dirs under `home`, `NO_COLOR`,
/// and the keyring session when `keyring` says so.
pub fn hermetic(home: &Path, keyring: Keyring) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fastio"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("NO_COLOR", "1");
    if keyring == Keyring::Session {
        for k in KEYRING_SESSION_VARS {
            if let Some(v) = std::env::var_os(k) {
                cmd.env(k, v);
            }
        }
    }
    cmd
}

/// [`hermetic`], pointed at any server (an emulator, a [`FakeServer`](super::fake::FakeServer),
/// a proxy) with an API key and a workspace in the environment.
pub fn fastio_std_at(base: &str, key: &str, workspace: &str, home: &Path) -> std::process::Command {
    let mut cmd = hermetic(home, Keyring::Isolated);
    cmd.env("FASTIO_API_BASE", base)
        .env("FASTIO_API_KEY", key)
        .env("FASTIO_WORKSPACE", workspace);
    cmd
}

/// `fastio` pointed at the emulator, with HOME/XDG in `home` and no ambient credentials.
#[cfg(feature = "emulator")]
pub fn fastio_std(emu: &RunningEmulator, home: &Path) -> std::process::Command {
    fastio_std_at(&emu.base_url, &emu.api_key, &emu.workspace_id, home)
}

/// [`fastio_std`] as an assert_cmd command.
#[cfg(feature = "emulator")]
pub fn fastio(emu: &RunningEmulator, home: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(fastio_std(emu, home))
}

/// The key a [`FakeServer`](super::fake::FakeServer) test sends, and a numeric workspace id
/// (used without a lookup, so the first request of an upload is `/upload/limits/`).
pub const FAKE_KEY: &str = "fio_fake_key_0001";
pub const FAKE_WORKSPACE: &str = "4000000000000000001";

/// `fastio` pointed at a fake server, with [`FAKE_KEY`] and [`FAKE_WORKSPACE`].
#[cfg(feature = "emulator")]
pub fn fastio_fake(server: &super::fake::FakeServer, home: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(fastio_std_at(&server.base, FAKE_KEY, FAKE_WORKSPACE, home))
}

/// `fastio upload --json PATH` against `emu`, asserted to exit with `code`: the output and its
/// NDJSON events.
#[cfg(feature = "emulator")]
pub fn upload_json(
    emu: &RunningEmulator,
    home: &Path,
    path: impl AsRef<std::ffi::OsStr>,
    code: i32,
) -> (std::process::Output, Vec<serde_json::Value>) {
    let out = fastio(emu, home)
        .args(["upload", "--json"])
        .arg(path)
        .output()
        .unwrap();
    assert_exit(&out, code);
    let events = ndjson(&out.stdout);
    (out, events)
}

/// The `file_failed` events, asserted to be `n`.
pub fn failed_files(events: &[serde_json::Value], n: usize) -> Vec<&serde_json::Value> {
    let failed = of_type(events, "file_failed");
    assert_eq!(failed.len(), n, "{events:?}");
    failed
}

/// Assert that a `verify` run exited 0 with `n` lines `ok …`; its stdout.
pub fn assert_all_verified(v: &std::process::Output, n: usize) -> String {
    let stdout = stdout_of(v);
    assert_eq!(v.status.code(), Some(0), "{stdout}{}", stderr_of(v));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), n);
    stdout
}

/// Files in the resume-journal directory under `home`.
pub fn journal_files(home: &Path) -> Vec<std::path::PathBuf> {
    let dir = home.join("state").join("fastio").join("journal");
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Parse NDJSON stdout.
pub fn ndjson(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

/// The last NDJSON summary object.
pub fn summary_of(events: &[serde_json::Value]) -> serde_json::Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "summary")
        .cloned()
        .expect("a summary event")
}

/// Assert that a run exited with `code`, its stderr in the message.
pub fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", stderr_of(out));
}

/// The NDJSON events of type `kind`.
pub fn of_type<'a>(events: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Spawn `cmd` with stdout and stderr piped.
pub fn spawn_piped(cmd: &mut std::process::Command) -> std::process::Child {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Send `signal` (`-INT`, `-TERM`, …) to process `pid` with `kill`; whether `kill` succeeded.
pub fn kill(signal: &str, pid: u32) -> bool {
    std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap()
        .success()
}
