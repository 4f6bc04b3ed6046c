//! The upload core: planning (walk, filters, remote paths), scheduling (one global budget of
//! requests in flight, batches for small files, chunked sessions with up to 3 chunks in flight),
//! retries and the rate-limit gate, the resume journal, and progress events.
//!
//! Nothing here prints: every outcome is an [`Event`] sent to one listener (`output.rs` turns
//! them into bars, plain lines or NDJSON). Nothing here reads clap args or the environment: the
//! command layer fills [`UploadOptions`].
//!
//! Budget and memory: `--concurrency` bounds the HTTP requests in flight (listing, folder
//! creation, batches, session calls, chunks), adaptively lowered after 429s. The `stored`
//! long-polls (`details?wait=30`) mostly wait, so they run outside the budget. Open chunked
//! sessions are at most `concurrency / 2` (and the server's `sessions` limit), each with up to
//! 3 chunks in flight and one read ahead; batches hold at most 8 MiB of content each, at most
//! `concurrency + 2` at once. The walk runs ahead by at most a few hundred files.

mod batch;
mod chunked;
mod engine;
pub mod generated;
pub mod imports;
pub mod journal;
pub mod limiter;
pub mod lock_keeper;
pub mod plan;

use std::path::PathBuf;
use std::time::Duration;

pub use engine::{upload, upload_generated};

/// When a remote file with the same name exists, when to skip the local one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipMode {
    /// Never skip: upload as a new version.
    Overwrite,
    /// Skip when the sizes are equal.
    Size,
    /// Skip when sizes are equal and the server's SHA-256 equals the local one (a remote file
    /// without a SHA-256 is uploaded again).
    Hash,
}

/// Where `--files-from` paths come from.
#[derive(Debug, Clone)]
pub enum FilesFrom {
    Stdin,
    File(PathBuf),
}

/// Everything one upload run needs, resolved by the command layer.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Path arguments as given (a trailing `/` on a directory means "its contents").
    pub paths: Vec<PathBuf>,
    pub files_from: Option<FilesFrom>,
    /// `--files-from` entries are NUL-separated.
    pub null_separated: bool,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub follow_symlinks: bool,
    /// Workspace id (already resolved).
    pub workspace_id: String,
    /// Destination folder path under the workspace root (`""` = root).
    pub dest: String,
    /// HTTP requests in flight at most.
    pub concurrency: usize,
    pub skip: SkipMode,
    /// Retries per request for 5xx, timeouts and connection errors.
    pub retries: u32,
    /// Use and write the resume journal.
    pub resume: bool,
    /// Directory for journals (the XDG state dir's `fastio/journal`).
    pub journal_dir: Option<PathBuf>,
    /// Identity of the server, part of the journal key.
    pub api_base: String,
    pub dry_run: bool,
    /// How long a completed session may stay short of `stored` before its file fails.
    pub assembly_timeout: Duration,
}

/// Default for [`UploadOptions::assembly_timeout`].
pub const DEFAULT_ASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What happened to the run as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub uploaded: u64,
    pub skipped: u64,
    pub failed: u64,
    /// Bytes of the files uploaded.
    pub bytes: u64,
    /// Bytes actually sent this run (less than `bytes` after a resume).
    pub bytes_sent: u64,
    pub retries: u64,
    pub throttled: u64,
    /// Folders created (or, in a dry run, that would be created).
    pub folders_created: u64,
    pub symlinks_skipped: u64,
    pub wall: Duration,
    /// `--bwlimit`: the cap on the upload rate (bytes per second), when there was one.
    pub bwlimit: Option<u64>,
    pub interrupted: bool,
    pub dry_run: bool,
    /// Some failure meant nothing could be uploaded (auth, workspace gone): its exit meaning.
    pub fatal: Option<Fatality>,
}

/// A failure class that decides the exit code when nothing got through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fatality {
    Auth,
    Unavailable,
}

