//! Upload endpoints (fastio-api.md §3): limits, single-call, chunked sessions (create, chunk,
//! complete, details with long-poll, cancel) and batch. Thin typed wrappers: no retries here, the
//! transfer layer decides what is safe to resend.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::envelope::{parse_code, string_field};
use super::{ApiError, Client};

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

fn u64_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
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

pub async fn limits(client: &Client) -> Result<Limits, ApiError> {
    Ok(Limits::from_json(
        &client.get("/upload/limits/", &[]).await?,
    ))
}

/// Where a new file goes.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub workspace_id: &'a str,
    /// Parent folder id or `root`.
    pub folder_id: &'a str,
}

/// A file part from memory; under the client's `--bwlimit`, streamed in pieces that each wait
/// for their bytes.
fn bytes_part(client: &Client, data: &Bytes, file_name: &str) -> Part {
    Part::stream_with_length(memory_body(client, data), data.len() as u64)
        .file_name(file_name.to_string())
        .mime_str("application/octet-stream")
        .expect("static mime type")
}

fn memory_body(client: &Client, data: &Bytes) -> reqwest::Body {
    match client.bwlimit() {
        None => reqwest::Body::from(data.clone()),
        Some(limit) => reqwest::Body::wrap_stream(super::bwlimit::limited(
            super::progress_stream(super::bwlimit::pieces(data.clone())),
            Some(limit.clone()),
        )),
    }
}

/// Result of a single-call upload.
#[derive(Debug, Clone)]
pub struct SingleResult {
    pub upload_id: String,
    /// Absent when storage is asynchronous: poll [`session_details`].
    pub new_file_id: Option<String>,
}

/// `POST /upload/` multipart with the bytes (files < 4,194,304 bytes). `sha256` is lowercase hex.
pub async fn upload_single(
    client: &Client,
    target: &Target<'_>,
    name: &str,
    data: Bytes,
    sha256: &str,
) -> Result<SingleResult, ApiError> {
    let payload = client
        .call(Method::POST, "/upload/", |rb| {
            let form = Form::new()
                .text("name", name.to_string())
                .text("size", data.len().to_string())
                .text("action", "create")
                .text("instance_id", target.workspace_id.to_string())
                .text("folder_id", target.folder_id.to_string())
                .text("profile_type", "workspace")
                .text("hash", sha256.to_string())
                .text("hash_algo", "sha256")
                .part("chunk", bytes_part(client, &data, name));
            rb.multipart(form)
        })
        .await?;
    Ok(SingleResult {
        upload_id: string_field(&payload, "id").unwrap_or_default(),
        new_file_id: string_field(&payload, "new_file_id").filter(|s| !s.is_empty()),
    })
}

/// `POST /upload/` form: open a chunked session for `name` of `size` bytes. Returns its id.
pub async fn create_session(
    client: &Client,
    target: &Target<'_>,
    name: &str,
    size: u64,
) -> Result<String, ApiError> {
    let form = [
        ("name", name.to_string()),
        ("size", size.to_string()),
        ("action", "create".to_string()),
        ("instance_id", target.workspace_id.to_string()),
        ("folder_id", target.folder_id.to_string()),
        ("profile_type", "workspace".to_string()),
    ];
    let payload = client.post_form("/upload/", &form).await?;
    string_field(&payload, "id")
        .or_else(|| payload.get("session").and_then(|s| string_field(s, "id")))
        .ok_or_else(|| ApiError::Decode {
            method: "POST".into(),
            path: "/upload/".into(),
            detail: "no session id in the response".into(),
        })
}

/// `POST /upload/` form with `stream=true` (fastio-api.md §3.10): open a stream session for
/// `name`, size unknown; `max_size` caps it (the plan's maximum otherwise). Returns its id.
pub async fn create_stream_session(
    client: &Client,
    target: &Target<'_>,
    name: &str,
    max_size: Option<u64>,
) -> Result<String, ApiError> {
    let mut form = vec![
        ("name", name.to_string()),
        ("stream", "true".to_string()),
        ("action", "create".to_string()),
        ("instance_id", target.workspace_id.to_string()),
        ("folder_id", target.folder_id.to_string()),
        ("profile_type", "workspace".to_string()),
    ];
    if let Some(m) = max_size {
        form.push(("max_size", m.to_string()));
    }
    let payload = client.post_form("/upload/", &form).await?;
    string_field(&payload, "id")
        .or_else(|| payload.get("session").and_then(|s| string_field(s, "id")))
        .ok_or_else(|| ApiError::Decode {
            method: "POST".into(),
            path: "/upload/".into(),
            detail: "no session id in the response".into(),
        })
}

