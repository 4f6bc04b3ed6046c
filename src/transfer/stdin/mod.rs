//! `fastio upload - --name NAME [--to DIR]`: standard input into one remote file.
//!
//! The bytes go out as they are read, in a stream upload (fastio-api.md §3.10): a session with
//! `stream=true` (and `max_size` when `--max-size` is given), then one raw
//! `POST /upload/{id}/stream/` whose body is standard input, read in pieces of 256 KiB with at
//! most 8 pieces queued (bounded memory, whatever the size). The SHA-256 is computed on the
//! way; once the server says the session is `stored`, the node's size and (where reported) its
//! SHA-256 must match.
//!
//! A server that refuses stream sessions (a 4xx other than auth, 413 and 429 on the session
//! create) gets standard input spooled to a temporary file (same bounded memory, removed
//! afterwards), which is then uploaded like any file: in chunks, resumable within the run,
//! verified. Nothing here prints: the fallback is announced with an [`Event::Warning`].

use std::io::Read;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

mod spool;
mod stored;
mod tee;

use stored::stored_node;
use tee::{Fallback, Tee, open_spool, spool_may_finish};

use super::plan::remote_join;
use super::{Cancel, Event, Events, FileError, Summary};
use crate::api::upload::{self, StreamSource, Target};
use crate::api::{ApiError, Client, FolderResolver};

/// The `local` of standard input in events and receipts.
pub const STDIN_LOCAL: &str = "-";
/// Bytes per read from standard input.
const PIECE: usize = 256 << 10;
/// Pieces queued between the reader and the request at most.
const QUEUE: usize = 8;

/// What one standard-input upload needs.
#[derive(Debug, Clone)]
pub struct StdinOptions {
    pub workspace_id: String,
    /// Destination folder path under the workspace root.
    pub dest: String,
    /// Remote file name.
    pub name: String,
    /// Refuse more bytes than this (sent to the server as `max_size` too).
    pub max_size: Option<u64>,
    /// `--size`: standard input has exactly this many bytes (the stream declares it in
    /// `Content-Length`).
    pub size: Option<u64>,
    pub retries: u32,
    pub assembly_timeout: Duration,
    /// For the spooled fallback: its upload's concurrency, and where the spool file goes.
    pub concurrency: usize,
    pub spool_dir: std::path::PathBuf,
    pub api_base: String,
}

/// How the bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Stream,
    Spooled,
}

/// What reading standard input came to.
#[derive(Debug)]
struct Pumped {
    size: u64,
    sha256: String,
}

#[derive(Debug)]
enum PumpError {
    Read(std::io::Error),
    TooLarge(u64),
    /// `--size` said `want`; standard input had `got` bytes.
    WrongSize {
        want: u64,
        got: u64,
    },
    /// Standard input is longer than `--size`.
    LongerThanSize(u64),
    /// The other side is gone (request over, or the run stopped).
    Closed,
}

impl std::fmt::Display for PumpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PumpError::Read(e) => write!(f, "reading standard input: {e}"),
            PumpError::TooLarge(max) => {
                write!(f, "standard input is longer than --max-size ({max} bytes)")
            }
            PumpError::WrongSize { want, got } => {
                write!(f, "standard input had {got} bytes; --size said {want}")
            }
            PumpError::LongerThanSize(n) => {
                write!(f, "standard input is longer than --size ({n} bytes)")
            }
            PumpError::Closed => write!(f, "interrupted"),
        }
    }
}

