//! Stream uploads of unknown size (fastio-api.md §3.10): open a stream session and send its
//! bytes from a producer (standard input) in one request.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::Method;
use serde_json::Value;

use super::Target;
use crate::api::envelope::string_field;
use crate::api::stall::{PROGRESS, Progress};
use crate::api::{ApiError, Client, segment};

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
        ("instance_id", target.instance_id().to_string()),
        ("folder_id", target.folder_id.to_string()),
        ("profile_type", target.profile_type().to_string()),
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

    /// The request body; under `--bwlimit` (`limit`) every piece waits for its bytes, as a
    /// file's do.
    fn body(&self, limit: Option<Arc<crate::api::bwlimit::BandwidthLimit>>) -> reqwest::Body {
        let rx = self.slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        match rx {
            Some(rx) => reqwest::Body::wrap_stream(crate::api::bwlimit::limited(
                SourceBody {
                    rx: Some(rx),
                    slot: self.slot.clone(),
                    taken: self.taken.clone(),
                    yielded: false,
                    progress: PROGRESS.try_with(Progress::clone).ok(),
                    tick: tokio::time::interval(std::time::Duration::from_secs(1)),
                },
                limit,
            )),
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
    progress: Option<Progress>,
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
/// be replayed once bytes were taken from it (see [`StreamSource::taken`]). With `length` (the
/// size is known) the request declares it in `Content-Length`, as every upload of the official
/// client does; without, the body goes out in chunked transfer encoding.
pub async fn upload_stream(
    client: &Client,
    upload_id: &str,
    source: &StreamSource,
    length: Option<u64>,
) -> Result<Value, ApiError> {
    let path = format!("/upload/{}/stream/", segment(upload_id));
    client
        .call(Method::POST, &path, |rb| {
            let rb = rb.header(reqwest::header::CONTENT_TYPE, "application/octet-stream");
            let rb = match length {
                Some(n) => rb.header(reqwest::header::CONTENT_LENGTH, n),
                None => rb,
            };
            rb.body(source.body(client.bwlimit().cloned()))
        })
        .await
}
