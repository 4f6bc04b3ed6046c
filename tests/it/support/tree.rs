//! Local trees (deterministic contents, the mixed tree) and what the emulator stored,
//! read back over HTTP with the wire format spelled out here, compared with them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fastio::emulator::RunningEmulator;
use sha2::{Digest, Sha256};

use super::wire::{block, get_bytes_patiently, get_json_patiently};

/// Write `bytes` to `dir/rel`, creating the folders on the way.
pub fn write_bytes(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
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

/// Write [`content`] of `size` (seeded by `seed`) to `root/rel`.
pub fn write(root: &Path, rel: &str, size: u64, seed: u64) -> PathBuf {
    write_bytes(root, rel, &content(size, seed))
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
    walk(emu, Some(read_bytes)).0
}

/// Remote folders (paths) in the workspace.
pub fn remote_folders(emu: &RunningEmulator) -> Vec<String> {
    walk(emu, None).1
}

/// The workspace walked from `root`, every page of every folder: its files (with
/// `Some(read_bytes)`: hashed by the server, or here from their bytes when `read_bytes` or the
/// server gives no SHA-256; with `None` none) and its folders (sorted paths).
fn walk(
    emu: &RunningEmulator,
    read_bytes: Option<bool>,
) -> (BTreeMap<String, Stored>, Vec<String>) {
    block(async {
        let http = reqwest::Client::new();
        let ws = &emu.workspace_id;
        let mut files = BTreeMap::new();
        let mut folders = Vec::new();
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
                let page = get_json_patiently(&http, &url, &emu.api_key).await;
                for n in page["nodes"].as_array().unwrap() {
                    let name = n["name"].as_str().unwrap();
                    let id = n["id"].as_str().unwrap().to_string();
                    let path = if prefix.is_empty() {
                        name.to_string()
                    } else {
                        format!("{prefix}/{name}")
                    };
                    if n["type"] == "folder" {
                        folders.push(path.clone());
                        stack.push((id, path));
                        continue;
                    }
                    let Some(read_bytes) = read_bytes else {
                        continue;
                    };
                    // The server's own SHA-256 of what it stored; the bytes otherwise.
                    let sha256 = match (n["hash"].as_str(), n["hash_algo"].as_str()) {
                        (Some(h), Some("sha256")) if !read_bytes => h.to_string(),
                        _ => {
                            let url = format!("{}/workspace/{ws}/storage/{id}/read/", emu.base_url);
                            sha256_hex(&get_bytes_patiently(&http, &url, &emu.api_key).await)
                        }
                    };
                    let size = n["size"].as_u64().unwrap();
                    files.insert(path, Stored { id, size, sha256 });
                }
                match page["pagination"]["next_cursor"].as_str() {
                    Some(c) if page["pagination"]["has_more"] == true => cursor = Some(c.into()),
                    _ => break,
                }
            }
        }
        folders.sort();
        (files, folders)
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
