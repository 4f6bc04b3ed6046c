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

/// A receipt's lines as read, within [`crate::input::RECEIPT`] (a line of 1 MiB at most,
/// 10,000,000 lines, 1 GiB in all: an endless or garbage input is refused early).
pub(crate) struct Lines {
    /// `(line number, object)` for every line but blank ones and a torn last one.
    pub lines: Vec<(usize, Value)>,
    /// The last line was cut short (no newline, not JSON): ignored.
    pub torn: bool,
    /// The last line kept has no newline (complete JSON, but an appender must cut it off).
    pub unterminated: bool,
    /// Bytes up to the last newline.
    pub keep: u64,
}

/// Read receipt lines; an error names the first bad line or the bound passed.
pub(crate) fn read_lines(reader: impl std::io::Read) -> Result<Lines, String> {
    let mut records = crate::input::Records::new(
        std::io::BufReader::new(reader),
        b'\n',
        crate::input::RECEIPT,
    );
    let mut out = Lines {
        lines: Vec::new(),
        torn: false,
        unterminated: false,
        keep: 0,
    };
    while let Some(rec) = records.next() {
        let rec = rec.map_err(|e| e.to_string())?;
        let n = records.number() as usize;
        let last_open = !records.terminated();
        out.keep = records.through_last_separator();
        let text = String::from_utf8_lossy(&rec);
        if text.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&text)
            .map_err(|e| format!("line {n} is not JSON ({e})"))
            .and_then(|v| match v.is_object() && v["type"].as_str().is_some() {
                true => Ok(v),
                false => Err(format!("line {n} has no `type`")),
            });
        match parsed {
            Ok(v) => {
                out.lines.push((n, v));
                out.unterminated = last_open;
            }
            // A last line without its newline that does not parse: torn by a run killed
            // mid-write.
            Err(_) if last_open => out.torn = true,
            Err(e) => return Err(e),
        }
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
    let file = std::fs::File::open(path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let Lines { lines, torn, .. } = read_lines(file)?;
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
