//! `POST /upload/batch/` (fastio-api.md §3.11): many small files in one multipart request.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_LENGTH;
use axum::routing::post;
use serde_json::{Value, json};

use super::caller::Caller;
use super::ids;
use super::multipart::{MANIFEST_MAX, MultipartReader, TEXT_MAX};
use super::uploads::{Hasher, Spooled, spool_part};
use super::wire::{self, ApiErr, ApiResult};
use super::{AppState, Variant};

pub const MAX_FILES: usize = 200;
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Whole-body cap (measured with multipart framing).
pub const MAX_BODY_BYTES: u64 = 100 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route("/upload/batch", post(batch))
}

/// Removes spooled temp files when the request ends.
struct TempFiles(Vec<PathBuf>);

impl Drop for TempFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn entry_error(index: Value, filename: Value, code: i64, msg: &str) -> Value {
    json!({"index": index, "filename": filename, "status": "error",
           "error_code": code, "error_message": msg})
}

/// `relative_path`: 1–8192 chars, ends with `/`, no leading `/`, no `.`/`..`/empty segments.
fn check_relative_path(p: &str) -> Result<(), &'static str> {
    if p.is_empty() || p.len() > 8192 {
        return Err("relative_path must be 1-8192 characters");
    }
    if !p.ends_with('/') {
        return Err("relative_path must end with /");
    }
    if p.starts_with('/') {
        return Err("relative_path must not start with /");
    }
    for seg in p.trim_end_matches('/').split('/') {
        if seg.is_empty() || seg == "." || seg == ".." {
            return Err("relative_path must not contain empty, . or .. segments");
        }
        if seg.contains('\\') || seg.chars().any(char::is_control) || seg.chars().count() > 255 {
            return Err("relative_path has an invalid folder name");
        }
    }
    Ok(())
}

