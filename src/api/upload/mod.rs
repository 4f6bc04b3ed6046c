//! Upload endpoints (fastio-api.md §3): limits, single-call, chunked sessions (create, chunk,
//! complete, details with long-poll, cancel) and batch. Thin typed wrappers: no retries here, the
//! transfer layer decides what is safe to resend.
//!
//! This module keeps the constants of the upload rules, [`Target`] and the helpers its parts
//! share; the endpoints are in its submodules and re-exported here.

mod batch;
mod chunk;
mod details;
mod limits;
mod session;
mod single;
mod stream;

use bytes::Bytes;
use reqwest::multipart::Part;
use serde_json::Value;

use crate::api::Client;

pub use batch::{BatchFile, BatchOutcome, batch_outcomes, upload_batch};
pub use chunk::{ChunkSource, PieceSource, read_exact_at, upload_chunk};
pub use details::{POLL_PAUSE, Session, WAIT_SECS, long_poll_secs, poll_pause, session_details};
pub use limits::{Limits, TargetLimits, limits, target_limits};
pub use session::{cancel_session, complete_session, create_session};
pub use single::{SingleResult, upload_single};
pub use stream::{StreamSource, create_stream_session, upload_stream};

/// Files below this size may use single-call or batch upload; from it up, chunked sessions.
pub const SINGLE_CALL_MAX_EXCLUSIVE: u64 = 4_194_304;
/// Every chunk but the last must be at least this big.
pub const MIN_CHUNK: u64 = 1 << 20;
/// A batch request holds at most this many files.
pub const BATCH_MAX_FILES: usize = 200;
/// A reported `chunk_size` up to this is used exactly (the "exact" reading of the chunk rule).
pub const EXACT_CHUNK_MAX: u64 = 32 << 20;
/// The chunk size chosen when the server allows larger ones.
pub const TARGET_CHUNK: u64 = 32 << 20;
/// Chunk sizes the client chooses are multiples of this.
pub const CHUNK_ALIGN: u64 = 64 << 10;
/// Chunk requests in flight per session at most (fastio-api.md §3.5).
pub const CHUNKS_IN_FLIGHT: u64 = 3;
/// The batch endpoint keeps names up to this many characters; longer ones it truncates.
pub const BATCH_NAME_MAX: usize = 100;

/// Where a new file goes.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// The workspace id, or a share's key (see [`crate::api::Profile`]).
    pub workspace_id: &'a str,
    /// Parent folder id or `root`.
    pub folder_id: &'a str,
}

impl Target<'_> {
    /// `instance_id` of the upload calls: the workspace's or the share's id.
    pub fn instance_id(&self) -> &str {
        crate::api::Profile::of(self.workspace_id).id()
    }

    /// `profile_type` of the upload calls: `workspace` or `share`.
    pub fn profile_type(&self) -> &'static str {
        crate::api::Profile::of(self.workspace_id).kind()
    }
}

fn u64_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A file part from memory; under the client's `--bwlimit`, streamed in pieces that each wait
/// for their bytes.
fn bytes_part(client: &Client, data: &Bytes, file_name: &str) -> Part {
    Part::stream_with_length(memory_body(client, data), data.len() as u64)
        .file_name(file_name.to_string())
        .mime_str("application/octet-stream")
        .expect("static mime type")
}

/// Bytes in memory as a body: whole, unless a bandwidth cap or a [`crate::api::SentMeter`]
/// needs it in pieces (each counted as it leaves).
fn memory_body(client: &Client, data: &Bytes) -> reqwest::Body {
    let limit = client.bwlimit();
    if limit.is_none() && !crate::api::is_metered() {
        return reqwest::Body::from(data.clone());
    }
    reqwest::Body::wrap_stream(crate::api::counted(crate::api::bwlimit::limited(
        crate::api::progress_stream(crate::api::bwlimit::pieces(data.clone())),
        limit.cloned(),
    )))
}
