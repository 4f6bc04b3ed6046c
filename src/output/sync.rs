//! The upload output about the skip rule's cost (bytes read to compare) and `upload --delete`:
//! the `deleted`, `delete_failed` and `delete_refused` events (their schema is in
//! `upload.rs`), and the summary's part.

use serde_json::{Value, json};

use crate::transfer::{Event, Summary};

/// The NDJSON object of a deletion event (`None` for other events).
pub fn event_json(e: &Event) -> Option<Value> {
    Some(match e {
        Event::Deleted {
            remote_path,
            node_id,
            folder,
            count,
            dry_run,
        } => json!({"type": if *dry_run { "would_delete" } else { "deleted" },
            "remote_path": remote_path, "node_id": node_id,
            "kind": if *folder { "folder" } else { "file" }, "count": count}),
        Event::DeleteFailed { remote_path, error } => {
            json!({"type": "delete_failed", "remote_path": remote_path, "error": error})
        }
        Event::DeleteRefused { reason } => json!({"type": "delete_refused", "reason": reason}),
        _ => return None,
    })
}

/// The terminal line of a deletion event, and whether it is an error (shown even with `-q`).
pub fn line(e: &Event) -> Option<(String, bool)> {
    Some(match e {
        Event::Deleted {
            remote_path,
            folder,
            count,
            dry_run,
            ..
        } => {
            let verb = if *dry_run { "would trash" } else { "trashed" };
            let what = match folder {
                true => format!("folder `{remote_path}/` ({count} files and folders)"),
                false => format!("`{remote_path}`"),
            };
            (format!("fastio: {verb} {what} (no local twin)"), false)
        }
        Event::DeleteFailed { remote_path, error } => (
            format!("fastio: could not trash `{remote_path}`: {error}"),
            true,
        ),
        Event::DeleteRefused { reason } => (format!("fastio: {reason}"), true),
        _ => return None,
    })
}

/// The summary fields of `--delete`.
pub fn summary_fields(s: &Summary, v: &mut Value) {
    if !s.workspace_id.is_empty() {
        v["workspace_id"] = json!(s.workspace_id);
        v["remote_dir"] = json!(s.remote_dir);
    }
    v["deleted"] = json!(s.deleted);
    v["delete_failed"] = json!(s.delete_failed);
    v["delete_refused"] = json!(s.delete_refused);
}

/// The summary line's part about hashing and `--delete` (empty when nothing was read to
/// compare, deleted or refused).
pub fn summary_part(s: &Summary) -> String {
    let read = match s.hashed_bytes {
        0 => String::new(),
        n => format!("; {} read to compare", indicatif::HumanBytes(n)),
    };
    let into = match &s.destination {
        Some(d) => format!("; into {d}"),
        None => String::new(),
    };
    read + &into
        + &match (s.deleted, s.delete_failed, &s.delete_refused) {
            (_, _, Some(_)) => "; nothing deleted".into(),
            (0, 0, None) => String::new(),
            (n, 0, None) if s.dry_run => format!("; would trash {n} remote files and folders"),
            (n, 0, None) => format!("; trashed {n} remote files and folders"),
            (n, f, None) => format!("; trashed {n} remote files and folders, {f} refused"),
        }
}
