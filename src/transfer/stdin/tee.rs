//! Spooling standard input as it streams: the reader's [`Tee`] hands each piece to the stream
//! request and to a temporary file, so a stream the server refuses part-way can be finished
//! from that file ([`Fallback`]).

use bytes::Bytes;

use super::{StdinOptions, spool};
use crate::api::ApiError;
use crate::transfer::{Event, Events, FileError};

/// The reader of standard input while it streams: every piece goes to the request and, when
/// the spool file could be made, to the spool as well. When the request ends before standard
/// input does, the reader waits for a verdict: go on into the spool alone (the fallback
/// finishes the upload from it) or stop.
pub(super) struct Tee {
    pub(super) out: Option<std::fs::File>,
    pub(super) tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    pub(super) attached: bool,
    pub(super) verdict: std::sync::mpsc::Receiver<bool>,
    pub(super) events: Events,
}

impl Tee {
    pub(super) fn piece(&mut self, b: Bytes) -> bool {
        use std::io::Write as _;
        if let Some(out) = self.out.as_mut()
            && out.write_all(&b).is_err()
        {
            // A full or broken spool: the stream goes on, without a fallback.
            self.out = None;
        }
        if !self.attached {
            return true;
        }
        let n = b.len() as u64;
        if self.tx.blocking_send(Ok(b)).is_ok() {
            self.events.emit(Event::Bytes { id: 1, n });
            return true;
        }
        // The request is over before standard input.
        self.attached = false;
        self.out.is_some() && self.verdict.recv().unwrap_or(false)
    }
}

/// The spool as a stream goes: its directory and file (`None` when it cannot be made: the
/// stream then goes without a fallback).
pub(super) fn open_spool(
    opts: &StdinOptions,
) -> Option<(spool::TempDir, std::path::PathBuf, std::fs::File)> {
    let dir = spool::TempDir::new(&opts.spool_dir).ok()?;
    let path = dir.file(&opts.name);
    let file = std::fs::File::create(&path).ok()?;
    Some((dir, path, file))
}

/// May a stream that failed after standard input was partly read be finished from the spool?
/// Everything but a refused credential (or an interruption).
pub(super) fn spool_may_finish(err: &FileError) -> bool {
    match err {
        FileError::Api(e) => !e.is_auth() && !matches!(e, ApiError::Credential { .. }),
        _ => false,
    }
}

/// A stream refused after standard input was partly read, now wholly in the spool: why, and
/// where.
pub(super) struct Fallback {
    pub(super) refused: FileError,
    pub(super) dir: spool::TempDir,
    pub(super) file: std::path::PathBuf,
}
