//! `GET /upload/limits/` and the chunk size chosen for a file within those limits.

use serde_json::Value;

use super::{CHUNK_ALIGN, CHUNKS_IN_FLIGHT, EXACT_CHUNK_MAX, MIN_CHUNK, TARGET_CHUNK, u64_field};
use crate::api::{ApiError, Client};

/// `GET /upload/limits/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Max bytes per chunk.
    pub chunk_size: u64,
    /// Max chunks per session.
    pub chunks: u64,
    /// Max file size, when reported.
    pub size: Option<u64>,
    /// Max concurrent sessions, when reported.
    pub sessions: Option<u64>,
}

impl Default for Limits {
    /// Conservative values for a server that reports nothing (free plan figures).
    fn default() -> Self {
        Limits {
            chunk_size: 100 * 1000 * 1000,
            chunks: 35,
            size: None,
            sessions: None,
        }
    }
}

impl Limits {
    /// Decode the limits payload (fields at the top or under `limits`).
    pub fn from_json(payload: &Value) -> Limits {
        let v = payload.get("limits").unwrap_or(payload);
        let d = Limits::default();
        Limits {
            chunk_size: u64_field(v, "chunk_size")
                .filter(|n| *n > 0)
                .unwrap_or(d.chunk_size),
            chunks: u64_field(v, "chunks")
                .filter(|n| *n > 0)
                .unwrap_or(d.chunks),
            size: u64_field(v, "size").filter(|n| *n > 0),
            sessions: u64_field(v, "sessions").filter(|n| *n > 0),
        }
    }

    /// The chunk size for a file of `size` bytes (fastio-api.md §3.2): every chunk but the last
    /// has this size. A small reported `chunk_size` (≤ [`EXACT_CHUNK_MAX`]) is used exactly, which
    /// satisfies both readings of the chunk rule; a larger one leaves the choice to the client,
    /// which picks about [`TARGET_CHUNK`] (a round trip is then a small fraction of sending a
    /// chunk), in a number of chunks that is a multiple of the three in flight (so the last
    /// round keeps all three connections busy: 9 chunks of 28.4 MiB for 256 MiB, not 8 of 32),
    /// and larger when the `chunks` cap demands it. Sizes are multiples of [`CHUNK_ALIGN`].
    /// `None` when the file cannot fit within the caps.
    pub fn chunk_size_for(&self, size: u64) -> Option<u64> {
        let cap = self.chunk_size.max(1);
        let chunk = if cap <= EXACT_CHUNK_MAX {
            cap
        } else {
            let rounds = size.div_ceil(TARGET_CHUNK * CHUNKS_IN_FLIGHT).max(1);
            let even = size
                .div_ceil(rounds * CHUNKS_IN_FLIGHT)
                .next_multiple_of(CHUNK_ALIGN)
                .max(MIN_CHUNK);
            even.max(size.div_ceil(self.chunks.max(1))).min(cap)
        };
        (Limits::chunk_count(size, chunk) <= self.chunks).then_some(chunk)
    }

    /// How many chunks a file of `size` bytes takes with chunk size `chunk`.
    pub fn chunk_count(size: u64, chunk: u64) -> u64 {
        size.div_ceil(chunk).max(1)
    }
}

/// `GET /upload/limits/` without context: the caller's own plan (what `doctor` shows next to
/// the target's).
pub async fn limits(client: &Client) -> Result<Limits, ApiError> {
    Ok(Limits::from_json(
        &client.get("/upload/limits/", &[]).await?,
    ))
}

/// What `/upload/limits/` says about uploads into a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetLimits {
    /// The limits of the target workspace's plan (or, on a server that does not take the
    /// context, the caller's).
    Found(Limits),
    /// The server has no limits endpoint: use [`Limits::default`].
    NoEndpoint,
    /// The workspace does not exist: the plain call answers, the one naming the workspace is
    /// 404, and so is a listing of its root.
    UnknownWorkspace,
}