impl PumpError {
    /// The file's failure: reading standard input failed, or it had the wrong length.
    fn into_file_error(self) -> FileError {
        match self {
            PumpError::Closed => FileError::Cancelled,
            PumpError::Read(source) => FileError::Io {
                path: STDIN_LOCAL.into(),
                source,
            },
            other => FileError::Io {
                path: STDIN_LOCAL.into(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}

/// Read `input` to its end in pieces, hashing, handing each piece to `sink` (false: stop).
fn pump(
    input: &mut dyn Read,
    max: Option<u64>,
    stop: &CancellationToken,
    mut sink: impl FnMut(Bytes) -> bool,
) -> Result<Pumped, PumpError> {
    let mut sha = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; PIECE];
    loop {
        if stop.is_cancelled() {
            return Err(PumpError::Closed);
        }
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(PumpError::Read(e)),
        };
        size += n as u64;
        if let Some(m) = max
            && size > m
        {
            return Err(PumpError::TooLarge(m));
        }
        sha.update(&buf[..n]);
        if !sink(Bytes::copy_from_slice(&buf[..n])) {
            return Err(PumpError::Closed);
        }
    }
    Ok(Pumped {
        size,
        sha256: hex::encode(sha.finalize()),
    })
}

/// Does this answer to the stream session create mean "no stream uploads here"?
fn refuses_streams(e: &ApiError) -> bool {
    // A 404 that is not "no such route" is about the target (the workspace, the folder).
    (matches!(
        e.status(),
        Some(400 | 405 | 406 | 409 | 412 | 415 | 422 | 501)
    ) || e.is_no_route())
        && !e.is_auth()
}

/// Upload standard input (`input`) as `opts.name`. Events as for [`super::upload`] (the last
/// one is the summary, also returned) with `local` = `-`.
pub async fn upload_stdin(
    client: Client,
    opts: StdinOptions,
    input: Box<dyn Read + Send>,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<(Summary, Mode)> {
    let started = Instant::now();
    let dest = crate::api::folders::split_remote_path(&opts.dest)
        .map(|s| s.join("/"))
        .unwrap_or_default();
    let remote_path = remote_join(&dest, &opts.name);
    let folders = FolderResolver::new(client.clone(), opts.workspace_id.clone(), true);
    let folder_id = match folders.ensure(&dest).await {
        Ok(id) => id,
        Err(e) => {
            return Ok((
                fail_run(&events, &remote_path, e.into(), started, &cancel),
                Mode::Stream,
            ));
        }
    };
    let target = Target {
        workspace_id: &opts.workspace_id,
        folder_id: &folder_id,
    };
    let session = crate::api::retry::idempotent(opts.retries, true, || {
        upload::create_stream_session(&client, &target, &opts.name, opts.max_size)
    })
    .await;
    let session = match session {
        Ok(id) => id,
        Err(e) if refuses_streams(&e) => {
            events.emit(Event::Warning {
                message: format!(
                    "the server refused a stream upload ({e}); spooling standard input to a \
                     temporary file and uploading that"
                ),
            });
            let s = spool::spooled(client, &opts, input, events, cancel).await?;
            return Ok((s, Mode::Spooled));
        }
        Err(e) => {
            // All-digits workspace ids are used without a lookup: a wrong one shows here.
            let err = match e.is_not_found() && folder_id == "root" {
                true => FileError::WorkspaceMissing(opts.workspace_id.clone()),
                false => e.into(),
            };
            return Ok((
                fail_run(&events, &remote_path, err, started, &cancel),
                Mode::Stream,
            ));
        }
    };
    let summary = streamed(
        &client,
        &opts,
        &folder_id,
        &session,
        &remote_path,
        input,
        &events,
        &cancel,
        started,
    )
    .await;
    // Done with the session either way (best effort, bounded).
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        upload::cancel_session(&client, &session),
    )
    .await;
    match summary {
        Ok(s) => Ok((s, Mode::Stream)),
        Err(Fallback { refused, dir, file }) => {
            events.emit(Event::Warning {
                message: format!(
                    "the server refused the stream part-way ({refused}); uploading standard \
                     input from the temporary copy kept as it was read"
                ),
            });
            let s = spool::upload_spool(client, &opts, file, dir, events, cancel, true).await?;
            Ok((s, Mode::Spooled))
        }
    }
}

/// Report the one file as failed and return the run's summary.
fn fail_run(
    events: &Events,
    remote_path: &str,
    err: FileError,
    started: Instant,
    cancel: &Cancel,
) -> Summary {
    let interrupted = matches!(err, FileError::Cancelled) || cancel.stop.is_cancelled();
    if interrupted {
        events.emit(Event::FileNotStarted {
            id: 1,
            local: STDIN_LOCAL.into(),
            remote_path: remote_path.to_string(),
        });
    } else {
        events.emit(Event::FileFailed {
            id: Some(1),
            local: STDIN_LOCAL.into(),
            remote_path: Some(remote_path.to_string()),
            error: err.to_string(),
        });
    }
    let s = Summary {
        planned: 1,
        failed: u64::from(!interrupted),
        not_started: u64::from(interrupted),
        interrupted,
        signal: cancel.signal(),
        fatal: err.fatality(),
        wall: started.elapsed(),
        ..Default::default()
    };
    events.emit(Event::Summary(s.clone()));
    s
}

/// `--size`: standard input must have exactly that many bytes. `r` is what reading it (up to
/// [`read_limit`]) came to.
fn check_size(opts: &StdinOptions, r: Result<Pumped, PumpError>) -> Result<Pumped, PumpError> {
    match (opts.size, r) {
        (Some(want), Ok(p)) if p.size != want => Err(PumpError::WrongSize { want, got: p.size }),
        (Some(want), Err(PumpError::TooLarge(n)))
            if n == want && opts.max_size.is_none_or(|m| m > want) =>
        {
            Err(PumpError::LongerThanSize(want))
        }
        (_, r) => r,
    }
}

/// The most bytes standard input may have: `--max-size`, or `--size`.
fn read_limit(opts: &StdinOptions) -> Option<u64> {
    match (opts.max_size, opts.size) {
        (Some(m), Some(s)) => Some(m.min(s)),
        (m, s) => m.or(s),
    }
}

#[allow(clippy::too_many_arguments)]
async fn streamed(
    client: &Client,
    opts: &StdinOptions,
    folder_id: &str,
    session: &str,
    remote_path: &str,
    mut input: Box<dyn Read + Send>,
    events: &Events,
    cancel: &Cancel,
    started: Instant,
) -> Result<Summary, Fallback> {
    events.emit(Event::FileQueued {
        id: 1,
        size: opts.size.unwrap_or(0),
    });
    events.emit(Event::WalkDone);
    events.emit(Event::FileStarted {
        id: 1,
        local: STDIN_LOCAL.into(),
        size: opts.size.unwrap_or(0),
    });
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(QUEUE);
    let source = StreamSource::new(rx);
    let (max, stop) = (read_limit(opts), cancel.stop.clone());
    let (verdict_tx, verdict_rx) = std::sync::mpsc::channel::<bool>();
    let (spool_dir, spool_file, spool_out) = match open_spool(opts) {
        Some((d, p, f)) => (Some(d), Some(p), Some(f)),
        None => (None, None, None),
    };
    let mut tee = Tee {
        out: spool_out,
        tx,
        attached: true,
        verdict: verdict_rx,
        events: events.clone(),
    };
    let sopts = opts.clone();
    let reader = std::thread::Builder::new()
        .name("fastio-stdin".into())
        .spawn(move || {
            let r = check_size(&sopts, pump(&mut *input, max, &stop, |b| tee.piece(b)));
            if tee.attached
                && let Err(e) = &r
            {
                // The request must not end as if the input had ended.
                let _ = tee
                    .tx
                    .blocking_send(Err(std::io::Error::other(e.to_string())));
            }
            let spooled = tee.out.take().is_some_and(|mut f| {
                use std::io::Write as _;
                f.flush().is_ok()
            });
            (r, spooled)
        });
    let reader = match reader {
        Ok(r) => r,
        Err(e) => {
            let err = FileError::Io {
                path: STDIN_LOCAL.into(),
                source: e,
            };
            return Ok(fail_run(events, remote_path, err, started, cancel));
        }
    };

    let mut retries = 0u64;
    let mut throttles = crate::api::retry::Throttles::default();
    let sent = loop {
        let r = tokio::select! {
            r = upload::upload_stream(client, session, &source, opts.size) => {
                r.map_err(FileError::from)
            }
            _ = cancel.abort.cancelled() => Err(FileError::Cancelled),
        };
        match r {
            // Nothing was taken from standard input yet: the request may be made again. A 429
            // is waited out at the gate and spends no retry.
            Err(FileError::Api(e)) if source.taken() == 0 && throttles.again(&e, 200) => {}
            Err(FileError::Api(e))
                if source.taken() == 0 && e.is_transient() && retries < u64::from(opts.retries) =>
            {
                retries += 1;
                let delay = crate::api::retry::backoff(retries as u32);
                events.emit(Event::Retry {
                    what: "stream upload".into(),
                    attempt: retries as u32,
                    delay,
                    error: e.to_string(),
                    stalled: matches!(e, ApiError::Stalled { .. }),
                });
                tokio::time::sleep(delay).await;
            }
            other => break other,
        }
    };
    drop(source);
    // A stream refused part-way is finished from the spool: the reader goes on into it.
    let fallback = match &sent {
        Err(e) => spool_file.is_some() && spool_may_finish(e) && !cancel.stop.is_cancelled(),
        Ok(_) => false,
    };
    let _ = verdict_tx.send(fallback);
    let join = tokio::task::spawn_blocking(move || reader.join());
    if fallback {
        let Err(refused) = sent else {
            unreachable!("a fallback follows a failed stream")
        };
        return match join.await.ok().and_then(Result::ok) {
            Some((Ok(_), true)) => Err(Fallback {
                refused,
                dir: spool_dir.expect("a spool"),
                file: spool_file.expect("a spool"),
            }),
            Some((Err(PumpError::Closed), _)) => Ok(fail_run(
                events,
                remote_path,
                FileError::Cancelled,
                started,
                cancel,
            )),
            Some((Err(e), _)) => {
                let err = e.into_file_error();
                Ok(fail_run(events, remote_path, err, started, cancel))
            }
            _ => Ok(fail_run(events, remote_path, refused, started, cancel)),
        };
    }
    drop(spool_dir);
    // After a failed request the reader may still wait for input that never ends: give it a
    // moment, not forever.
    let pumped = if sent.is_ok() {
        join.await.ok().and_then(Result::ok).map(|(r, _)| r)
    } else {
        tokio::time::timeout(Duration::from_secs(2), join)
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(Result::ok)
            .map(|(r, _)| r)
    };
    let pumped = match (pumped, sent) {
        (Some(Err(PumpError::Closed)), Err(e)) | (None, Err(e)) => {
            return Ok(fail_run(events, remote_path, e, started, cancel));
        }
        (Some(Err(PumpError::Closed)), Ok(_)) | (None, Ok(_)) => {
            let err = FileError::Server("the stream upload ended before standard input".into());
            return Ok(fail_run(events, remote_path, err, started, cancel));
        }
        (Some(Err(e)), _) => {
            let err = e.into_file_error();
            return Ok(fail_run(events, remote_path, err, started, cancel));
        }
        (Some(Ok(_)), Err(e)) => return Ok(fail_run(events, remote_path, e, started, cancel)),
        (Some(Ok(p)), Ok(_)) => p,
    };
    let node_id = match stored_node(client, opts, folder_id, session, &pumped, cancel).await {
        Ok(n) => n,
        Err(e) => return Ok(fail_run(events, remote_path, e, started, cancel)),
    };
    events.emit(Event::FileDone {
        id: 1,
        local: STDIN_LOCAL.into(),
        remote_path: remote_path.to_string(),
        node_id: Some(node_id),
        size: pumped.size,
        sha256: pumped.sha256.clone(),
        resumed: false,
        upload_id: Some(session.to_string()),
    });
    let s = Summary {
        planned: 1,
        uploaded: 1,
        bytes: pumped.size,
        bytes_sent: pumped.size,
        retries,
        throttled: client.gates().throttled_count(),
        wall: started.elapsed(),
        bwlimit: client.bwlimit().map(|l| l.rate()),
        ..Default::default()
    };
    events.emit(Event::Summary(s.clone()));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pump_hashes_counts_and_enforces_the_limit() {
        let data = vec![7u8; PIECE * 2 + 5];
        let stop = CancellationToken::new();
        let mut got = 0usize;
        let p = pump(&mut &data[..], None, &stop, |b| {
            got += b.len();
            true
        })
        .unwrap();
        assert_eq!((p.size, got), (data.len() as u64, data.len()));
        assert_eq!(p.sha256, hex::encode(Sha256::digest(&data)));
        let over = pump(&mut &data[..], Some(100), &stop, |_| true);
        assert!(matches!(over, Err(PumpError::TooLarge(100))));
        let closed = pump(&mut &data[..], None, &stop, |_| false);
        assert!(matches!(closed, Err(PumpError::Closed)));
    }

    #[test]
    fn only_refusals_fall_back_to_spooling() {
        let status = |code: u16| ApiError::Status {
            method: "POST".into(),
            path: "/upload/".into(),
            status: code,
            code: 0,
            text: "no".into(),
            retry_after: None,
        };
        assert!(refuses_streams(&status(406)));
        assert!(refuses_streams(&status(400)));
        assert!(!refuses_streams(&status(401)));
        assert!(!refuses_streams(&status(413)));
        assert!(!refuses_streams(&status(429)));
        assert!(!refuses_streams(&status(503)));
    }
}