/// The bytes of a stream upload: pieces from a producer (standard input), with a count of the
/// bytes handed to the request so far.
pub struct StreamSource {
    slot: Arc<std::sync::Mutex<Option<tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>>>>,
    taken: Arc<std::sync::atomic::AtomicU64>,
}

impl StreamSource {
    pub fn new(rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>) -> StreamSource {
        StreamSource {
            slot: Arc::new(std::sync::Mutex::new(Some(rx))),
            taken: Arc::default(),
        }
    }

    /// Bytes handed to a request so far. While 0, the source is intact: a refused request
    /// (429, no connection) may be sent again.
    pub fn taken(&self) -> u64 {
        self.taken.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn body(&self) -> reqwest::Body {
        let rx = self.slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        match rx {
            Some(rx) => reqwest::Body::wrap_stream(SourceBody {
                rx: Some(rx),
                slot: self.slot.clone(),
                taken: self.taken.clone(),
                yielded: false,
                progress: super::PROGRESS.try_with(super::Progress::clone).ok(),
                tick: tokio::time::interval(std::time::Duration::from_secs(1)),
            }),
            None => reqwest::Body::wrap_stream(futures_util::stream::once(async {
                Err::<Bytes, _>(std::io::Error::other(
                    "the stream was already consumed by an earlier attempt",
                ))
            })),
        }
    }
}

/// The request body of a stream upload. Waiting for the producer counts as progress (a slow
/// pipe is not a stalled connection); dropped before yielding anything, it hands the
/// receiver back so the request can be made again.
struct SourceBody {
    rx: Option<tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>>,
    slot: Arc<std::sync::Mutex<Option<tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>>>>,
    taken: Arc<std::sync::atomic::AtomicU64>,
    yielded: bool,
    progress: Option<super::Progress>,
    tick: tokio::time::Interval,
}

impl futures_util::Stream for SourceBody {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = &mut *self;
        let Some(rx) = this.rx.as_mut() else {
            return Poll::Ready(None);
        };
        match rx.poll_recv(cx) {
            Poll::Ready(Some(item)) => {
                if let Ok(b) = &item {
                    this.yielded = true;
                    this.taken
                        .fetch_add(b.len() as u64, std::sync::atomic::Ordering::Relaxed);
                }
                if let Some(p) = &this.progress {
                    p.tick();
                }
                Poll::Ready(Some(item))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                while this.tick.poll_tick(cx).is_ready() {
                    if let Some(p) = &this.progress {
                        p.tick();
                    }
                }
                Poll::Pending
            }
        }
    }
}

impl Drop for SourceBody {
    fn drop(&mut self) {
        if !self.yielded
            && let Some(rx) = self.rx.take()
        {
            *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(rx);
        }
    }
}

/// `POST /upload/{id}/stream/`, raw `application/octet-stream` body from `source`: the server
/// stores what arrives and finalises on its own (no `/complete/`). Sent once: a stream cannot
/// be replayed once bytes were taken from it (see [`StreamSource::taken`]).
pub async fn upload_stream(
    client: &Client,
    upload_id: &str,
    source: &StreamSource,
) -> Result<Value, ApiError> {
    let path = format!("/upload/{}/stream/", super::segment(upload_id));
    client
        .call(Method::POST, &path, |rb| {
            rb.header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(source.body())
        })
        .await
}

/// Where a chunk's bytes are: `len` bytes of `file` from `offset`, read as they are sent, bytes
/// already in memory, or `len` bytes from `offset` of a [`PieceSource`] (generated data:
/// `doctor`, `bench`), produced piece by piece as they are sent.
#[derive(Debug, Clone)]
pub enum ChunkSource {
    File {
        file: Arc<std::fs::File>,
        offset: u64,
        len: u64,
    },
    Memory(Bytes),
    Pieces {
        source: Arc<dyn PieceSource>,
        offset: u64,
        len: u64,
    },
}

/// Bytes made on demand rather than read (benchmark data): never held whole in memory.
pub trait PieceSource: Send + Sync + std::fmt::Debug {
    /// The bytes at `offset`: at least 1 and at most `max` (`max` ≥ 1) of them.
    fn piece(&self, offset: u64, max: u64) -> Bytes;
}

/// Bytes read from disk per piece of a streamed chunk body.
const PIECE: u64 = 256 << 10;

