//! `upload`'s `--json` events (the schema is documented in `upload.rs`): one object per
//! event, and the summary's.

use std::time::Duration;

use serde_json::{Value, json};

use super::signal_name;
use crate::transfer::{Event, Summary};

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// The NDJSON object for an event (`None` for events that are progress only).
pub fn event_json(e: &Event) -> Option<Value> {
    Some(match e {
        Event::FileDone {
            local,
            remote_path,
            node_id,
            size,
            sha256,
            resumed,
            upload_id,
            ..
        } => json!({"type": "file_done", "local": local, "remote_path": remote_path,
            "node_id": node_id, "size": size, "sha256": sha256, "resumed": resumed,
            "upload_id": upload_id}),
        Event::FileSkipped {
            local,
            remote_path,
            size,
            reason,
            node_id,
            ..
        } => json!({"type": "file_skipped", "local": local, "remote_path": remote_path,
            "size": size, "reason": reason, "node_id": node_id}),
        Event::FileFailed {
            local,
            remote_path,
            error,
            ..
        } => json!({"type": "file_failed", "local": local, "remote_path": remote_path,
            "error": error}),
        Event::SymlinkSkipped { local } => json!({"type": "symlink_skipped", "local": local}),
        Event::SpecialSkipped { local, kind } => {
            json!({"type": "special_skipped", "local": local, "kind": kind})
        }
        Event::FileNotStarted {
            local, remote_path, ..
        } => json!({"type": "file_not_started", "local": local, "remote_path": remote_path}),
        Event::Warning { message } => json!({"type": "warning", "message": message}),
        Event::Notice { message } => json!({"type": "notice", "message": message}),
        Event::Retry {
            what,
            attempt,
            delay,
            error,
            ..
        } => json!({"type": "retry", "what": what, "attempt": attempt,
            "delay_ms": ms(*delay), "error": error}),
        Event::Throttled { what, wait } => {
            json!({"type": "throttled", "what": what, "wait_ms": ms(*wait)})
        }
        Event::WouldUpload {
            local,
            remote_path,
            size,
            reason,
            ..
        } => json!({"type": "would_upload", "local": local, "remote_path": remote_path,
            "size": size, "reason": reason}),
        Event::FolderCreated {
            remote_path,
            dry_run: true,
        } => json!({"type": "would_create_folder", "remote_path": remote_path}),
        Event::FolderCreated {
            remote_path,
            dry_run: false,
        } => json!({"type": "folder_created", "remote_path": remote_path}),
        Event::Stopped { reason } => json!({"type": "stopped", "reason": reason}),
        Event::Watching {
            paths,
            uploaded,
            last,
        } => json!({"type": "watching", "paths": paths, "uploaded": uploaded,
            "last": last.map(|t| chrono::DateTime::<chrono::Utc>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true))}),
        Event::Summary(s) => summary_json(s),
        Event::Deleted { .. } | Event::DeleteFailed { .. } | Event::DeleteRefused { .. } => {
            return super::sync::event_json(e);
        }
        Event::FileQueued { .. }
        | Event::WalkDone
        | Event::FileStarted { .. }
        | Event::Bytes { .. }
        | Event::Unsent { .. } => return None,
    })
}

pub(super) fn rate(s: &Summary) -> u64 {
    let secs = s.wall.as_secs_f64();
    if secs > 0.0 {
        (s.bytes_sent as f64 / secs) as u64
    } else {
        0
    }
}

pub fn summary_json(s: &Summary) -> Value {
    let mut v = json!({"type": "summary", "planned": s.planned, "uploaded": s.uploaded,
        "skipped": s.skipped, "failed": s.failed, "not_started": s.not_started,
        "bytes": s.bytes, "bytes_sent": s.bytes_sent, "hashed_bytes": s.hashed_bytes,
        "retries": s.retries,
        "throttled": s.throttled, "folders_created": s.folders_created,
        "symlinks_skipped": s.symlinks_skipped, "special_skipped": s.special_skipped,
        "wall_ms": ms(s.wall), "bytes_per_sec": rate(s), "bwlimit": s.bwlimit, "interrupted": s.interrupted,
        "signal": s.signal.map(signal_name), "dry_run": s.dry_run,
        "shard": s.shard.map(|sh| sh.to_string()), "shard_from": s.shard_from,
        "out_of_shard": s.out_of_shard});
    super::sync::summary_fields(s, &mut v);
    v
}

/// Bytes sent per second of wall time.
pub fn throughput(s: &Summary) -> u64 {
    rate(s)
}
