//! Chunk uploads: where a chunk's bytes come from ([`ChunkSource`]), streaming them piece by
//! piece from disk or a generator, and `POST /upload/{id}/chunk/`.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::Method;
use reqwest::multipart::{Form, Part};

use super::memory_body;
use crate::api::bwlimit;
use crate::api::stall::{counted, progress_stream};
use crate::api::{ApiError, Client, segment};

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
                reqwest::Body::wrap_stream(counted(bwlimit::limited(
                    progress_stream(file_stream(file.clone(), *offset, *len)),
                    limit,
                )))
            }
            ChunkSource::Memory(b) => memory_body(client, b),
            ChunkSource::Pieces {
                source,
                offset,
                len,
            } => reqwest::Body::wrap_stream(counted(bwlimit::limited(
                progress_stream(piece_stream(source.clone(), *offset, *len)),
                limit,
            ))),
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
    let path = format!("/upload/{}/chunk/", segment(upload_id));
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
