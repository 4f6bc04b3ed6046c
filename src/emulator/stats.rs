//! Counters for tests and benchmarks, served at `GET /__emulator/stats` (outside `/current/`).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

#[derive(Default)]
struct Inner {
    /// route → status → count
    requests: BTreeMap<String, BTreeMap<u16, u64>>,
    faults: BTreeMap<String, u64>,
    chunks: BTreeMap<String, u64>,
    chunk_orders: BTreeMap<String, BTreeMap<u32, u64>>,
    max_in_flight: BTreeMap<String, u64>,
    counters: BTreeMap<String, u64>,
}

/// All counters. Cheap to update from any task.
#[derive(Default)]
pub struct Stats {
    inner: Mutex<Inner>,
    /// Raw bytes read from client sockets (HTTP framing included).
    pub bytes_received: AtomicU64,
    /// Chunk payload bytes accepted by `/upload/{id}/chunk/`.
    pub chunk_bytes: AtomicU64,
    pub rate_limited: AtomicU64,
    /// Requests being handled now (a handler dropped with its connection counts as done).
    pub in_flight: AtomicU64,
}

/// Counts one request as in flight until dropped.
pub struct InFlight<'a>(&'a AtomicU64);

impl<'a> InFlight<'a> {
    pub fn new(counter: &'a AtomicU64) -> InFlight<'a> {
        counter.fetch_add(1, Ordering::Relaxed);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Stats {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn request(&self, route: &str, status: u16) {
        *self
            .lock()
            .requests
            .entry(route.to_string())
            .or_default()
            .entry(status)
            .or_default() += 1;
    }

    /// A fault was injected (`latency`, `fail_502`, `reset`, …).
    pub fn fault(&self, kind: &str) {
        *self.lock().faults.entry(kind.to_string()).or_default() += 1;
    }

    /// A chunk was accepted.
    pub fn chunk(&self, session: &str, order: u32, bytes: u64) {
        self.chunk_bytes.fetch_add(bytes, Ordering::Relaxed);
        let mut g = self.lock();
        *g.chunks.entry(session.to_string()).or_default() += 1;
        *g.chunk_orders
            .entry(session.to_string())
            .or_default()
            .entry(order)
            .or_default() += 1;
    }

    /// Record how many chunk requests are in flight for a session right now.
    pub fn in_flight(&self, session: &str, n: u64) {
        let mut g = self.lock();
        let e = g.max_in_flight.entry(session.to_string()).or_default();
        *e = (*e).max(n);
    }

    /// Bump a named counter (e.g. `oauth_refreshes`).
    pub fn bump(&self, name: &str) {
        *self.lock().counters.entry(name.to_string()).or_default() += 1;
    }

    /// Raise a named counter to `n` if it is lower (a high-water mark, e.g.
    /// `open_sessions_peak`).
    pub fn peak(&self, name: &str, n: u64) {
        let mut g = self.lock();
        let e = g.counters.entry(name.to_string()).or_default();
        *e = (*e).max(n);
    }

    /// Read a named counter.
    pub fn counter(&self, name: &str) -> u64 {
        self.lock().counters.get(name).copied().unwrap_or(0)
    }

    pub fn snapshot(&self) -> Value {
        let g = self.lock();
        let total: u64 = g.requests.values().flat_map(|m| m.values()).sum();
        json!({
            "requests_total": total,
            "requests": g.requests.iter().map(|(r, m)| {
                (r.clone(), Value::Object(m.iter().map(|(s, n)| (s.to_string(), json!(n))).collect()))
            }).collect::<serde_json::Map<_, _>>(),
            "rate_limited": self.rate_limited.load(Ordering::Relaxed),
            "requests_in_flight": self.in_flight.load(Ordering::Relaxed),
            "faults": g.faults,
            "bytes_received": self.bytes_received.load(Ordering::Relaxed),
            "chunk_bytes": self.chunk_bytes.load(Ordering::Relaxed),
            "chunks": g.chunks,
            "chunk_orders": g.chunk_orders.iter().map(|(s, m)| {
                (s.clone(), Value::Object(m.iter().map(|(o, n)| (o.to_string(), json!(n))).collect()))
            }).collect::<serde_json::Map<_, _>>(),
            "max_chunks_in_flight": g.max_in_flight,
            "counters": g.counters,
        })
    }
}
