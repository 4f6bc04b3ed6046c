//! Run-wide counters behind the summary, shared by the scheduler, the uploaders and the retrier.

use std::sync::atomic::{AtomicU64, Ordering};

/// Run-wide counters behind the summary.
#[derive(Debug, Default)]
pub struct Counters {
    pub(super) uploaded: AtomicU64,
    pub(super) skipped: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) bytes: AtomicU64,
    pub(super) bytes_sent: std::sync::Arc<AtomicU64>,
    pub(super) hashed_bytes: AtomicU64,
    pub(super) retries: AtomicU64,
    pub(super) throttled: AtomicU64,
    pub(super) folders: AtomicU64,
    pub(super) symlinks: AtomicU64,
    pub(super) special: AtomicU64,
    pub(super) forbidden: AtomicU64,
    pub(super) out_of_shard: AtomicU64,
    /// Files the walk produced (queued files and unreadable paths).
    pub(super) planned: AtomicU64,
}

impl Counters {
    pub fn add_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
    pub fn add_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }
    pub fn add_sent(&self, n: u64) {
        self.bytes_sent.fetch_add(n, Ordering::Relaxed);
    }

    /// The bytes-sent counter itself, for meters that outlive a borrow.
    pub fn sent_handle(&self) -> std::sync::Arc<AtomicU64> {
        self.bytes_sent.clone()
    }
}