/// Progress and outcome events, in the order they happen. `id` numbers files within a run.
#[derive(Debug, Clone)]
pub enum Event {
    /// The walk found a file to consider.
    FileQueued { id: u64, size: u64 },
    /// The walk is over: totals are final.
    WalkDone,
    /// A file started sending (chunked files only: batched files are too small to follow).
    FileStarted { id: u64, local: String, size: u64 },
    /// `n` more bytes of file `id` are on the server.
    Bytes { id: u64, n: u64 },
    FileDone {
        id: u64,
        local: String,
        remote_path: String,
        node_id: Option<String>,
        size: u64,
        sha256: String,
        /// Only chunks missing from an earlier run were sent.
        resumed: bool,
    },
    FileSkipped {
        id: u64,
        local: String,
        remote_path: String,
        size: u64,
        reason: String,
    },
    FileFailed {
        id: Option<u64>,
        local: String,
        remote_path: Option<String>,
        error: String,
    },
    /// A symlink that was not followed.
    SymlinkSkipped { local: String },
    /// A request is retried after `delay`.
    Retry {
        what: String,
        attempt: u32,
        delay: Duration,
        error: String,
    },
    /// The server said 429: everyone waits `wait`.
    Throttled { what: String, wait: Duration },
    /// A remote folder was created (dry run: would be created).
    FolderCreated { remote_path: String },
    /// Dry run: this file would be uploaded.
    WouldUpload {
        id: u64,
        local: String,
        remote_path: String,
        size: u64,
    },
    /// The run stops early: every other file would fail the same way.
    Stopped { reason: String },
    /// The run is over.
    Summary(Summary),
}

/// Where events go. Cheap to clone.
#[derive(Clone)]
pub struct Events(tokio::sync::mpsc::UnboundedSender<Event>);

impl Events {
    pub fn channel() -> (Events, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Events(tx), rx)
    }

    pub fn emit(&self, e: Event) {
        let _ = self.0.send(e);
    }
}

/// Ctrl-C handling: `stop` = start no new work; `abort` = cancel requests in flight.
#[derive(Clone, Default)]
pub struct Cancel {
    pub stop: tokio_util::sync::CancellationToken,
    pub abort: tokio_util::sync::CancellationToken,
}

/// Why one file failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
    #[error("reading `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` changed while being sent (size or modification time)")]
    Changed(String),
    #[error("server refused the upload: {0}")]
    Server(String),
    #[error("verification failed: {0}")]
    Verify(String),
    /// The workspace does not exist (a wrong id surfaces at the first call that uses it).
    #[error("workspace `{0}` not found")]
    WorkspaceMissing(String),
    #[error("interrupted")]
    Cancelled,
}

impl FileError {
    /// What this failure means for the run when nothing got through: an auth failure (exit 3)
    /// or an unusable server or workspace (exit 4). A 403 counts as auth here, though it fails
    /// its file only (see [`FileError::stops_run`]).
    fn fatality(&self) -> Option<Fatality> {
        match self {
            FileError::Api(e) if e.is_auth() => Some(Fatality::Auth),
            FileError::Api(e) if e.is_unreachable() => Some(Fatality::Unavailable),
            FileError::Api(crate::api::ApiError::Decode { .. }) => Some(Fatality::Unavailable),
            FileError::WorkspaceMissing(_) => Some(Fatality::Unavailable),
            _ => None,
        }
    }

    /// Every other file would fail the same way: a 401 that survived a refresh, no usable
    /// credential, or a missing workspace.
    fn stops_run(&self) -> bool {
        match self {
            FileError::Api(e) => e.is_unauthenticated(),
            FileError::WorkspaceMissing(_) => true,
            _ => false,
        }
    }

    /// A 403: this file was refused permission.
    fn is_forbidden(&self) -> bool {
        matches!(self, FileError::Api(e) if e.is_forbidden())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    fn status(code: u16) -> FileError {
        FileError::Api(ApiError::Status {
            method: "POST".into(),
            path: "/upload/".into(),
            status: code,
            code: 0,
            text: "no".into(),
            retry_after: None,
        })
    }

    /// Rule 5: a 403 fails its file only; a 401 (after the client's one refresh) and a missing
    /// workspace stop the run.
    #[test]
    fn only_unauthenticated_and_missing_workspace_stop_the_run() {
        assert!(!status(403).stops_run());
        assert!(status(403).is_forbidden());
        assert_eq!(status(403).fatality(), Some(Fatality::Auth));
        assert!(status(401).stops_run());
        assert!(!status(500).stops_run());
        assert!(FileError::WorkspaceMissing("1".into()).stops_run());
        assert_eq!(
            FileError::WorkspaceMissing("1".into()).fatality(),
            Some(Fatality::Unavailable)
        );
    }
}
