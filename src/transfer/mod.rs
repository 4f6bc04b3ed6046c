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
//! long-polls (`details?wait=30`) mostly wait, so they run outside the budget. Every folder of
//! the tree is looked at at once (`remote.rs`): a folder's state comes from its parent's
//! listing, nothing below a missing folder is listed, and small files go in batches filled
//! across folders with `relative_path`, so the server builds the tree. Large files send chunks
//! `concurrency / 2` at a time, each with up to 3 chunks in flight and one read ahead; a file
//! whose chunks are all accepted waits for `stored` without holding that place, and open
//! sessions stay within the server's `sessions` limit (64 when it gives none). Batches hold at
//! most 8 MiB of content each, at most `concurrency + 2` at once. The walk runs ahead by at
//! most a few thousand files.

mod batch;
mod chunked;
mod context;
mod counters;
mod engine;
pub mod fault;
mod filters;
mod folders;
pub mod generated;
pub mod hash;
mod identity;
pub mod index;
pub mod job;
pub mod journal;
pub mod limiter;
mod lost;
mod mirror;
mod names;
mod only;
pub mod plan;
mod remote;
pub mod shard;
mod skip;
pub mod stdin;
pub mod watch;

use std::path::PathBuf;
use std::time::Duration;

pub use engine::{upload, upload_generated};
pub use hash::{Algo, hash_file_with};
pub use shard::{Shard, ShardArg};

/// When a remote file with the same name exists, when to skip the local one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipMode {
    /// Never skip: upload as a new version.
    Overwrite,
    /// Skip when the sizes are equal.
    Size,
    /// Skip when sizes are equal and the server's hash equals the local file's, computed in
    /// the node's algorithm (a remote file without a hash is uploaded again).
    Hash,
    /// The default: skip without reading when the upload index says neither the local file
    /// (size, modification time, identity) nor its remote twin (node, content) changed since
    /// the last upload; otherwise as [`SkipMode::Hash`].
    Auto,
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
    /// Only the files of this shard (`--shard I/N`); the others are left to other runs.
    pub shard: Option<Shard>,
    /// Where `--shard auto` found the shard (the job runner and its variables).
    pub shard_from: Option<String>,
    /// Plan only these files (a `--watch` pass); `None`: everything the paths name.
    pub only: Option<std::sync::Arc<plan::OnlyPaths>>,
    /// Skip events must carry the remote node (receipts): a file the resume journal says is
    /// done is looked up in its folder's listing (and sent again if it is no longer there).
    pub skipped_node_ids: bool,
    /// `--delete`: after a clean run, trash what the destination holds without a local twin.
    pub delete: Option<DeleteOptions>,
    /// How the summary names where the files go (workspace, folder; set by the command layer).
    pub destination: Option<String>,
    /// Local files the walk leaves out wherever it meets them (this run's `--receipt`, being
    /// written as it goes, and its `--files-from` list).
    pub leave_out: Vec<PathBuf>,
}

/// `--delete` and its guards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `--delete-excluded`: remote files the filters exclude go too (else they are kept).
    pub excluded: bool,
    /// `--max-delete N`: refuse the whole deletion when more would go.
    pub max: Option<u64>,
}

/// How the reason of a file skipped as a second mention of a file of the run begins (the
/// receipt does not record those: the file is recorded where its first mention put it).
pub const LISTED_TWICE: &str = "listed more than once in this run";

