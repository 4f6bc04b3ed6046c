//! Shared helpers for the import-url, lock and ask tests: an emulator with two credentials
//! (two different users), a hermetic `fastio` command, and hand-written wire calls.
#![allow(dead_code)]

use std::path::Path;

use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;

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
        emu: start(cfg).expect("emulator starts"),
        home: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    pub fn ws(&self) -> &str {
        &self.emu.workspace_id
    }

    /// `fastio` against this emulator as the holder of `key`, with nothing from the real
    /// environment (no credentials, no config, no keyring profile).
    pub fn std_cmd(&self, key: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fastio"));
        for (k, _) in std::env::vars() {
            if k.starts_with("FASTIO_") {
                cmd.env_remove(k);
            }
        }
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NO_COLOR", "1")
            .env("FASTIO_API_BASE", &self.emu.base_url)
            .env("FASTIO_API_KEY", key)
            .env("FASTIO_WORKSPACE", &self.emu.workspace_id);
        cmd
    }

    pub fn cmd(&self, key: &str) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd(key))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url)
    }

    /// `POST …/storage/{parent}/createfolder/` by hand; returns the folder id.
    pub async fn mkdir(&self, parent: &str, name: &str) -> String {
        let (status, body) = post_form(
            &self.url(&format!(
                "/workspace/{}/storage/{parent}/createfolder/",
                self.ws()
            )),
            KEY_A,
            &[("name", name)],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["response"]["node"]["id"]
            .as_str()
            .expect("folder id")
            .to_string()
    }

    /// Store a file through the single-call upload endpoint, by hand (multipart): status and body.
    pub async fn put_file(
        &self,
        key: &str,
        folder: &str,
        name: &str,
        bytes: &[u8],
    ) -> (u16, Value) {
        let form = reqwest::multipart::Form::new()
            .text("name", name.to_string())
            .text("size", bytes.len().to_string())
            .text("action", "create")
            .text("instance_id", self.ws().to_string())
            .text("folder_id", folder.to_string())
            .text("profile_type", "workspace")
            .part(
                "chunk",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            );
        let r = reqwest::Client::new()
            .post(self.url("/upload/"))
            .bearer_auth(key)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The children of a folder (`root` or an id), by hand.
    pub async fn list(&self, folder: &str) -> Vec<Value> {
        let (status, body) = get(
            &self.url(&format!("/workspace/{}/storage/{folder}/list/", self.ws())),
            KEY_A,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["response"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Bytes of a stored file, by hand.
    pub async fn read(&self, node: &str) -> Vec<u8> {
        let r = reqwest::Client::new()
            .get(self.url(&format!("/workspace/{}/storage/{node}/read/", self.ws())))
            .bearer_auth(KEY_A)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.bytes().await.unwrap().to_vec()
    }

    /// `GET …/lock/` by hand: whether the node is locked.
    pub async fn is_locked(&self, node: &str) -> bool {
        let (status, body) = get(
            &self.url(&format!("/workspace/{}/storage/{node}/lock/", self.ws())),
            KEY_A,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["response"]["locked"].as_bool().expect("locked flag")
    }
}

pub async fn get(url: &str, key: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn post_form(url: &str, key: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .bearer_auth(key)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn delete_form(url: &str, key: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .delete(url)
        .bearer_auth(key)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
