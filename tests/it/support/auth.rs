//! An auth test's world: an isolated home, a per-test keyring profile, an emulator; and a
//! login through the paste-back path.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use fastio::auth::store::Store;
use fastio::emulator::{EmulatorConfig, RunningEmulator};

use super::cmd::{Keyring, hermetic};
use super::emulator::emulator;
use super::oauth::{displayed_code, read_until_url};

/// One test's world: its own HOME/XDG dirs, its own keyring profile, its own emulator.
pub struct World {
    pub home: tempfile::TempDir,
    pub profile: String,
    pub emu: RunningEmulator,
}

impl World {
    pub fn new(token_ttl: Duration) -> World {
        World::with(EmulatorConfig {
            token_ttl,
            ..Default::default()
        })
    }

    pub fn with(config: EmulatorConfig) -> World {
        let emu = emulator(config);
        World {
            home: tempfile::tempdir().unwrap(),
            profile: format!("test-{}", hex::encode(rand::random::<[u8; 6]>())),
            emu,
        }
    }

    /// The binary, hermetic (see [`hermetic`]) but for the OS keyring of the session, with the
    /// emulator as API base and this test's profile.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.cmd_no_base();
        cmd.arg("--api-base").arg(&self.emu.base_url);
        cmd
    }

    /// Like [`World::cmd`] without `--api-base` (the profile's config must supply it).
    pub fn cmd_no_base(&self) -> Command {
        let mut cmd = hermetic(self.home.path(), Keyring::Session);
        cmd.arg("--profile").arg(&self.profile);
        cmd
    }

    /// `fastio [global…] login --api-key` with `key` on stdin (and `env` set): its output.
    pub fn login_with_key(
        &self,
        env: &[(&str, &str)],
        global: &[&str],
        key: &str,
    ) -> std::process::Output {
        use std::io::Write as _;
        let mut cmd = self.cmd();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(global)
            .args(["login", "--api-key"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The child may refuse before reading stdin; a closed pipe is fine then.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{key}\n").as_bytes());
        child.wait_with_output().unwrap()
    }

    /// A `BROWSER` script that records the URL it is asked to open into `browser-url.txt`.
    pub fn browser_script(&self) -> (PathBuf, PathBuf) {
        let script = self.home.path().join("browser.sh");
        let out = self.home.path().join("browser-url.txt");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp'\nmv '{0}.tmp' '{0}'\n",
                out.display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        (script, out)
    }

    /// `login` through a loopback redirect on any free port, with `--timeout 30` and `extra`,
    /// opening the recording `BROWSER` of [`World::browser_script`]: the running child (stdin
    /// closed, stdout and stderr piped) and the file the browser writes its URL into.
    pub fn spawn_browser_login(&self, extra: &[&str]) -> (std::process::Child, PathBuf) {
        let (script, url_file) = self.browser_script();
        let child = self
            .cmd()
            .env("BROWSER", &script)
            .args(["login", "--redirect-uri", "http://127.0.0.1:0/callback"])
            .args(["--timeout", "30"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        (child, url_file)
    }

    pub fn store(&self) -> Store {
        Store::open(&self.profile).expect("an OS keyring is available to the tests")
    }

    pub fn counter(&self, name: &str) -> u64 {
        self.emu.stats()["counters"][name].as_u64().unwrap_or(0)
    }

    /// Log in through the paste-back path; returns the whole stderr of the login.
    pub fn paste_login(&self, extra: &[&str]) -> String {
        let mut child = self
            .cmd()
            .args(extra)
            .args(["login", "--no-browser", "--timeout", "30"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (url, stderr) = read_until_url(&mut child);
        let code = displayed_code(&url, &self.emu.api_key);
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{code}").unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let mut seen = stderr.join().unwrap();
        seen.push_str(&String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "paste-back login failed: {seen}");
        seen
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // Leave nothing in the user's real keyring.
        if let Ok(store) = Store::open(&self.profile) {
            let _ = store.delete();
        }
    }
}
