//! `fastio upload`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{
    CiMode, ShareArg, WorkspaceArg, parse_assembly_timeout, parse_byte_size, parse_duration,
};

/// `--max-size`: a byte count of at least 1.
fn parse_max_size(s: &str) -> Result<u64, String> {
    match parse_byte_size(s)? {
        0 => Err(format!("`{s}`: the size must be at least 1 byte")),
        n => Ok(n),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IfChanged {
    /// Skip a file unchanged since its last upload (size, mtime, remote version: not read);
    /// otherwise read it and skip only when its hash equals the remote twin's
    Auto,
    /// Skip a file whose remote twin has the same size (fast; misses same-size edits)
    Size,
    /// Skip a file only when its remote twin has the same size and hash (reads every such file)
    Hash,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio upload ./photos --to backup            # lands in backup/photos/...
  fastio upload ./photos/ --to backup           # contents land directly in backup/
  find . -name '*.csv' -print0 | fastio upload --files-from - -0 --json
  fastio upload ./dist --to releases --receipt receipt.jsonl
  fastio upload ./dist --to releases --shard 2/3   # one job of three
  fastio upload ./dist --to releases --shard auto  # index and count from the job runner
  fastio upload ./inbox --to ingest --watch         # keep uploading what arrives
  pg_dump db | fastio upload - --name db.sql --to backups")]
#[command(after_long_help = concat!(
    "Examples:\n",
    "  fastio upload ./photos --to backup            # lands in backup/photos/...\n",
    "  fastio upload ./photos/ --to backup           # contents land directly in backup/\n",
    "  find . -name '*.csv' -print0 | fastio upload --files-from - -0 --json\n",
    "  fastio upload ./dist --to releases --receipt receipt.jsonl\n",
    "  fastio upload ./dist --to releases --shard 2/3   # one job of three\n",
    "  fastio upload ./dist --to releases --shard auto  # index and count from the job runner\n",
    "  fastio upload ./inbox --to ingest --watch         # keep uploading what arrives\n",
    "  pg_dump db | fastio upload - --name db.sql --to backups\n\n",
    "Receipts: --receipt FILE writes one JSON line per stored (or skipped) file with its node id,\n",
    "size and SHA-256, as files finish; `fastio verify --receipt FILE` checks them later. A rerun\n",
    "of the same command continues the same receipt.\n\n",
    "Mirror: --delete trashes what the destination holds without a local twin, after a run\n",
    "in which every file was uploaded or skipped (nothing is deleted after a failure or an\n",
    "interruption). Filtered-out files are kept unless --delete-excluded; --max-delete N\n",
    "refuses the whole deletion when more would go; --dry-run lists it.\n\n",
    "Shards: --shard I/N uploads only the files whose path below the destination hashes to shard\n",
    "I of N, so N jobs with the same arguments split the tree without overlap. --shard auto\n",
    "reads I and N from the job runner: FASTIO_SHARD=I/N, a Kubernetes Indexed Job\n",
    "(JOB_COMPLETION_INDEX; give the count as --shard auto/N), GitLab parallel (CI_NODE_INDEX,\n",
    "CI_NODE_TOTAL), CircleCI (CIRCLE_NODE_INDEX, CIRCLE_NODE_TOTAL) or Buildkite\n",
    "(BUILDKITE_PARALLEL_JOB, BUILDKITE_PARALLEL_JOB_COUNT); none set is a usage error.\n\n",
    "Watch: --watch uploads everything once, then each file that appears or changes under the\n",
    "PATHs once it has settled (size and mtime unchanged for --settle, default 2s), with a full\n",
    "pass every --rescan (default 10m) for changes no notification reported. The same skip\n",
    "rules, journal and receipt apply; while the server cannot be reached the files wait.\n",
    "Ctrl-C or SIGTERM finishes the pass in flight and prints the summary of the whole watch.\n\n",
    "Standard input: `-` as the only PATH streams stdin into one file named --name (a stream\n",
    "upload, with its length when --size gives it; what is read is also kept in a temporary\n",
    "file, so a stream the server refuses, at once or part-way, is finished from that file).\n",
    "Pipe or redirect it: with a terminal on stdin, `-` refuses (exit 2).\n\n",
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

    #[command(flatten)]
    pub share: ShareArg,

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
    #[arg(long, value_enum, default_value_t = IfChanged::Auto, value_name = "WHAT")]
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

    /// Keep running after the first pass: upload files as they appear or change (Ctrl-C or
    /// SIGTERM ends it)
    #[arg(long, conflicts_with_all = ["dry_run", "files_from"])]
    pub watch: bool,

    /// With --watch: send a file once its size and modification time are unchanged this long
    #[arg(long, default_value = "2s", value_parser = parse_duration, value_name = "DURATION", requires = "watch")]
    pub settle: std::time::Duration,

    /// With --watch: look at every file again this often, for changes no notification told
    /// of (network mounts); 0 = never
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION", requires = "watch")]
    pub rescan: std::time::Duration,

    /// Write a receipt: one JSON line per stored file (node id, size, SHA-256), as they finish
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub receipt: Option<PathBuf>,

    /// Upload only shard I of N of the files (1-based; a stable hash of each file's path);
    /// `auto` (or `auto/N`) reads I and N from the job runner
    #[arg(long, value_name = "I/N|auto", value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<crate::transfer::ShardArg>()))]
    pub shard: Option<crate::transfer::ShardArg>,

    /// After a run where every file was uploaded or skipped, move remote files and folders
    /// under the destination that have no local twin to the trash
    #[arg(long)]
    pub delete: bool,

    /// With --delete: also trash remote files the filters exclude (kept by default)
    #[arg(long, requires = "delete")]
    pub delete_excluded: bool,

    /// With --delete: delete nothing (exit 1) when more than N files and folders would go
    #[arg(long, value_name = "N", requires = "delete")]
    pub max_delete: Option<u64>,

    /// With `-` (standard input): the remote file name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// With `-`: refuse standard input longer than this (e.g. 10GB; at least 1 byte); also sent
    /// to the server
    #[arg(long, value_name = "BYTES", value_parser = parse_max_size)]
    pub max_size: Option<u64>,

    /// With `-`: standard input's exact size, declared to the server as the stream's length
    /// (input of another size fails)
    #[arg(long, value_name = "BYTES", value_parser = parse_byte_size)]
    pub size: Option<u64>,

    /// CI-native output: annotations, folded progress and a step summary in GitHub Actions
    #[arg(long, value_enum, default_value_t = CiMode::Auto, value_name = "WHERE")]
    pub ci: CiMode,
}
