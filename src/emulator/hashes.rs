//! Node digests as the API shows them: SHA-256 (stored with every blob) by default, MD5 under
//! the `md5-hashes` variant. MD5s are computed when a file is stored (on the blocking thread of
//! [`super::AppState::file_stored`]) and cached by the content's SHA-256; a file stored before
//! a restart is hashed when first shown.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use md5::{Digest as _, Md5};
use serde_json::{Value, json};

use super::store::{Detail, Node};
use super::{AppState, Variant};

/// SHA-256 hex → MD5 hex.
#[derive(Default)]
struct Md5Cache(Mutex<HashMap<String, String>>);

/// MD5 (hex) of a file (blocking).
pub fn md5_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path)?;
    let mut h = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The MD5 of the content with SHA-256 `sha` stored in `blob`, cached (blocking on a miss).
pub fn md5_of(state: &AppState, sha: &str, blob: Option<&str>) -> Option<String> {
    let cache = state.ext::<Md5Cache>();
    if let Some(m) = cache.0.lock().unwrap_or_else(|e| e.into_inner()).get(sha) {
        return Some(m.clone());
    }
    let m = md5_file(&state.store.blob_path(blob?)).ok()?;
    cache
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(sha.to_string(), m.clone());
    Some(m)
}

/// Called for every stored file (blocking thread): remember its MD5 under `md5-hashes`.
pub fn on_file_stored(state: &AppState, node: &Node) {
    if state.has(Variant::Md5Hashes)
        && let Some(sha) = &node.hash
    {
        let _ = md5_of(state, sha, node.blob.as_deref());
    }
}

/// `(hash, hash_algo)` of a file as the API reports it.
pub fn reported(state: &AppState, sha: Option<&str>, blob: Option<&str>) -> (Value, &'static str) {
    match sha {
        Some(sha) if state.has(Variant::Md5Hashes) => match md5_of(state, sha, blob) {
            Some(m) => (json!(m), "md5"),
            None => (Value::Null, "md5"),
        },
        other => (json!(other), "sha256"),
    }
}

/// [`Node::to_json`] with the digest the server reports.
pub fn node_json(state: &AppState, n: &Node, detail: Detail, lock: Option<Value>) -> Value {
    let mut v = n.to_json(detail, lock);
    if state.has(Variant::DeletedFlags) && n.parent == "trash" {
        // A trashed node keeps its parent and says it was deleted.
        let from = state
            .store
            .meta_get(&format!("trashed_from:{}", n.id))
            .ok()
            .flatten()
            .unwrap_or_else(|| "root".into());
        v["parent"] = json!(from);
        v["deleted"] = json!(true);
        v["deleted_from"] = json!(from);
    }
    if state.has(Variant::Md5Hashes) && v.get("hash_algo").is_some() {
        let (hash, algo) = reported(state, n.hash.as_deref(), n.blob.as_deref());
        v["hash"] = hash;
        v["hash_algo"] = json!(algo);
    }
    v
}