/// Default for [`UploadOptions::assembly_timeout`].
pub const DEFAULT_ASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What happened to the run as a whole. Every planned file ends in exactly one of `uploaded`,
/// `skipped`, `failed` and `not_started`: their sum is `planned`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files the walk produced: queued files plus paths that could not be read or named.
    pub planned: u64,
    pub uploaded: u64,
    pub skipped: u64,
    pub failed: u64,
    /// Queued files the run did not finish (interrupted, or the run stopped early).
    pub not_started: u64,
    /// Bytes of the files uploaded.
    pub bytes: u64,
    /// Bytes actually sent this run (less than `bytes` after a resume).
    pub bytes_sent: u64,
    /// Bytes of local files read to decide a skip (hashed to compare with the remote twin).
    pub hashed_bytes: u64,
    pub retries: u64,
    pub throttled: u64,
    /// Folders created (or, in a dry run, that would be created).
    pub folders_created: u64,
    pub symlinks_skipped: u64,
    /// FIFOs, sockets and devices met inside a tree (not regular files, not uploaded).
    pub special_skipped: u64,
    pub wall: Duration,
    /// `--bwlimit`: the cap on the upload rate (bytes per second), when there was one.
    pub bwlimit: Option<u64>,
    pub interrupted: bool,
    /// The signal that interrupted the run (`libc::SIGINT`, `SIGTERM`, `SIGHUP`), if one did.
    pub signal: Option<i32>,
    pub dry_run: bool,
    /// Some failure meant nothing could be uploaded (auth, workspace gone): its exit meaning.
    pub fatal: Option<Fatality>,
    /// `--shard I/N` of this run.
    pub shard: Option<Shard>,
    /// Where `--shard auto` found it (the job runner).
    pub shard_from: Option<String>,
    /// Files left to the other shards.
    pub out_of_shard: u64,
    /// `--delete`: remote files and folders moved to the trash (dry run: that would be).
    pub deleted: u64,
    /// `--delete`: deletions the server refused.
    pub delete_failed: u64,
    /// `--delete`: nothing was deleted on purpose (a file failed, the run was interrupted, or
    /// more than `--max-delete` would have gone).
    pub delete_refused: Option<String>,
    /// Where the files went, for people ([`UploadOptions::destination`]).
    pub destination: Option<String>,
    /// The workspace id and the remote folder (`""`: the root) the files went to.
    pub workspace_id: String,
    pub remote_dir: String,
}

/// A failure class that decides the exit code when nothing got through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fatality {
    Auth,
    Unavailable,
    /// The input was unusable (a `--files-from` list past its bounds): a usage error, whatever
    /// was uploaded before it was found.
    BadInput,
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
    /// `n` more bytes of file `id` left for the server (counted as the request body hands them
    /// to the connection; `id` 0: a batch's, which no file bar follows).
    Bytes { id: u64, n: u64 },
    /// `n` bytes counted by [`Event::Bytes`] are sent again (a retried request): taken back,
    /// so nothing is counted twice.
    Unsent { id: u64, n: u64 },
    FileDone {
        id: u64,
        local: String,
        remote_path: String,
        node_id: Option<String>,
        size: u64,
        sha256: String,
        /// Only chunks missing from an earlier run were sent.
        resumed: bool,
        /// The upload session (or batch entry) that stored it, when the server named one.
        upload_id: Option<String>,
    },
    FileSkipped {
        id: u64,
        local: String,
        remote_path: String,
        size: u64,
        reason: String,
        /// The remote twin that made the upload unnecessary, when known.
        node_id: Option<String>,
        /// The local file's SHA-256, when it was computed for the skip decision.
        sha256: Option<String>,
    },
    FileFailed {
        id: Option<u64>,
        local: String,
        remote_path: Option<String>,
        error: String,
    },
    /// A symlink that was not followed.
    SymlinkSkipped { local: String },
    /// A FIFO, socket or device inside a tree: not a regular file, not uploaded.
    SpecialSkipped { local: String, kind: String },
    /// A queued file that got no outcome: the run was interrupted or stopped before it was
    /// done. Sent at the end, before the summary.
    FileNotStarted {
        id: u64,
        local: String,
        remote_path: String,
    },
    /// Something the user should know that changes no outcome (resume is off, and why).
    Warning { message: String },
    /// A detail shown with `-v` (a token was refreshed during the run).
    Notice { message: String },
    /// A request is retried after `delay`.
    Retry {
        what: String,
        attempt: u32,
        delay: Duration,
        error: String,
        /// The request stalled (no progress for the stall limit): said even without `-v`, so a
        /// server that stopped answering is never waited on in silence.
        stalled: bool,
    },
    /// The server said 429: everyone waits `wait`.
    Throttled { what: String, wait: Duration },
    /// A remote folder was created by this run: by `createfolder`, or by the server for a
    /// batch entry's `relative_path` (dry run: would be created).
    FolderCreated { remote_path: String, dry_run: bool },
    /// Dry run: this file would be uploaded, and why.
    WouldUpload {
        id: u64,
        local: String,
        remote_path: String,
        size: u64,
        reason: String,
    },
    /// The run stops early: every other file would fail the same way.
    Stopped { reason: String },
    /// `upload --watch` is idle, watching `paths` path arguments: files uploaded so far, and
    /// when the last one was.
    Watching {
        paths: usize,
        uploaded: u64,
        last: Option<std::time::SystemTime>,
    },
    /// `--delete`: a remote file or folder (with `count` nodes in all) moved to the trash, or
    /// in a dry run, that would be.
    Deleted {
        remote_path: String,
        node_id: String,
        folder: bool,
        count: u64,
        dry_run: bool,
    },
    /// `--delete`: the server refused to trash this one.
    DeleteFailed { remote_path: String, error: String },
    /// `--delete`: nothing is deleted, and why (one line).
    DeleteRefused { reason: String },
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

    /// A handle that does not keep the channel open: the run's listener still ends when the
    /// run's own senders are gone.
    pub fn weak(&self) -> WeakEvents {
        WeakEvents(self.0.downgrade())
    }
}

