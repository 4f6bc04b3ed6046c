//! Helpers for the upload tests: an emulator per test, a hermetic `fastio` command, local tree
//! builders, and a view of what the emulator stored, read back over HTTP with the wire format
//! spelled out here (not through the client's or the server's types).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const MIB: u64 = 1 << 20;

pub fn emulator(config: EmulatorConfig) -> RunningEmulator {
    start(config).expect("emulator starts")
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

/// `fastio` pointed at the emulator, with HOME/XDG in `home` and no ambient credentials.
pub fn fastio_std(emu: &RunningEmulator, home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fastio"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("FASTIO_API_BASE", &emu.base_url)
        .env("FASTIO_API_KEY", &emu.api_key)
        .env("FASTIO_WORKSPACE", &emu.workspace_id)
        .env("NO_COLOR", "1");
    cmd
}

/// [`fastio_std`] as an assert_cmd command.
pub fn fastio(emu: &RunningEmulator, home: &Path) -> Command {
    Command::from_std(fastio_std(emu, home))
}

/// Files in the resume-journal directory under `home`.
pub fn journal_files(home: &Path) -> Vec<PathBuf> {
    let dir = home.join("state").join("fastio").join("journal");
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Deterministic bytes for a file of `size` (seeded by `seed`).
pub fn content(size: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size as usize);
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while (out.len() as u64) < size {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size as usize);
    out
}

pub fn write(root: &Path, rel: &str, size: u64, seed: u64) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content(size, seed)).unwrap();
    p
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Every regular file under `root`: relative `/` path → (size, sha256).
pub fn local_tree(root: &Path) -> BTreeMap<String, (u64, String)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).min_depth(1) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let data = std::fs::read(e.path()).unwrap();
        out.insert(rel, (data.len() as u64, sha256_hex(&data)));
    }
    out
}

/// A stored file as the emulator reports it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub size: u64,
    /// SHA-256 of the stored bytes.
    pub sha256: String,
}

/// Run a future to completion on its own thread and runtime (callable from sync tests and from
/// inside a tokio test alike).
fn block<T: Send>(fut: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(fut)
        })
        .join()
        .unwrap()
    })
}

/// GET with retries: the emulator may be injecting faults and rate limits into this test.
async fn get_ok(http: &reqwest::Client, url: &str, key: &str) -> bytes::Bytes {
    let mut last = String::new();
    for _ in 0..60 {
        match http.get(url).bearer_auth(key).send().await {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(b) => return b,
                Err(e) => last = e.to_string(),
            },
            Ok(r) => last = r.status().to_string(),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("GET {url}: {last}");
}

async fn get_json(http: &reqwest::Client, url: &str, key: &str) -> Value {
    let v: Value = serde_json::from_slice(&get_ok(http, url, key).await).unwrap();
    v.get("response").cloned().unwrap_or(v)
}

/// Every file stored in the workspace: remote path → what the emulator has (size from the
/// listing, the server's SHA-256 of the stored bytes). Folders are walked from `root`.
pub fn remote_tree(emu: &RunningEmulator) -> BTreeMap<String, Stored> {
    remote_tree_with(emu, false)
}

/// Like [`remote_tree`], reading every file's bytes back and hashing them here.
pub fn remote_tree_read(emu: &RunningEmulator) -> BTreeMap<String, Stored> {
    remote_tree_with(emu, true)
}

fn remote_tree_with(emu: &RunningEmulator, read_bytes: bool) -> BTreeMap<String, Stored> {
    block(async {
        let http = reqwest::Client::new();
        let ws = &emu.workspace_id;
        let mut out = BTreeMap::new();
        let mut stack = vec![("root".to_string(), String::new())];
        while let Some((folder, prefix)) = stack.pop() {
            let mut cursor = None::<String>;
            loop {
                let mut url = format!(
                    "{}/workspace/{ws}/storage/{folder}/list/?page_size=500&output=full",
                    emu.base_url
                );
                if let Some(c) = &cursor {
                    url.push_str(&format!("&cursor={c}"));
                }
                let page = get_json(&http, &url, &emu.api_key).await;
                for n in page["nodes"].as_array().unwrap() {
                    let name = n["name"].as_str().unwrap();
                    let id = n["id"].as_str().unwrap().to_string();
                    let path = if prefix.is_empty() {
                        name.to_string()
                    } else {
                        format!("{prefix}/{name}")
                    };
                    if n["type"] == "folder" {
                        stack.push((id, path));
                        continue;
                    }
                    // The server's own SHA-256 of what it stored; the bytes otherwise.
                    let sha256 = match (n["hash"].as_str(), n["hash_algo"].as_str()) {
                        (Some(h), Some("sha256")) if !read_bytes => h.to_string(),
                        _ => {
                            let url = format!("{}/workspace/{ws}/storage/{id}/read/", emu.base_url);
                            sha256_hex(&get_ok(&http, &url, &emu.api_key).await)
                        }
                    };
                    out.insert(
                        path,
                        Stored {
                            id,
                            size: n["size"].as_u64().unwrap(),
                            sha256,
                        },
                    );
                }
                match page["pagination"]["next_cursor"].as_str() {
                    Some(c) if page["pagination"]["has_more"] == true => cursor = Some(c.into()),
                    _ => break,
                }
            }
        }
        out
    })
}

/// Remote folders (paths) in the workspace.
pub fn remote_folders(emu: &RunningEmulator) -> Vec<String> {
    block(async {
        let http = reqwest::Client::new();
        let ws = &emu.workspace_id;
        let mut out = Vec::new();
        let mut stack = vec![("root".to_string(), String::new())];
        while let Some((folder, prefix)) = stack.pop() {
            let url = format!(
                "{}/workspace/{ws}/storage/{folder}/list/?page_size=500",
                emu.base_url
            );
            let page = get_json(&http, &url, &emu.api_key).await;
            for n in page["nodes"].as_array().unwrap() {
                if n["type"] != "folder" {
                    continue;
                }
                let name = n["name"].as_str().unwrap();
                let path = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix}/{name}")
                };
                out.push(path.clone());
                stack.push((n["id"].as_str().unwrap().to_string(), path));
            }
        }
        out.sort();
        out
    })
}