impl ChunkSource {
    pub fn len(&self) -> u64 {
        match self {
            ChunkSource::File { len, .. } | ChunkSource::Pieces { len, .. } => *len,
            ChunkSource::Memory(b) => b.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The body of one send; under the client's `--bwlimit` every piece waits for its bytes.
    fn body(&self, client: &Client) -> reqwest::Body {
        let limit = client.bwlimit().cloned();
        match self {
            ChunkSource::File { file, offset, len } => {
                reqwest::Body::wrap_stream(super::bwlimit::limited(
                    super::progress_stream(file_stream(file.clone(), *offset, *len)),
                    limit,
                ))
            }
            ChunkSource::Memory(b) => memory_body(client, b),
            ChunkSource::Pieces {
                source,
                offset,
                len,
            } => reqwest::Body::wrap_stream(super::bwlimit::limited(
                super::progress_stream(piece_stream(source.clone(), *offset, *len)),
                limit,
            )),
        }
    }
}

/// `len` bytes of `source` from `offset` as a body stream, at most [`PIECE`] bytes a piece.
fn piece_stream(
    source: Arc<dyn PieceSource>,
    offset: u64,
    len: u64,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let end = offset + len;
    futures_util::stream::unfold(offset, move |pos| {
        let source = source.clone();
        async move {
            if pos >= end {
                return None;
            }
            let piece = source.piece(pos, PIECE.min(end - pos));
            let n = (piece.len() as u64).clamp(1, end - pos);
            Some((Ok(piece.slice(..n as usize)), pos + n))
        }
    })
}

/// `len` bytes of `file` from `offset` as a body stream: positional reads of [`PIECE`] bytes on
/// the blocking pool, so memory per request is one piece, whatever the chunk size.
fn file_stream(
    file: Arc<std::fs::File>,
    offset: u64,
    len: u64,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let end = offset + len;
    futures_util::stream::try_unfold(offset, move |pos| {
        let file = file.clone();
        async move {
            if pos >= end {
                return Ok(None);
            }
            let n = PIECE.min(end - pos);
            let buf = tokio::task::spawn_blocking(move || read_exact_at(&file, n, pos))
                .await
                .map_err(std::io::Error::other)??;
            Ok(Some((Bytes::from(buf), pos + n)))
        }
    })
}

/// Exactly `len` bytes at `offset`; a short read means the file shrank.
pub fn read_exact_at(file: &std::fs::File, len: u64, offset: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    let mut filled = 0;
    while filled < buf.len() {
        let n = read_at(file, &mut buf[filled..], offset + filled as u64)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "file shrank while being read",
            ));
        }
        filled += n;
    }
    Ok(buf)
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// `POST /upload/{id}/chunk/?order=N&size=B`, multipart: the chunk's SHA-256 in `hash` and
/// `hash_algo` text fields (where the API reference puts them), then the bytes in part `chunk`
/// (streamed from disk). `order` and `size` stay in the query, as the official CLI sends them.
/// Safe to resend: a re-sent order replaces the stored one.
pub async fn upload_chunk(
    client: &Client,
    upload_id: &str,
    order: u64,
    source: &ChunkSource,
    sha256: &str,
) -> Result<(), ApiError> {
    let path = format!("/upload/{}/chunk/", super::segment(upload_id));
    let query = [
        ("order", order.to_string()),
        ("size", source.len().to_string()),
    ];
    client
        .call(Method::POST, &path, |rb| {
            let part = Part::stream_with_length(source.body(client), source.len())
                .file_name("chunk.bin")
                .mime_str("application/octet-stream")
                .expect("static mime type");
            let form = Form::new()
                .text("hash", sha256.to_string())
                .text("hash_algo", "sha256")
                .part("chunk", part);
            rb.query(&query).multipart(form)
        })
        .await?;
    Ok(())
}

/// `POST /upload/{id}/complete/` (empty form): start assembly.
pub async fn complete_session(client: &Client, upload_id: &str) -> Result<(), ApiError> {
    let path = format!("/upload/{}/complete/", super::segment(upload_id));
    client.post_form(&path, &[]).await?;
    Ok(())
}

/// `DELETE /upload/{id}/`: cancel a session.
pub async fn cancel_session(client: &Client, upload_id: &str) -> Result<(), ApiError> {
    let path = format!("/upload/{}/", super::segment(upload_id));
    client
        .call_idempotent(Method::DELETE, &path, |rb| rb)
        .await?;
    Ok(())
}