/// `GET /upload/limits/?action=create&instance_id=WS` (fastio-api.md §3.2): the limits of an
/// upload into `workspace_id`, from the plan of the workspace's org, not the caller's (a
/// free-plan user uploading into a paid org's workspace gets the org's caps). The server
/// derives the profile type from the id. A 404 for the target is told apart from a missing
/// endpoint by asking without context and listing the workspace's root.
pub async fn target_limits(client: &Client, workspace_id: &str) -> Result<TargetLimits, ApiError> {
    let query = [
        ("action", "create".to_string()),
        (
            "instance_id",
            crate::api::Profile::of(workspace_id).id().to_string(),
        ),
    ];
    let plain = || client.get("/upload/limits/", &[]);
    match client.get("/upload/limits/", &query).await {
        Ok(p) => Ok(TargetLimits::Found(Limits::from_json(&p))),
        Err(e) if e.is_no_route() => Ok(TargetLimits::NoEndpoint),
        Err(e) if e.is_not_found() => match plain().await {
            Ok(p) => {
                let root = crate::api::storage::list_page(client, workspace_id, "root", 100, None);
                match root.await {
                    Ok(_) => Ok(TargetLimits::Found(Limits::from_json(&p))),
                    Err(e) if e.is_not_found() => Ok(TargetLimits::UnknownWorkspace),
                    Err(e) => Err(e),
                }
            }
            Err(e) if e.is_not_found() || e.is_no_route() => Ok(TargetLimits::NoEndpoint),
            Err(e) => Err(e),
        },
        // A server that does not take the context parameters: the caller's limits.
        Err(e) if matches!(e.status(), Some(400 | 406)) => match plain().await {
            Ok(p) => Ok(TargetLimits::Found(Limits::from_json(&p))),
            Err(e) if e.is_not_found() || e.is_no_route() => Ok(TargetLimits::NoEndpoint),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn limits(chunk_size: u64, chunks: u64) -> Limits {
        Limits {
            chunk_size,
            chunks,
            size: None,
            sessions: None,
        }
    }

    /// Rule 3: a small reported `chunk_size` is used exactly, whatever the file size.
    #[test]
    fn small_chunk_size_is_used_exactly() {
        let l = limits(2 << 20, 8);
        assert_eq!(l.chunk_size_for(5 << 20), Some(2 << 20));
        assert_eq!(l.chunk_size_for(16 << 20), Some(2 << 20));
        // One byte over the cap of 8 chunks of 2 MiB: does not fit.
        assert_eq!(l.chunk_size_for((16 << 20) + 1), None);
        assert_eq!(
            limits(32 << 20, 35).chunk_size_for(100 << 20),
            Some(32 << 20)
        );
    }

    /// Rule 3: a large `chunk_size` gives equal chunks of a useful size within the `chunks` cap.
    #[test]
    fn large_chunk_size_gives_big_equal_chunks_within_the_cap() {
        let live = limits(100_000_000, 35);
        // 256 MiB: 9 chunks of about 28.4 MiB (three full rounds of three), not 256 of 1 MiB.
        let c = live.chunk_size_for(256 << 20).unwrap();
        assert_eq!(Limits::chunk_count(256 << 20, c), 9);
        assert!(c.is_multiple_of(CHUNK_ALIGN) && c <= 32 << 20, "{c}");
        // 1 GiB: 33 chunks (11 rounds), the last one barely shorter.
        let c = live.chunk_size_for(1 << 30).unwrap();
        assert_eq!(Limits::chunk_count(1 << 30, c), 33);
        // A 9 MiB file still fills three chunks in flight; 5 MiB too, in equal thirds.
        assert_eq!(live.chunk_size_for(9 << 20), Some(3 << 20));
        let c = live.chunk_size_for(5 << 20).unwrap();
        assert_eq!(Limits::chunk_count(5 << 20, c), 3);
        assert!(c >= MIN_CHUNK);
        // Just above the single-call limit: three chunks of at least 1 MiB, or fewer.
        let c = live.chunk_size_for(4 << 20).unwrap();
        assert!(c >= MIN_CHUNK && Limits::chunk_count(4 << 20, c) <= 3);
        // 3 GB: the 35-chunk cap forces bigger chunks, still within chunk_size.
        let c = live.chunk_size_for(3_000_000_000).unwrap();
        assert!(Limits::chunk_count(3_000_000_000, c) <= 35 && c <= 100_000_000);
        // Beyond 35 × 100 MB nothing fits.
        assert_eq!(live.chunk_size_for(3_500_000_001), None);
        assert_eq!(Limits::chunk_count(3 << 20, 1 << 20), 3);
        assert_eq!(Limits::chunk_count((3 << 20) + 1, 1 << 20), 4);
        let parsed = Limits::from_json(&json!({"chunk_size": "1048576", "chunks": 4}));
        assert_eq!(parsed.chunk_size, 1 << 20);
        assert_eq!(parsed.chunks, 4);
    }
}