/// Names over 100 characters are shortened, keeping the extension.
fn truncate_name(name: &str) -> String {
    if name.chars().count() <= 100 {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() < 20 => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    let keep = 100 - ext.chars().count();
    format!("{}{ext}", stem.chars().take(keep).collect::<String>())
}

async fn batch(
    State(state): State<AppState>,
    caller: Result<Caller, ApiErr>,
    req: axum::extract::Request,
) -> ApiResult {
    let caller = caller.map_err(|mut e| {
        e.code = 10011;
        e.text = "batch upload requires an authenticated caller".into();
        e
    })?;
    if let Some(len) = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > MAX_BODY_BYTES
    {
        return Err(ApiErr::too_large(format!(
            "batch body is {len} bytes; the limit is {MAX_BODY_BYTES}"
        )));
    }
    let mut mp = MultipartReader::from_request(req, MAX_BODY_BYTES)?;
    let mut temps = TempFiles(Vec::new());
    let read = read_batch_form(&state, &mut mp, &mut temps).await;
    let (fields, mut parts) = match read {
        Ok(r) => r,
        Err(e) => {
            mp.discard();
            return Err(e);
        }
    };
    let f = wire::Fields(fields);
    let instance = f.req("instance_id")?.to_string();
    let (ws, share_root) = state.instance_for(&instance, &caller).await?;
    let creator = f.get("creator").map(str::to_string);
    if let Some(c) = &creator
        && (c.is_empty()
            || c.len() > 150
            || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-'))
    {
        return Err(ApiErr::invalid(
            "creator",
            "1-150 characters of A-Z, a-z, 0-9 and -",
        ));
    }
    let manifest: Vec<Value> = serde_json::from_str(f.req("manifest")?)
        .map_err(|_| ApiErr::invalid("manifest", "must be a JSON array"))?;
    if manifest.is_empty() {
        return Err(ApiErr::invalid("manifest", "is empty"));
    }
    if manifest.len() > MAX_FILES {
        return Err(ApiErr::feature_limit(format!(
            "a batch holds at most {MAX_FILES} files"
        )));
    }
    // A share's `root` is its folder.
    let folder = match (f.get("folder_id").unwrap_or("root"), share_root) {
        ("root", Some(root)) => root,
        (folder, _) => folder.to_string(),
    };
    let ws_id = ws.id.clone();
    let base = state.db(move |s| s.resolve_folder(&ws_id, &folder)).await?;

    let mut results = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for entry in &manifest {
        let index_v = entry.get("index").cloned().unwrap_or(Value::Null);
        let filename_v = entry.get("filename").cloned().unwrap_or(Value::Null);
        let r = batch_entry(&state, &caller, &ws.id, &base, entry, &mut parts, &mut seen).await;
        results.push(match r {
            Ok(v) => v,
            Err(e) => entry_error(index_v, filename_v, e.code, &e.text),
        });
    }
    let ok = results.iter().filter(|r| r["status"] == "ok").count();
    let errors: Vec<Value> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .cloned()
        .collect();
    wire::ok_flat(json!({
        "batch_id": ids::opaque('6'),
        "count_total": results.len(),
        "count_succeeded": ok,
        "count_errored": errors.len(),
        "partial": ok > 0 && !errors.is_empty(),
        "all_failed": ok == 0,
        "creator": creator,
        "results": results,
        "errors": errors,
    }))
}

/// A batch's multipart body, streamed: text fields (the manifest up to [`MANIFEST_MAX`],
/// others up to [`TEXT_MAX`]) and file parts spooled to temp files (each at most
/// [`MAX_FILE_BYTES`]; an oversized one is an error of its entry only). The whole body is capped
/// at [`MAX_BODY_BYTES`] by the reader.
type BatchParts = HashMap<usize, Result<(Spooled, String), ApiErr>>;

async fn read_batch_form(
    state: &AppState,
    mp: &mut MultipartReader,
    temps: &mut TempFiles,
) -> Result<(HashMap<String, String>, BatchParts), ApiErr> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut parts: BatchParts = HashMap::new();
    while let Some(part) = mp.next_part().await? {
        let name = part.name;
        if let Some(idx) = name.strip_prefix("file_") {
            let Ok(idx) = idx.parse::<usize>() else {
                return Err(ApiErr::invalid(
                    &name,
                    "file parts are named file_0, file_1, …",
                ));
            };
            if parts.len() >= MAX_FILES {
                return Err(ApiErr::feature_limit(format!(
                    "a batch holds at most {MAX_FILES} files"
                )));
            }
            let filename = part.file_name.unwrap_or_default();
            let tmp = state.store.tmp_path();
            temps.0.push(tmp.clone());
            let r = spool_part(mp, &tmp, MAX_FILE_BYTES, true).await;
            if let Err(e) = &r {
                // An oversized file fails its entry; the rest of the part is skipped by the
                // next `next_part`. Anything else fails the batch.
                if e.status != axum::http::StatusCode::PAYLOAD_TOO_LARGE
                    || mp.received() > MAX_BODY_BYTES
                {
                    return Err(e.clone());
                }
            }
            if parts.insert(idx, r.map(|sp| (sp, filename))).is_some() {
                return Err(ApiErr::invalid(&name, "sent more than once"));
            }
        } else {
            let cap = if name == "manifest" {
                MANIFEST_MAX
            } else {
                TEXT_MAX
            };
            let v = mp.text(&name, cap).await?;
            fields.insert(name, v);
        }
    }
    Ok((fields, parts))
}

async fn batch_entry(
    state: &AppState,
    caller: &Caller,
    ws: &str,
    base: &str,
    entry: &Value,
    parts: &mut HashMap<usize, Result<(Spooled, String), ApiErr>>,
    seen: &mut std::collections::HashSet<usize>,
) -> Result<Value, ApiErr> {
    let index = entry
        .get("index")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiErr::invalid("index", "must be a non-negative integer"))?
        as usize;
    if !seen.insert(index) {
        return Err(ApiErr::invalid("index", "appears twice in the manifest"));
    }
    let filename = entry
        .get("filename")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiErr::missing("filename"))?;
    super::storage::check_name("filename", filename)?;
    let name = truncate_name(filename);
    let echoed = if state.has(Variant::TruncateNames) {
        name.clone()
    } else {
        filename.to_string()
    };
    let rel = match entry.get("relative_path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => {
            check_relative_path(p).map_err(|m| ApiErr::invalid("relative_path", m))?;
            if state
                .config
                .fault_relative_paths
                .iter()
                .any(|t| p.contains(t.as_str()))
            {
                state.stats.fault("relative_path");
                return Err(ApiErr::invalid(
                    "relative_path",
                    "refused by the server (injected fault)",
                ));
            }
            Some(p.clone())
        }
        Some(_) => return Err(ApiErr::invalid("relative_path", "must be a string")),
    };
    let hash = entry.get("hash").and_then(Value::as_str);
    let algo = entry.get("hash_algo").and_then(Value::as_str);
    if hash.is_some() != algo.is_some() {
        return Err(ApiErr::invalid("hash", "hash and hash_algo go together"));
    }
    let (sp, _part_name) = match parts.remove(&index) {
        None => return Err(ApiErr::missing(&format!("file_{index}"))),
        Some(Err(e)) => return Err(e),
        Some(Ok(p)) => p,
    };
    if let (Some(h), Some(a)) = (hash, algo)
        && let Some(hasher) = Hasher::for_algo(a)?
    {
        let got = match hasher {
            Hasher::Sha256(_) => sp.sha256.clone().unwrap_or_default(),
            other => {
                let p = sp.path.clone();
                tokio::task::spawn_blocking(move || -> std::io::Result<String> {
                    let bytes = std::fs::read(p)?;
                    let mut o = other;
                    o.update(&bytes);
                    Ok(o.finish())
                })
                .await
                .map_err(|_| ApiErr::internal("hash task failed"))??
            }
        };
        if !got.eq_ignore_ascii_case(h) {
            return Err(ApiErr::invalid("hash", "does not match the file's bytes"));
        }
    }
    let (ws2, base2, rel2, name2) = (ws.to_string(), base.to_string(), rel.clone(), name.clone());
    let folded = state.has(Variant::FoldedFolderNames);
    let existing = state
        .db(move |s| {
            let parent = match &rel2 {
                // The server folds relative_path's folder names as it does createfolder's.
                Some(r) if folded => {
                    let mut cur = base2;
                    for seg in r.split('/').filter(|p| !p.is_empty()) {
                        cur = super::storage::folded_folder(s, &ws2, &cur, seg, false)?.id;
                    }
                    cur
                }
                Some(r) => s.ensure_path(&ws2, &base2, r)?,
                None => base2,
            };
            let existing = s.child(&ws2, &parent, &name2)?.filter(|n| !n.is_folder());
            Ok((parent, existing.map(|n| n.id)))
        })
        .await?;
    let (parent, existing) = existing;
    if let Some(node) = &existing {
        state.locks.check_write(node, caller, None)?;
    }
    if !state.locks.is_empty() {
        super::locks::check_write_into(state, ws, &parent, caller, None).await?;
    }
    let st = state.clone();
    let ws3 = ws.to_string();
    let node = state
        .db(move |s| {
            let sha = sp.sha256.clone().unwrap_or_default();
            let blob = s.adopt_blob(&sp.path, sp.size, sha)?;
            let node = s.commit_file(&ws3, &parent, &name, &blob)?;
            st.file_stored(&ws3, &node);
            Ok(node)
        })
        .await?;
    let mut out = json!({
        "index": index, "filename": echoed, "status": "ok",
        "upload_id": ids::opaque('5'), "node_id": node.id,
    });
    if state.has(Variant::OmitNewFileIds) || state.has(Variant::AsyncUploads) {
        out["node_id"] = Value::Null;
    }
    if let Some(r) = rel {
        out["relative_path"] = json!(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_follow_the_documented_rules() {
        assert!(check_relative_path("a/").is_ok());
        assert!(check_relative_path("a/b c/").is_ok());
        assert!(check_relative_path("a").is_err());
        assert!(check_relative_path("/a/").is_err());
        assert!(check_relative_path("a/../b/").is_err());
        assert!(check_relative_path("./a/").is_err());
        assert!(check_relative_path("a//b/").is_err());
        assert!(check_relative_path("").is_err());
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.txt", "x".repeat(150));
        let t = truncate_name(&long);
        assert_eq!(t.chars().count(), 100);
        assert!(t.ends_with(".txt"));
        assert_eq!(truncate_name("short.txt"), "short.txt");
    }
}