/// The state of an upload session (§3.7).
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub status: String,
    pub status_message: Option<String>,
    pub new_file_id: Option<String>,
    /// Chunk number → bytes stored.
    pub chunks: HashMap<u64, u64>,
    pub size: Option<u64>,
    pub hash: Option<String>,
    pub hash_algo: Option<String>,
}

impl Session {
    pub fn from_json(payload: &Value) -> Session {
        let s = payload.get("session").unwrap_or(payload);
        let mut chunks = HashMap::new();
        match s.get("chunks") {
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    let n = match v {
                        Value::Number(n) => n.as_u64(),
                        Value::String(x) => x.parse().ok(),
                        Value::Object(_) => u64_field(v, "size"),
                        _ => None,
                    };
                    if let (Ok(order), Some(n)) = (k.parse::<u64>(), n) {
                        chunks.insert(order, n);
                    }
                }
            }
            Some(Value::Array(items)) => {
                for item in items {
                    if let (Some(order), Some(n)) =
                        (u64_field(item, "order"), u64_field(item, "size"))
                    {
                        chunks.insert(order, n);
                    }
                }
            }
            _ => {}
        }
        Session {
            status: string_field(s, "status").unwrap_or_default(),
            status_message: string_field(s, "status_message").filter(|m| !m.is_empty()),
            new_file_id: string_field(s, "new_file_id").filter(|m| !m.is_empty()),
            chunks,
            size: u64_field(s, "size"),
            hash: string_field(s, "hash").filter(|m| !m.is_empty()),
            hash_algo: string_field(s, "hash_algo").map(|a| a.to_ascii_lowercase()),
        }
    }

    pub fn is_stored(&self) -> bool {
        self.status == "stored"
    }

    pub fn is_failed(&self) -> bool {
        matches!(self.status.as_str(), "assembly_failed" | "store_failed")
    }
}

/// Seconds per details long-poll (harmless whether the server reads them as seconds or ms).
pub const WAIT_SECS: u64 = 30;
/// The long-poll wait for a client whose stall limit is `stall`: [`WAIT_SECS`] at most, and
/// never more than half the stall limit, or a long-poll that waits would look stalled.
pub fn long_poll_secs(stall: std::time::Duration) -> u64 {
    (stall.as_secs() / 2).min(WAIT_SECS)
}

/// Pause before polling again when the server answered at once with an unchanged status.
pub const POLL_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);
/// An answer quicker than this did not wait.
const ANSWERED_AT_ONCE: std::time::Duration = std::time::Duration::from_millis(1000);

/// After a details answer, how long to pause before the next one: [`POLL_PAUSE`] when the
/// answer came back at once with the status of the answer before (the server read `wait` as
/// milliseconds, or ignores it), so a non-terminal session is never polled in a tight loop.
pub fn poll_pause(
    answered_in: std::time::Duration,
    previous: Option<&str>,
    status: &str,
) -> std::time::Duration {
    if answered_in < ANSWERED_AT_ONCE && previous == Some(status) {
        POLL_PAUSE
    } else {
        std::time::Duration::ZERO
    }
}

/// `GET /upload/{id}/details/[?wait=SECS]`: the session; with `wait`, the server holds the
/// request until the status changes (seconds, clamped by the server).
pub async fn session_details(
    client: &Client,
    upload_id: &str,
    wait: Option<u64>,
) -> Result<Session, ApiError> {
    let path = format!("/upload/{}/details/", super::segment(upload_id));
    let query: Vec<(&str, String)> = wait.map(|w| ("wait", w.to_string())).into_iter().collect();
    Ok(Session::from_json(&client.get(&path, &query).await?))
}

/// One file of a batch.
#[derive(Debug, Clone)]
pub struct BatchFile {
    pub filename: String,
    pub data: Bytes,
    /// Lowercase hex SHA-256 of `data`.
    pub sha256: String,
}

/// The outcome of one batch entry, matched by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Stored (or storing): the node id when already known, and the name the server gave the
    /// file when it says (it truncates long names).
    Ok {
        node_id: Option<String>,
        filename: Option<String>,
        /// The upload session the server made for the entry, when it says.
        upload_id: Option<String>,
    },
    /// Refused: the server's code and message.
    Failed { code: i64, message: String },
}

