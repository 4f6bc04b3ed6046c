//! The receipt format (`upload --receipt FILE`), as read back: by `fastio verify`, and by a
//! rerun that continues the receipt. The writer is `output::receipt`.
//!
//! Every line is one JSON object with `"v": 1` and a `"type"`:
//!
//! | `type` | Fields |
//! |---|---|
//! | `run` | first line of each run: `tool`, `version`, `api_base`, `workspace`, `destination`, `shard` (`"I/N"` or null), `command` (argument list, secrets replaced by `***`), `cwd`, `started_at`, `run_key`, `resumed` |
//! | `file` | one per stored file: `status` (`uploaded` or `skipped`), `local`, `remote_path`, `workspace`, `node_id`, `size`, `sha256` (of the local bytes), `upload_id` (only where the server named one), `stored_at` (null for skipped files), `checked_at`, `reason` (skipped only) |
//! | `failed` | a file that could not be stored: `local`, `remote_path`, `workspace`, `error`, `at` |
//! | `deleted` | `upload --delete` moved this remote file or folder to the trash: `remote_path`, `workspace`, `node_id`, `kind` (`file` or `folder`), `count`, `at`; earlier lines for it (and, for a folder, for what was in it) no longer count |
//! | `summary` | last line of each run: the `--json` summary fields, `complete` (nothing failed or left), `finished_at` |
//!
//! Each line is written with one `write` and the file is never rewritten, so a run killed at
//! any moment leaves a valid prefix. The same command with the same `--receipt` (same sources,
//! workspace, destination, shard and server: the `run_key`) appends a new `run` line and
//! continues the receipt instead of starting over; files already recorded are not repeated.
//! A later line for the same remote path supersedes an earlier one. Skipped files are recorded
//! with their remote node, so the receipt covers the whole tree; their local SHA-256 is
//! computed for the receipt when the skip decision did not need it.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// Parse receipt bytes into `(line number, object)` pairs; an error names the first bad line.
pub(crate) fn parse_lines(text: &[u8]) -> Result<Vec<(usize, Value)>, String> {
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("line {} is not JSON ({e})", i + 1))?;
        if !v.is_object() || v["type"].as_str().is_none() {
            return Err(format!("line {} has no `type`", i + 1));
        }
        out.push((i + 1, v));
    }
    Ok(out)
}

/// One recorded file, as `verify` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Line number in the receipt.
    pub line: usize,
    /// `uploaded`, `skipped`, or `failed` (a `failed` line).
    pub status: String,
    pub local: String,
    pub remote_path: Option<String>,
    pub workspace: Option<String>,
    pub node_id: Option<String>,
    pub size: Option<u64>,
    pub sha256: Option<String>,
    /// Why the upload failed (`failed` lines).
    pub error: Option<String>,
}

/// A receipt read back.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The first `run` line.
    pub run: Value,
    /// The latest entry per remote path (or per local path when there is none), in the order
    /// of their last appearance.
    pub entries: Vec<Entry>,
    /// The last line was cut short (a run killed mid-write); it was ignored.
    pub torn: bool,
    /// Whether the last line is a `summary`.
    pub finished: bool,
}

/// Read a receipt; every line but a torn last one must be a JSON object with a `type`.
pub fn read(path: &Path) -> Result<Receipt, String> {
    let text = std::fs::read(path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let keep = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let tail = &text[keep..];
    let mut lines = parse_lines(&text[..keep])?;
    let mut torn = false;
    if !tail.iter().all(u8::is_ascii_whitespace) {
        // A last line without its newline: complete JSON is kept, anything else is torn.
        match parse_lines(tail) {
            Ok(mut more) => {
                let n = text[..keep].iter().filter(|b| **b == b'\n').count();
                for (i, _) in more.iter_mut() {
                    *i += n;
                }
                lines.extend(more);
            }
            Err(_) => torn = true,
        }
    }
    let run = match lines.first() {
        Some((_, v)) if v["type"] == "run" => v.clone(),
        _ => return Err("its first line is not a `run` line: not a fastio receipt".into()),
    };
    let finished = lines.last().is_some_and(|(_, v)| v["type"] == "summary");
    let mut order: Vec<String> = Vec::new();
    let mut latest: HashMap<String, Entry> = HashMap::new();
    for (line, v) in &lines {
        let kind = v["type"].as_str().unwrap_or_default();
        if kind == "deleted"
            && let Some(gone) = v["remote_path"].as_str()
        {
            let inside = format!("{gone}/");
            let before = latest.len();
            latest.retain(|k, _| k != gone && !k.starts_with(&inside));
            if latest.len() != before {
                order.retain(|k| latest.contains_key(k));
            }
            continue;
        }
        if kind != "file" && kind != "failed" {
            continue;
        }
        let s = |k: &str| v[k].as_str().map(str::to_string);
        let e = Entry {
            line: *line,
            status: if kind == "failed" {
                "failed".into()
            } else {
                s("status").unwrap_or_else(|| "uploaded".into())
            },
            local: s("local").unwrap_or_default(),
            remote_path: s("remote_path"),
            workspace: s("workspace"),
            node_id: s("node_id").filter(|n| !n.is_empty()),
            size: v["size"].as_u64(),
            sha256: s("sha256").map(|h| h.to_ascii_lowercase()),
            error: s("error"),
        };
        let key = e.remote_path.clone().unwrap_or_else(|| e.local.clone());
        if latest.insert(key.clone(), e).is_some() {
            order.retain(|k| *k != key);
        }
        order.push(key);
    }
    let entries = order
        .into_iter()
        .filter_map(|k| latest.remove(&k))
        .collect();
    Ok(Receipt {
        run,
        entries,
        torn,
        finished,
    })
}
