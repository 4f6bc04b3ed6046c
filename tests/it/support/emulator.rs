//! Emulators for the tests: one per test, with the upload tests' small limits, or with two
//! users ([`env`]); and what an emulator reports about itself.

use std::path::Path;
use std::time::{Duration, Instant};

use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;

use super::wire::{block, get_json_as};

pub const MIB: u64 = 1 << 20;

pub fn emulator(config: EmulatorConfig) -> RunningEmulator {
    start(config).expect("emulator starts")
}

/// An upload test's world: an emulator with `config`, a HOME for `fastio`, and a source folder
/// to write the local files in.
pub fn upload_world(
    config: EmulatorConfig,
) -> (RunningEmulator, tempfile::TempDir, tempfile::TempDir) {
    (
        emulator(config),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    )
}

/// Small limits so big-file cases stay fast: 1 MiB chunks, 64 chunks, 128 MiB files.
pub fn small_limits() -> EmulatorConfig {
    EmulatorConfig {
        chunk_size: MIB,
        max_chunks: 64,
        max_file_size: 128 * MIB,
        ..Default::default()
    }
}

/// [`small_limits`] with every connection sending at most `bandwidth` bytes/s.
pub fn throttled(bandwidth: u64) -> RunningEmulator {
    emulator(EmulatorConfig {
        bandwidth_per_conn: Some(bandwidth),
        ..small_limits()
    })
}

/// Wait until `ok` holds for the emulator's state (re-read every 20 ms, `patience` at most,
/// then fail naming `what`): the one way tests wait on the server.
pub fn wait_until(
    emu: &RunningEmulator,
    what: &str,
    patience: Duration,
    ok: impl Fn(&RunningEmulator) -> bool,
) {
    let t0 = Instant::now();
    while !ok(emu) {
        assert!(
            t0.elapsed() < patience,
            "waited {patience:?} in vain: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Wait (30 s at most) until the emulator has received chunk bytes: an upload is under way.
pub fn wait_until_sending(emu: &RunningEmulator) {
    wait_until(emu, "chunk bytes received", Duration::from_secs(30), |e| {
        e.stats()["chunk_bytes"].as_u64().unwrap_or(0) > 0
    });
}

/// Wait (30 s at most) until the emulator handles no request: what a killed client had in
/// flight is over.
pub fn wait_idle(emu: &RunningEmulator) {
    wait_until(emu, "no request in flight", Duration::from_secs(30), |e| {
        e.stats()["requests_in_flight"].as_u64() == Some(0)
    });
}

pub fn stats(emu: &RunningEmulator) -> Value {
    emu.stats()
}

/// How many chunks the emulator accepted in each upload session, smallest first, and the stats
/// they were read from (for a message).
pub fn chunks_per_session(emu: &RunningEmulator) -> (Vec<u64>, Value) {
    let stats = emu.stats();
    let mut per_session: Vec<u64> = stats["chunks"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .collect();
    per_session.sort();
    (per_session, stats)
}

/// Sum of request counts whose route contains `needle`.
pub fn requests_matching(emu: &RunningEmulator, needle: &str) -> u64 {
    emu.stats()["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| route.contains(needle))
        .flat_map(|(_, by_status)| by_status.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum()
}

/// The caller's upload sessions the emulator still holds (`GET /upload/details/`).
pub fn open_sessions(emu: &RunningEmulator) -> Vec<Value> {
    block(async {
        let url = format!("{}/upload/details/", emu.base_url);
        get_json_as(&url, &emu.api_key).await["sessions"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    })
}

/// How many versions the emulator keeps of the file at `remote_path` (1 = written once).
pub fn versions_of(emu: &RunningEmulator, remote_path: &str) -> usize {
    let id = super::tree::remote_tree(emu)[remote_path].id.clone();
    block(async {
        let url = format!(
            "{}/workspace/{}/storage/{id}/versions/",
            emu.base_url, emu.workspace_id
        );
        get_json_as(&url, &emu.api_key).await["versions"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    })
}

// ---------------------------------------------------------------------------------------------
// Two users: an emulator accepting two keys, for the import-url, lock and ask tests.

pub const KEY_A: &str = "fio_test_key_alpha_0001";
pub const KEY_B: &str = "fio_test_key_bravo_0002";

pub struct Env {
    pub emu: RunningEmulator,
    pub home: tempfile::TempDir,
}

/// An emulator accepting [`KEY_A`] and [`KEY_B`], adjusted by `tweak`.
pub fn env(tweak: impl FnOnce(&mut EmulatorConfig)) -> Env {
    let mut cfg = EmulatorConfig {
        api_keys: vec![KEY_A.into(), KEY_B.into()],
        ..EmulatorConfig::default()
    };
    tweak(&mut cfg);
    Env {
        emu: emulator(cfg),
        home: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    pub fn ws(&self) -> &str {
        &self.emu.workspace_id
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// `fastio` against this emulator as the holder of `key` (see [`super::cmd::hermetic`]).
    pub fn std_cmd(&self, key: &str) -> std::process::Command {
        super::cmd::fastio_std_at(&self.emu.base_url, key, &self.emu.workspace_id, self.home())
    }

    pub fn cmd(&self, key: &str) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd(key))
    }

    /// Run `fastio args…` as the holder of `key`; assert it exits with `code` (its stderr in
    /// the message).
    pub fn run(&self, key: &str, args: &[&str], code: i32) -> std::process::Output {
        let out = self.cmd(key).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            super::cmd::stderr_of(&out)
        );
        out
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url)
    }

    /// Wait (20 s at most) until `folder` is locked, asking over the wire.
    pub async fn wait_until_locked(&self, folder: &str) {
        let start = Instant::now();
        while !self.is_locked(folder).await {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "lock never taken"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Wait (20 s at most) until someone holds a lock on `folder`, then break it as an admin
    /// would: the holder's next heartbeat is refused.
    pub async fn break_lock_once_taken(&self, folder: &str) {
        let start = Instant::now();
        let lock = loop {
            if let Some(l) = self.emu.state().locks.get(folder) {
                break l;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "lock never taken"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        self.emu
            .state()
            .locks
            .release(folder, &lock.lock_token)
            .unwrap();
    }
}