/// `POST /upload/batch/`: all `files` into `folder_id`. Returns one outcome per input file, in
/// input order; an entry the server did not report on becomes `Failed` with code 0.
pub async fn upload_batch(
    client: &Client,
    target: &Target<'_>,
    files: &[BatchFile],
) -> Result<Vec<BatchOutcome>, ApiError> {
    let manifest: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            serde_json::json!({"index": i, "filename": f.filename, "hash": f.sha256,
                "hash_algo": "sha256"})
        })
        .collect();
    let manifest = Value::Array(manifest).to_string();
    let payload = client
        .call(Method::POST, "/upload/batch/", |rb| {
            let mut form = Form::new()
                .text("instance_id", target.workspace_id.to_string())
                .text("folder_id", target.folder_id.to_string())
                .text("manifest", manifest.clone());
            for (i, f) in files.iter().enumerate() {
                form = form.part(
                    format!("file_{i}"),
                    bytes_part(client, &f.data, &f.filename),
                );
            }
            rb.multipart(form)
        })
        .await?;
    Ok(batch_outcomes(&payload, files.len()))
}

/// Match batch results to inputs by `index`, guarding against missing, duplicate and
/// out-of-range indices.
pub fn batch_outcomes(payload: &Value, n: usize) -> Vec<BatchOutcome> {
    let mut out: Vec<Option<BatchOutcome>> = vec![None; n];
    let results = payload
        .get("results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for r in results {
        let Some(i) = u64_field(r, "index").map(|i| i as usize) else {
            continue;
        };
        if i >= n || out[i].is_some() {
            continue;
        }
        let status = string_field(r, "status").unwrap_or_default();
        out[i] = Some(if status == "ok" || status == "success" {
            BatchOutcome::Ok {
                node_id: string_field(r, "node_id").filter(|s| !s.is_empty()),
                filename: string_field(r, "filename").filter(|s| !s.is_empty()),
                upload_id: string_field(r, "upload_id").filter(|s| !s.is_empty()),
            }
        } else {
            BatchOutcome::Failed {
                code: r.get("error_code").map(parse_code).unwrap_or(0),
                message: string_field(r, "error_message")
                    .or_else(|| string_field(r, "message"))
                    .unwrap_or_else(|| format!("status `{status}`")),
            }
        });
    }
    out.into_iter()
        .map(|o| {
            o.unwrap_or(BatchOutcome::Failed {
                code: 0,
                message: "no result for this file in the batch response".into(),
            })
        })
        .collect()
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
        assert!(c % CHUNK_ALIGN == 0 && c <= 32 << 20, "{c}");
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

    /// Rule 4: an immediate answer with an unchanged non-terminal status is followed by a pause;
    /// a real long-poll answer (it waited) or a status change is not.
    #[test]
    fn immediate_unchanged_answers_pause() {
        use std::time::Duration;
        let quick = Duration::from_millis(5);
        assert_eq!(
            poll_pause(quick, Some("assembling"), "assembling"),
            POLL_PAUSE
        );
        assert_eq!(
            poll_pause(quick, Some("assembling"), "storing"),
            Duration::ZERO
        );
        assert_eq!(poll_pause(quick, None, "assembling"), Duration::ZERO);
        assert_eq!(
            poll_pause(Duration::from_secs(30), Some("storing"), "storing"),
            Duration::ZERO
        );
    }

    /// A long-poll never waits as long as the stall limit.
    #[test]
    fn long_polls_stay_under_the_stall_limit() {
        use std::time::Duration;
        assert_eq!(long_poll_secs(Duration::from_secs(60)), 30);
        assert_eq!(long_poll_secs(Duration::from_secs(10)), 5);
        assert_eq!(long_poll_secs(Duration::from_secs(1)), 0);
    }

    #[test]
    fn session_chunks_map_with_string_keys() {
        let s = Session::from_json(&json!({"session": {"status": "uploading",
            "chunks": {"1": 1048576, "3": "10"}}}));
        assert_eq!(s.chunks.get(&1), Some(&1048576));
        assert_eq!(s.chunks.get(&3), Some(&10));
        assert!(!s.is_stored());
    }

    #[test]
    fn batch_results_matched_by_index() {
        let p = json!({"results": [
            {"index": 1, "status": "error", "error_code": "1605", "error_message": "bad"},
            {"index": 0, "status": "ok", "node_id": null, "upload_id": "5abc"},
            {"index": 0, "status": "error"},
            {"index": 7, "status": "ok"}]});
        let o = batch_outcomes(&p, 3);
        assert_eq!(
            o[0],
            BatchOutcome::Ok {
                node_id: None,
                filename: None,
                upload_id: Some("5abc".into()),
            }
        );
        assert_eq!(
            o[1],
            BatchOutcome::Failed {
                code: 1605,
                message: "bad".into()
            }
        );
        assert!(matches!(o[2], BatchOutcome::Failed { code: 0, .. }));
    }
}