/// Assert that every local file under `local_root` is stored at `remote_prefix/<rel>` with the
/// same size and SHA-256.
pub fn assert_stored(emu: &RunningEmulator, local_root: &Path, remote_prefix: &str) {
    check_stored(remote_tree(emu), local_root, remote_prefix);
}

/// [`assert_stored`], comparing against the bytes read back from the server.
pub fn assert_stored_bytes(emu: &RunningEmulator, local_root: &Path, remote_prefix: &str) {
    check_stored(remote_tree_read(emu), local_root, remote_prefix);
}

fn check_stored(remote: BTreeMap<String, Stored>, local_root: &Path, remote_prefix: &str) {
    let local = local_tree(local_root);
    for (rel, (size, sha)) in &local {
        let path = if remote_prefix.is_empty() {
            rel.clone()
        } else {
            format!("{remote_prefix}/{rel}")
        };
        let got = remote
            .get(&path)
            .unwrap_or_else(|| panic!("`{path}` not stored; stored: {} files", remote.len()));
        assert_eq!(got.size, *size, "size of `{path}`");
        assert_eq!(&got.sha256, sha, "content of `{path}`");
    }
    // Nothing more under the prefix than the local tree: no duplicate, renamed or stray file.
    let under = |p: &str| remote_prefix.is_empty() || p.starts_with(&format!("{remote_prefix}/"));
    let extra: Vec<&String> = remote
        .keys()
        .filter(|p| under(p))
        .filter(|p| {
            let rel = if remote_prefix.is_empty() {
                p.as_str()
            } else {
                &p[remote_prefix.len() + 1..]
            };
            !local.contains_key(rel)
        })
        .collect();
    assert!(
        extra.is_empty(),
        "remote files with no local twin: {extra:?}"
    );
}

/// Parse NDJSON stdout.
pub fn ndjson(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

pub fn stats(emu: &RunningEmulator) -> Value {
    emu.stats()
}

/// The mixed tree under `root/tree`: ≥ 500 files in nested folders (small files of
/// 0..8 KiB), plus 0 B, 1 B, 4,194,303 / 4,194,304 / 4,194,305 B, and one `big` file.
/// Returns the number of files.
pub fn mixed_tree(root: &Path, big: u64) -> usize {
    let tree = root.join("tree");
    let mut n = 0;
    for i in 0..495u64 {
        let dir = match i % 7 {
            0 => String::new(),
            1 => "docs".into(),
            2 => format!("docs/part {}", i % 3),
            3 => "img/2026/jan".into(),
            4 => "img/2026/feb".into(),
            5 => format!("deep/a/b/c/d{}", i % 2),
            _ => "misc #1".into(),
        };
        let name = format!("f{i:03}.dat");
        let rel = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        write(&tree, &rel, (i * 37) % 8193, i);
        n += 1;
    }
    for (rel, size) in [
        ("edge/empty.bin", 0),
        ("edge/one.bin", 1),
        ("edge/below.bin", 4_194_303),
        ("edge/exact.bin", 4_194_304),
        ("edge/above.bin", 4_194_305),
        ("big/large.bin", big),
    ] {
        write(&tree, rel, size, size ^ 0xabc);
        n += 1;
    }
    n
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

/// The last NDJSON summary object.
pub fn summary_of(events: &[Value]) -> Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "summary")
        .cloned()
        .expect("a summary event")
}