/// [`Events::weak`]: emits while the run lasts, and says so when it is over.
#[derive(Clone)]
pub struct WeakEvents(tokio::sync::mpsc::WeakUnboundedSender<Event>);

impl WeakEvents {
    /// Send `e` if the run is still listening; `false` when it is over.
    pub fn emit(&self, e: Event) -> bool {
        self.0.upgrade().is_some_and(|tx| tx.send(e).is_ok())
    }
}

/// Signal handling: `stop` = start no new work; `abort` = cancel requests in flight; `signal`
/// records which signal (SIGINT, SIGTERM, SIGHUP) asked for it, when one did.
#[derive(Clone, Default)]
pub struct Cancel {
    pub stop: tokio_util::sync::CancellationToken,
    pub abort: tokio_util::sync::CancellationToken,
    signal: std::sync::Arc<std::sync::OnceLock<i32>>,
}

impl Cancel {
    /// Record the signal that interrupts the run (the first one counts).
    pub fn set_signal(&self, signo: i32) {
        let _ = self.signal.set(signo);
    }

    /// The signal that interrupted the run, if any.
    pub fn signal(&self) -> Option<i32> {
        self.signal.get().copied()
    }
}

/// Why a run could not start (per-file problems are events, not errors).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The arguments cannot be planned (a bad filter): a usage error.
    #[error("{0}")]
    BadInput(String),
    /// The same job is already running (its journal is locked).
    #[error(
        "another `fastio upload` of the same paths to the same destination is running (its \
         journal `{0}` is locked); nothing was sent: let it finish, then run again"
    )]
    AlreadyRunning(String),
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
    /// Another local file of this run goes to the same remote path: not sent, so neither
    /// replaces the other's content.
    #[error(
        "`{first}` also goes to `{remote}` in this run; not uploaded, so one local file does \
         not replace the other (rename one, or upload them to different folders)"
    )]
    Collision { remote: String, first: String },
    #[error("server refused the upload: {0}")]
    Server(String),
    /// The session ended `assembly_failed` or `store_failed`: the chunks were taken, the file
    /// was not stored. Another session may succeed.
    #[error("server refused the upload: {status}: {message}")]
    Assembly { status: String, message: String },
    /// A remote file is where a folder on the way must be.
    #[error("cannot create folder `{0}`: a file of that name is in the way")]
    FileInTheWay(String),
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
            // A 5xx that outlasted the retries: the server could not serve the request.
            FileError::Api(e) if e.is_transient() => Some(Fatality::Unavailable),
            FileError::WorkspaceMissing(_) => Some(Fatality::Unavailable),
            _ => None,
        }
    }

    /// Every other file would fail the same way: a 401 that survived a refresh, no usable
    /// credential, a missing workspace, or a server that is not the API.
    fn stops_run(&self) -> bool {
        match self {
            FileError::Api(e) => {
                e.is_unauthenticated() || matches!(e, crate::api::ApiError::NotTheApi { .. })
            }
            FileError::WorkspaceMissing(_) => true,
            _ => false,
        }
    }

    /// A 403: this file was refused permission.
    fn is_forbidden(&self) -> bool {
        matches!(self, FileError::Api(e) if e.is_forbidden())
    }

    /// A 403 for a whole batch request: every file in it was refused at once.
    fn is_batch_refusal(&self) -> bool {
        matches!(self, FileError::Api(e)
            if e.is_forbidden() && e.path().is_some_and(|p| p.starts_with("/upload/batch")))
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
