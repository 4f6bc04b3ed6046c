//! `fastio upload`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CiMode, WorkspaceArg, parse_assembly_timeout, parse_byte_size};

/// `--max-size`: a byte count of at least 1.
fn parse_max_size(s: &str) -> Result<u64, String> {
    match parse_byte_size(s)? {
        0 => Err(format!("`{s}`: the size must be at least 1 byte")),
        n => Ok(n),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IfChanged {
    /// Skip a file whose remote twin has the same size
    Size,
    /// Skip a file whose remote twin has the same size and SHA-256
    Hash,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio upload ./photos --to backup            # lands in backup/photos/...
  fastio upload ./photos/ --to backup           # contents land directly in backup/
  find . -name '*.csv' -print0 | fastio upload --files-from - -0 --json
  fastio upload ./dist --to releases --receipt receipt.jsonl
  fastio upload ./dist --to releases --shard 2/3   # one job of three
  pg_dump db | fastio upload - --name db.sql --to backups")]
#[command(after_long_help = concat!(
    "Examples:\n",
    "  fastio upload ./photos --to backup            # lands in backup/photos/...\n",
    "  fastio upload ./photos/ --to backup           # contents land directly in backup/\n",
    "  find . -name '*.csv' -print0 | fastio upload --files-from - -0 --json\n",
    "  fastio upload ./dist --to releases --receipt receipt.jsonl\n",
    "  fastio upload ./dist --to releases --shard 2/3   # one job of three\n",
    "  pg_dump db | fastio upload - --name db.sql --to backups\n\n",
    "Receipts: --receipt FILE writes one JSON line per stored (or skipped) file with its node id,\n",
    "size and SHA-256, as files finish; `fastio verify --receipt FILE` checks them later. A rerun\n",
    "of the same command continues the same receipt.\n\n",
    "Shards: --shard I/N uploads only the files whose path below the destination hashes to shard\n",
    "I of N, so N jobs with the same arguments split the tree without overlap.\n\n",
    "Standard input: `-` as the only PATH streams stdin into one file named --name (a stream\n",
    "upload; where the server refuses those, stdin is spooled to a temporary file first). Pipe\n",
    "or redirect it: with a terminal on stdin, `-` refuses (exit 2).\n\n",
    "GitHub Actions (GITHUB_ACTIONS=true, or --ci github): progress is folded in a group, each\n",
    "failed file becomes an error annotation, and a summary table is appended to\n",
    "$GITHUB_STEP_SUMMARY.\n\n",
    "Concurrency: --concurrency bounds the HTTP requests in flight across all files. Small files\n",
    "(< 4 MiB) travel in batches of up to 200; large files in chunked sessions, up to 3 chunks\n",
    "in flight each. Rate limits (HTTP 429) pause every worker until the server's reset time.\n",
    "--bwlimit 10M (global) caps the upload rate of the whole process; `fastio bench` finds the\n",
    "best --concurrency for your connection and server.\n\n",
    "Resume: progress is journaled under the XDG state directory. Running the same command again\n",
    "after an interruption (even kill -9) skips finished files and sends only missing chunks.\n",
    "If the journal cannot be written, one warning says resume is off. The same upload (same\n",
    "paths, workspace, destination and server) runs once at a time: a second one started while\n",
    "the first runs is refused with exit 1 and sends nothing.\n\n",
    "Stalls: a request with no progress for --stall-timeout (default 60s) is abandoned and\n",
    "retried up to --retries times; a server that never answers is given up on after about\n",
    "(retries + 1) x stall-timeout, plus the backoff between tries, per request (exit 4).\n\n",
    "Signals: Ctrl-C, SIGTERM and SIGHUP stop new work, let requests in flight end (1.5 s at\n",
    "most; a second signal cancels them at once), release --lock, print the summary and exit\n",
    "130, 143 or 129. Names that cannot be stored as they are (not UTF-8, control characters,\n",
    "`\\`, over 255 characters) and two files for one remote path fail alone, before sending.\n\n",
    credentials_help!(),
    "\n\n",
    exit_codes_help!()
))]
pub struct UploadArgs {
    /// Files and directories to upload (a trailing `/` uploads a directory's contents; `-`
    /// alone: standard input, see --name)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub workspace: WorkspaceArg,

    /// Remote folder path under the workspace root (created as needed)
    #[arg(
        long,
        value_name = "REMOTE_DIR",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,

    /// HTTP requests in flight at once, across all files (1 to 256)
    #[arg(short = 'j', long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,

    /// Read more paths from FILE, one per line (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// With --files-from: paths are NUL-separated
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,

    /// Only upload paths matching this glob (relative to the argument; `**` matches folders)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip paths matching this glob (relative to the argument)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Follow symbolic links (with loop detection); by default they are skipped and listed
    #[arg(short = 'L', long)]
    pub follow_symlinks: bool,

    /// Upload even when the remote file looks identical
    #[arg(long, conflicts_with = "if_changed")]
    pub overwrite: bool,

    /// How to decide a remote file is identical and can be skipped
    #[arg(long, value_enum, default_value_t = IfChanged::Size, value_name = "WHAT")]
    pub if_changed: IfChanged,

    /// Retries per request for 5xx, stalls, timeouts and connection errors (0 to 100; 0: a
    /// request that fails so fails its file; 429s are waited out and are not retries)
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=super::MAX_RETRIES as i64))]
    pub retries: u32,

    /// Fail a file whose upload session is not stored this long after its last chunk (1s to
    /// 7d)
    #[arg(long, default_value = "30m", value_parser = parse_assembly_timeout, value_name = "DURATION")]
    pub assembly_timeout: std::time::Duration,

    /// Ignore (and do not write) the resume journal
    #[arg(long)]
    pub no_resume: bool,

    /// Show what would be uploaded, skipped and created, using read-only calls only
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Lock the destination folder for the whole upload
    #[arg(long)]
    pub lock: bool,

    /// Write a receipt: one JSON line per stored file (node id, size, SHA-256), as they finish
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub receipt: Option<PathBuf>,

    /// Upload only shard I of N of the files (1-based; a stable hash of each file's path)
    #[arg(long, value_name = "I/N", value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<crate::transfer::Shard>()))]
    pub shard: Option<crate::transfer::Shard>,

    /// With `-` (standard input): the remote file name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// With `-`: refuse standard input longer than this (e.g. 10GB; at least 1 byte); also sent
    /// to the server
    #[arg(long, value_name = "BYTES", value_parser = parse_max_size)]
    pub max_size: Option<u64>,

    /// CI-native output: annotations, folded progress and a step summary in GitHub Actions
    #[arg(long, value_enum, default_value_t = CiMode::Auto, value_name = "WHERE")]
    pub ci: CiMode,
}
