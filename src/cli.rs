//! The command line: every flag, subcommand and help text lives here, and nowhere else.
//!
//! This is the single source for `--help`, the shell completions under `completions/` and the man
//! pages under `man/` (both generated from [`Cli::command`] by `fastio generate`). Nothing below
//! `commands/` reads these structs: each command turns its args into a plain options struct.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

// Help fragments shared by several commands. Macros rather than consts so `concat!` can use them.
macro_rules! credentials_help {
    () => {
        "Credentials are looked up in this order: --token, FASTIO_TOKEN, FASTIO_API_KEY, then the OS\n\
         keyring entry of the profile (--profile, default `default`) written by `fastio login`."
    };
}

macro_rules! exit_codes_help {
    () => {
        "Exit codes:\n  0    everything done (or nothing to do)\n  \
         1    some files or items failed (the others were done); a PATH that cannot be read\n       \
         is such an item, even alone; also: the same upload is already running\n  \
         2    usage error (bad flag, bad remote path, glob or URL)\n  \
         3    authentication or permission problem (a credential with a control character too)\n  \
         4    nothing could be done: the server is unreachable, stalls, redirects, answers\n       \
         what is not the API or 5xx after the retries; or the workspace is missing\n  \
         130  interrupted (Ctrl-C); 143 on SIGTERM, 129 on SIGHUP"
    };
}

/// Fast, resumable bulk uploads to Fast.io.
#[derive(Debug, Parser)]
#[command(
    name = "fastio",
    version,
    about = "Fast, resumable bulk uploads to Fast.io",
    long_about = "Fast, resumable bulk uploads to Fast.io.\n\nUploads files and folder trees concurrently, \
respects the server's rate limits, resumes after interruptions and reports exactly what happened. \
`fastio emulator` runs a local Fast.io-compatible server for trying things out and for CI.",
    after_help = "Examples:\n  fastio --emulator upload ./src --concurrency 8\n  fastio login\n  fastio upload ./photos --to backup --workspace my-team",
    after_long_help = concat!(
        "Examples:\n  fastio --emulator upload ./src --concurrency 8\n  fastio login\n  fastio upload ./photos --to backup --workspace my-team\n\n",
        credentials_help!(),
        "\n\n",
        exit_codes_help!()
    )
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// API base URL [env: FASTIO_API_BASE] [default: https://api.fast.io/current]
    #[arg(long, global = true, value_name = "URL")]
    pub api_base: Option<String>,

    /// Access token or API key to use (see the credential order in --help)
    #[arg(long, global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Credential and settings profile
    #[arg(
        long,
        global = true,
        env = "FASTIO_PROFILE",
        hide_env_values = true,
        default_value = "default",
        value_name = "NAME"
    )]
    pub profile: String,

    /// Run against a local emulator started inside this process (no account needed)
    ///
    /// The emulator listens on an ephemeral loopback port and keeps its files in the default
    /// emulator data directory, so a later `fastio --emulator ...` sees the same files.
    #[arg(long, global = true)]
    pub emulator: bool,

    /// Machine-readable output: NDJSON events on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// How to show progress on stderr
    #[arg(long, global = true, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,

    /// More detail on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Abandon a request that makes no progress for this long (connecting, sending, waiting
    /// for or reading the answer) and retry it (e.g. 60s, 2m)
    #[arg(
        long,
        global = true,
        env = "FASTIO_STALL_TIMEOUT",
        default_value = "60s",
        value_parser = parse_duration,
        value_name = "DURATION"
    )]
    pub stall_timeout: std::time::Duration,

    /// Cap the total upload rate of this process, across every connection (bytes per second:
    /// 10M, 500k, 8MiB; k/M/G = 1000s, Ki/Mi/Gi = 1024s)
    #[arg(
        long,
        global = true,
        env = "FASTIO_BWLIMIT",
        value_parser = crate::api::bwlimit::parse_rate,
        value_name = "RATE"
    )]
    pub bwlimit: Option<u64>,
}

/// A byte count: `1048576`, `100MB`, `2MiB`, `1.5GB`, `40g` (k/m/g/t are powers of 1000,
/// ki/mi/gi/ti powers of 1024).
pub fn parse_byte_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 2MiB, 100MB)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "ki" | "kib" => 1024.0,
        "mi" | "mib" => 1024.0 * 1024.0,
        "gi" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "ti" | "tib" => 1024.0f64.powi(4),
        other => return Err(format!("unknown size unit `{other}` in `{s}`")),
    };
    Ok((n * mult).round() as u64)
}

/// Where CI-native output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiMode {
    /// GitHub Actions output when GITHUB_ACTIONS=true, none otherwise
    Auto,
    /// GitHub Actions output (annotations, folded progress, step summary)
    Github,
    /// No CI output
    None,
}

/// A duration such as `90s`, `2m`, `1h 30m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(std::time::Duration::from_secs_f64(secs));
        }
        return Err(format!("`{s}` is not a duration"));
    }
    humantime::parse_duration(s).map_err(|e| format!("`{s}` is not a duration ({e})"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// Bars on a terminal, plain status lines otherwise
    Auto,
    /// Always draw bars
    Bars,
    /// Plain status lines (at most one every 10 s), one line per failure
    Plain,
    /// No progress output
    None,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store credentials for a profile: browser login (OAuth) or an API key
    Login(LoginArgs),
    /// Remove a profile's stored credentials and revoke its OAuth session
    Logout(LogoutArgs),
    /// Show which credential is in use and who it belongs to
    Whoami(WhoamiArgs),
    /// Upload files and folder trees, concurrently and resumably
    Upload(UploadArgs),
    /// Check that what a receipt (or a local tree) says was stored is on the server
    Verify(VerifyArgs),
    /// Import files from URLs on the server side
    #[command(name = "import-url")]
    ImportUrl(ImportUrlArgs),
    /// File and folder locks for coordinating several writers
    Lock(LockArgs),
    /// Ask a question about workspace files; the answer comes with citations
    Ask(AskArgs),
    /// Check that every call this tool relies on works with your account and server
    Doctor(DoctorArgs),
    /// Measure upload speed with generated data and find the best --concurrency
    Bench(BenchArgs),
    /// Run a local Fast.io-compatible API server
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Print a shell completion script to stdout
    Completions(CompletionsArgs),
    /// Regenerate the committed completions and man pages (for maintainers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fastio login\n  fastio login --no-browser\n  printf '%s' \"$KEY\" | fastio login --api-key",
    after_long_help = concat!(
        "Examples:\n  fastio login\n  fastio login --no-browser\n  printf '%s' \"$KEY\" | fastio login --api-key\n  fastio --profile work --api-base http://127.0.0.1:8787/current login --workspace team\n\n",
        "The browser login is OAuth 2.0 with PKCE: fastio opens the consent page and receives the code\n",
        "on 127.0.0.1 at the redirect URI's port (port 0 = any free port), or with --no-browser prints\n",
        "the URL and reads the code the page shows. Access tokens are refreshed automatically.\n\n",
        "Secrets go to the OS keyring only: the Secret Service (GNOME Keyring, KWallet) when one runs,\n",
        "else the Linux kernel keyring (cleared at reboot); FASTIO_KEYRING=secret-service|keyutils picks\n",
        "one. Without any keyring, login refuses: use FASTIO_API_KEY instead. The profile's API base\n",
        "and default workspace go to $XDG_CONFIG_HOME/fastio/config.json (never a secret).\n\n",
        credentials_help!(),
        "\n\n",
        exit_codes_help!()
    )
)]
pub struct LoginArgs {
    /// Store an API key instead of logging in through the browser
    ///
    /// The key is read from stdin when stdin is not a terminal, otherwise prompted for without
    /// echo. It is never taken as an argument value, where it would show in `ps` and shell history.
    #[arg(long)]
    pub api_key: bool,

    /// Do not open a browser: print the URL and read the displayed code pasted back
    #[arg(long)]
    pub no_browser: bool,

    /// OAuth client id
    #[arg(long, default_value = "fastio-cli", value_name = "ID")]
    pub client_id: String,

    /// OAuth redirect URI (a listener on 127.0.0.1 is bound to its port; 0 = any free port)
    #[arg(
        long,
        default_value = "http://localhost:19836/callback",
        value_name = "URI"
    )]
    pub redirect_uri: String,

    /// Give up waiting for the browser after this many seconds
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub timeout: u64,

    /// Default workspace (id or name) to remember for this profile
    #[arg(long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,
}

/// Removes the profile's keyring entry and revokes its OAuth refresh token on the server.
/// API keys stay valid on the server: delete them in the web app.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  fastio logout\n  fastio --profile work logout")]
pub struct LogoutArgs {}

/// Prints the credential source (--token, FASTIO_TOKEN, FASTIO_API_KEY or keyring profile), the
/// user id the server reports and when the access token expires. With --json, one JSON object.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  fastio whoami\n  FASTIO_API_KEY=... fastio whoami --json")]
#[command(after_long_help = concat!(
    "Examples:\n  fastio whoami\n  FASTIO_API_KEY=... fastio whoami --json\n\n",
    credentials_help!(),
    "\n\n",
    exit_codes_help!()
))]
pub struct WhoamiArgs {}

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
    "upload; where the server refuses those, stdin is spooled to a temporary file first).\n\n",
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

    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// Remote folder path under the workspace root (created as needed)
    #[arg(
        long,
        value_name = "REMOTE_DIR",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,

    /// HTTP requests in flight at once, across all files
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

    /// Retries per request for 5xx, stalls, timeouts and connection errors
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub retries: u32,

    /// Fail a file whose upload session is not stored this long after its last chunk
    #[arg(long, default_value = "30m", value_parser = parse_duration, value_name = "DURATION")]
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

    /// With `-`: refuse standard input longer than this (e.g. 10GB); also sent to the server
    #[arg(long, value_name = "BYTES", value_parser = parse_byte_size)]
    pub max_size: Option<u64>,

    /// CI-native output: annotations, folded progress and a step summary in GitHub Actions
    #[arg(long, value_enum, default_value_t = CiMode::Auto, value_name = "WHERE")]
    pub ci: CiMode,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio verify --receipt receipt.jsonl
  fastio verify ./photos --to backup             # like `rclone check`
  fastio verify ./photos --to backup --extra --json")]
#[command(after_long_help = "Examples:
  fastio verify --receipt receipt.jsonl
  fastio verify ./photos --to backup             # like `rclone check`
  fastio verify ./photos --to backup --extra --json

With --receipt, every file the receipt records is looked up by node id (25 per request) and
must exist, not be in the trash, and have the recorded size and SHA-256. Where the server
reports another digest (e.g. md5), the local file is hashed again; if it changed since the
upload the file is `unverified`. Entries without a node id are looked up by path.

With PATH arguments, the local files are compared with where `fastio upload PATH --to DIR`
puts them (same layout rules): `missing` remotely, `different` (size or digest), and with
--extra the remote files under the same folders that have no local counterpart.

One line per file on stdout (`ok`, `different`, `missing`, `extra`, `unverified`, `failed`),
then a summary on stderr; with --json, NDJSON objects of type `verify_file` and
`verify_summary`. In GitHub Actions every problem is also an error annotation and a table goes
to $GITHUB_STEP_SUMMARY.

Exit codes: 0 everything matches; 1 something differs, is missing, extra (with --extra) or
could not be verified (each one named); 2 usage error (bad receipt); 3 authentication
problem; 4 server unreachable or workspace missing.")]
pub struct VerifyArgs {
    /// Local files and directories to compare with the remote folder given by --to
    #[arg(
        value_name = "PATH",
        conflicts_with = "receipt",
        required_unless_present = "receipt"
    )]
    pub paths: Vec<PathBuf>,

    /// Check every file of this receipt (written by `upload --receipt`)
    #[arg(long, value_name = "FILE")]
    pub receipt: Option<PathBuf>,

    /// Remote folder the PATHs were uploaded to (as `upload --to`)
    #[arg(
        long,
        value_name = "REMOTE_DIR",
        default_value = "",
        hide_default_value = true,
        conflicts_with = "receipt"
    )]
    pub to: String,

    /// Workspace id or name [env: FASTIO_WORKSPACE] (with --receipt: the receipt's)
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// Also report remote files that have no local counterpart
    #[arg(long, conflicts_with = "receipt")]
    pub extra: bool,

    /// Follow symbolic links in the local tree
    #[arg(short = 'L', long)]
    pub follow_symlinks: bool,

    /// CI-native output: annotations and a step summary in GitHub Actions
    #[arg(long, value_enum, default_value_t = CiMode::Auto, value_name = "WHERE")]
    pub ci: CiMode,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio import-url https://example.com/report.pdf --to inbox
  fastio import-url --urls-from urls.txt --concurrency 4 --json
  fastio import-url https://example.com/a.bin --name b.bin --no-wait")]
#[command(after_long_help = concat!(
    "Examples:\n",
    "  fastio import-url https://example.com/report.pdf --to inbox\n",
    "  fastio import-url --urls-from urls.txt --concurrency 4 --json\n",
    "  fastio import-url https://example.com/a.bin --name b.bin --no-wait\n\n",
    "The server fetches each URL itself. Imports can fail after they were accepted, so each one\n",
    "is followed until the file is stored (or it failed, or --timeout passed); only --no-wait\n",
    "reports submitted jobs without knowing their outcome. Per URL the result is the stored\n",
    "file (path, size, node id) or the reason it failed.\n\n",
    exit_codes_help!()
))]
pub struct ImportUrlArgs {
    /// http or https URLs to import
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// Remote folder path under the workspace root (created as needed)
    #[arg(
        long,
        value_name = "REMOTE_DIR",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,

    /// File name for the imported file (only with a single URL)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Read URLs from FILE, one per line (`-` for stdin; `#` starts a comment)
    #[arg(long, value_name = "FILE")]
    pub urls_from: Option<PathBuf>,

    /// Import jobs submitted or polled at once
    #[arg(short = 'j', long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,

    /// Report once submitted, without waiting for the imports to finish
    #[arg(long)]
    pub no_wait: bool,

    /// Give up waiting for one import after this many seconds
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  TOKEN=$(fastio lock acquire reports/2026)
  fastio lock release reports/2026 --lock-token \"$TOKEN\"
  fastio lock run reports -- ./publish.sh")]
#[command(after_long_help = "Examples:
  TOKEN=$(fastio lock acquire reports/2026)
  fastio lock release reports/2026 --lock-token \"$TOKEN\"
  fastio lock run reports -- ./publish.sh

A lock is held for --duration seconds (60-3600) and lapses unless extended by a heartbeat;
`lock run` and `upload --lock` heartbeat on their own. Another client's writes into a locked
folder are refused (HTTP 423).

Exit codes: 0 done; 1 the lock is held by someone else (after --wait, if given), or the token
was refused; 2 usage error (bad path); 3 authentication problem; 4 server unreachable.
`lock run` exits with COMMAND's status (128+N when signal N ended it, 127 when it cannot be
found), or 1 when the lock was lost and COMMAND was stopped.")]
pub struct LockArgs {
    #[command(subcommand)]
    pub action: LockAction,

    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, global = true, value_name = "WORKSPACE")]
    pub workspace: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LockAction {
    /// Take a lock and print its token alone on stdout
    #[command(
        after_help = "Examples:\n  TOKEN=$(fastio lock acquire reports/2026)\n  fastio lock release reports/2026 --lock-token \"$TOKEN\"\n  fastio lock acquire reports --duration 600 --wait 120"
    )]
    Acquire {
        /// Remote path (folder or file) or node id
        #[arg(value_name = "REMOTE_PATH|NODE_ID")]
        target: String,
        /// Lock duration in seconds (60-3600)
        #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(60..=3600))]
        duration: u64,
        /// If another client holds the lock, keep trying for up to this many seconds
        #[arg(long, value_name = "SECS")]
        wait: Option<u64>,
    },
    /// Show whether a node is locked, by whom and until when
    Status {
        #[arg(value_name = "REMOTE_PATH|NODE_ID")]
        target: String,
    },
    /// Extend a lock you hold
    Heartbeat {
        #[arg(value_name = "REMOTE_PATH|NODE_ID")]
        target: String,
        /// The lock token printed by `lock acquire` (`--token` is the global credential flag)
        #[arg(
            long,
            env = "FASTIO_LOCK_TOKEN",
            hide_env_values = true,
            value_name = "TOKEN"
        )]
        lock_token: String,
    },
    /// Release a lock you hold
    Release {
        #[arg(value_name = "REMOTE_PATH|NODE_ID")]
        target: String,
        /// The lock token printed by `lock acquire` (`--token` is the global credential flag)
        #[arg(
            long,
            env = "FASTIO_LOCK_TOKEN",
            hide_env_values = true,
            value_name = "TOKEN"
        )]
        lock_token: String,
    },
    /// Hold a lock while COMMAND runs, then release it whatever happens
    #[command(
        after_help = "Examples:\n  fastio lock run reports -- ./publish.sh\n  fastio lock run shared/db.sqlite --duration 120 -- make deploy"
    )]
    Run {
        #[arg(value_name = "REMOTE_PATH|NODE_ID")]
        target: String,
        /// Lock duration in seconds (60-3600); a heartbeat extends it while COMMAND runs
        #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(60..=3600))]
        duration: u64,
        /// If another client holds the lock, keep trying for up to this many seconds
        #[arg(long, value_name = "SECS")]
        wait: Option<u64>,
        /// The command to run, after `--`
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio ask \"What are the payment terms?\" --folder contracts
  fastio ask \"Summarise this\" --file reports/q3.md --json
  fastio ask \"Where is the retry logic?\" --wait-indexed")]
#[command(after_long_help = "Examples:
  fastio ask \"What are the payment terms?\" --folder contracts
  fastio ask \"Summarise this\" --file reports/q3.md --json
  fastio ask \"Where is the retry logic?\" --wait-indexed

Folders (and, with neither --folder nor --file, the whole workspace) are searched through the
workspace's AI index, which needs workspace intelligence; files given with --file are read
directly. Intelligence costs credits, so it is only turned on with --enable-intelligence.

Exit codes: 0 answered; 1 the assistant asked a clarifying question (printed) or could not
answer; 2 usage error (bad path); 3 authentication or plan problem; 4 intelligence is off or
nothing in scope is indexed yet (see --wait-indexed).")]
pub struct AskArgs {
    /// The question
    #[arg(value_name = "QUESTION")]
    pub question: String,

    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// Ground the answer in this remote folder (repeatable)
    #[arg(long, value_name = "REMOTE_DIR")]
    pub folder: Vec<String>,

    /// Attach this remote file (repeatable)
    #[arg(long, value_name = "REMOTE_PATH")]
    pub file: Vec<String>,

    /// Wait until the referenced files are indexed before asking
    #[arg(long)]
    pub wait_indexed: bool,

    /// Turn on workspace intelligence first (costs credits; files already there get indexed)
    #[arg(long)]
    pub enable_intelligence: bool,

    /// Give up waiting for the answer after this many seconds
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio doctor                      # credential, workspace, limits, then every upload call
  fastio doctor --read-only          # no writes at all
  fastio doctor --all --json         # also URL import and AI questions; NDJSON on stdout

The write checks run in a scratch folder `fastio-doctor-XXXXXXXX` at the workspace root,
removed at the end (also after Ctrl-C or SIGTERM). Each check prints pass/FAIL/skip, its time
and a detail; where the server's answer had another shape than the canonical one, the field
and the value seen are listed under it (never a secret).

Exit codes: 0 every check passed (skipped ones aside); 1 a check failed (named in the table);
2 usage error; 130 interrupted.")]
pub struct DoctorArgs {
    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// Skip every check that writes (no scratch folder)
    #[arg(long)]
    pub read_only: bool,

    /// Also check URL import and AI questions (the AI check may cost credits)
    #[arg(long)]
    pub all: bool,

    /// The file URL the import check asks the server to fetch [default: a file served on
    /// loopback when the API is on loopback]
    #[arg(long, value_name = "URL")]
    pub import_url: Option<String>,

    /// Fail the upload checks when a session is not stored this long after its last chunk
    #[arg(long, default_value = "2m", value_parser = parse_duration, value_name = "DURATION")]
    pub assembly_timeout: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchPreset {
    /// 1,000 files of 4 KiB (request rate, batching)
    Small,
    /// 2 files of 64 MiB (bytes per second through chunked sessions)
    Large,
    /// 400 files of 16 KiB and 2 of 32 MiB
    Mixed,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio bench                                # preset `mixed`, --concurrency 1,2,4,8,16,32
  fastio bench --preset large -j 4,8,16 --json
  fastio --emulator bench --size 4KiB --files 2000
  fastio --bwlimit 10M bench --preset large -j 8")]
#[command(after_long_help = "Examples:
  fastio bench                                # preset `mixed`, --concurrency 1,2,4,8,16,32
  fastio bench --preset large -j 4,8,16 --json
  fastio --emulator bench --size 4KiB --files 2000
  fastio --bwlimit 10M bench --preset large -j 8

Each step uploads the same generated files (no local files are read) into its own folder under a
scratch folder `fastio-bench-XXXXXXXX` at the workspace root, through the same engine as
`fastio upload` (batches, chunked sessions, rate-limit handling, --bwlimit). It prints one row
per step: files/s, MB/s (10^6 bytes), requests sent, answers with HTTP 429, retries and wall
time; then the recommended --concurrency: the smallest within 5% of the fastest step in which
no file failed. Each step's folder is removed after the step and the scratch folder at the end
(to the trash), also after Ctrl-C or SIGTERM. With --json: one `bench_step` object per step and
a closing `bench_summary`.

Exit codes: 0 every step uploaded every file; 1 some files failed or the scratch folder could
not be removed; 2 usage error; 3 authentication problem; 4 server unreachable or workspace
missing; 130 interrupted.")]
pub struct BenchArgs {
    /// Workspace id or name [env: FASTIO_WORKSPACE]
    #[arg(short, long, value_name = "WORKSPACE")]
    pub workspace: Option<String>,

    /// A named set of files (ignored with --size or --files)
    #[arg(long, value_enum, default_value_t = BenchPreset::Mixed, value_name = "NAME")]
    pub preset: BenchPreset,

    /// Size of every file (e.g. 4KiB, 5MiB, 1GiB) [default with --files: 1MiB]
    #[arg(long, value_parser = crate::api::bwlimit::parse_bytes, value_name = "BYTES")]
    pub size: Option<u64>,

    /// Number of files per step [default with --size: 1]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub files: Option<u64>,

    /// The --concurrency values to try, in order (comma-separated) [default: 1,2,4,8,16,32]
    #[arg(short = 'j', long, value_delimiter = ',', value_name = "N,...", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Vec<u32>,

    /// Retries per request for 5xx, timeouts and connection errors
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub retries: u32,

    /// Fail a file whose upload session is not stored this long after its last chunk
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub assembly_timeout: std::time::Duration,
}

#[cfg(feature = "emulator")]
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio emulator --listen 127.0.0.1:0 > emu.env & sleep 1; . ./emu.env
  fastio emulator --rate-limit 50 --burst 10 --fail-rate 0.05 --seed 7
  fastio emulator --chunk-size 2MiB --max-chunks 8 --assembly-delay-ms 200
  fastio emulator --variant yes-no --variant response --variant exact-chunks
  fastio emulator --fault-route 'POST /upload/batch=403'
  fastio emulator --variant list")]
#[command(after_long_help = "Examples:
  fastio emulator --listen 127.0.0.1:0 > emu.env & sleep 1; . ./emu.env
  fastio emulator --rate-limit 50 --burst 10 --fail-rate 0.05 --seed 7
  fastio emulator --chunk-size 2MiB --max-chunks 8 --assembly-delay-ms 200
  fastio emulator --variant yes-no --variant response --variant exact-chunks
  fastio emulator --fault-route 'POST /upload/batch=403'
  fastio emulator --variant list

Variants switch on alternative server behaviours that the API documentation allows or that
servers were seen to show (`--variant list` prints each with what it changes); without any,
the emulator answers in the canonical shapes. --flip-envelopes, --legacy-rate-headers,
--datetime-expiry, --validation-400 and --omit-new-file-ids are the same as the variants of
those names.

Fault routes answer every request whose method and path match with the given status and an
error envelope (code 1654 for 5xx, 1680 for 403, 1609 for 404, else 1605; text \"injected
fault\"). The path is matched without /current and without a trailing slash; `*` stands for
one path segment, and a method of `*` matches any method, e.g.
`POST /workspace/*/storage/*/lock=500`.

OAuth: the consent page (/connect) asks for one of the emulator's API keys (form field
`api_key`) before it approves a login, so no other local process can get a token without the
key. --auto-approve approves every request as soon as the page is opened.")]
pub struct EmulatorArgs {
    /// Address to listen on (loopback unless another address is named explicitly; port 0 = any free port)
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: String,

    /// API key to accept (repeatable; one is generated when none is given)
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,

    /// Workspace to create (repeatable; the folder_name; default `default`)
    #[arg(long = "workspace", value_name = "NAME")]
    pub workspaces: Vec<String>,

    /// Where files and metadata are kept [default: the XDG data dir]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Largest chunk accepted, reported by /upload/limits/ (e.g. 100MB, 2MiB)
    #[arg(long, default_value = "100MB", value_name = "BYTES")]
    pub chunk_size: String,

    /// Most chunks per upload session
    #[arg(long, default_value_t = 550, value_name = "N")]
    pub max_chunks: u32,

    /// Largest file accepted (e.g. 40GB)
    #[arg(long, default_value = "40GB", value_name = "BYTES")]
    pub max_file_size: String,

    /// Most open upload sessions per user
    #[arg(long, default_value_t = 7500, value_name = "N")]
    pub max_sessions: u32,

    /// Time spent in each state between /complete/ and stored (assemble … storing)
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub assembly_delay_ms: u64,

    /// Fraction of completed chunked uploads that end in assembly_failed or store_failed
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_assembly_rate: f64,

    /// Leave new_file_id out of single-call answers and send node_id null in batch results
    /// (clients must poll the session or list the folder, as the service allows; = --variant
    /// omit-new-file-ids)
    #[arg(long)]
    pub omit_new_file_ids: bool,

    /// Requests per second allowed per token (0 = unlimited)
    #[arg(long, default_value_t = 0.0, value_name = "N")]
    pub rate_limit: f64,

    /// Burst size of the rate limiter [default: the rate, at least 1]
    #[arg(long, value_name = "B")]
    pub burst: Option<u32>,

    /// Seed for the injected faults (--fail-rate, --reset-rate, --fail-assembly-rate)
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Added latency per request
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,

    /// Fraction of requests answered with a random 502/503/504
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_rate: f64,

    /// Fraction of requests whose connection is dropped mid-request
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub reset_rate: f64,

    /// Throttle reading request bodies per connection (e.g. 50MB = 50 MB/s)
    #[arg(long, value_name = "BYTES_PER_SEC")]
    pub bandwidth_per_conn: Option<String>,

    /// Lifetime of OAuth access tokens
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub token_ttl: u64,

    /// Turn workspace intelligence (AI indexing) on for the created workspaces
    #[arg(long)]
    pub intelligence: bool,

    /// Delay before an AI answer is complete
    #[arg(long, default_value_t = 200, value_name = "MS")]
    pub answer_delay_ms: u64,

    /// Let URL imports fetch private and loopback addresses (for tests)
    #[arg(long)]
    pub allow_private_urls: bool,

    /// Emit the alternative envelope shapes (flat where nested is canonical and vice versa;
    /// = --variant flip-envelopes)
    #[arg(long)]
    pub flip_envelopes: bool,

    /// Send the legacy X-Rate-Limit-* header names (= --variant legacy-rate-headers)
    #[arg(long)]
    pub legacy_rate_headers: bool,

    /// Send the rate-limit expiry as a UTC datetime instead of epoch seconds (= --variant
    /// datetime-expiry)
    #[arg(long)]
    pub datetime_expiry: bool,

    /// Answer validation errors with HTTP 400 instead of 406 (= --variant validation-400)
    #[arg(long)]
    pub validation_400: bool,

    /// Switch on an alternative server behaviour (repeatable); `list` prints them all
    #[arg(long = "variant", value_name = "NAME", value_parser = crate::emulator::Variant::value_parser())]
    pub variants: Vec<String>,

    /// Answer METHOD /path (`*` = one segment) with STATUS and an error envelope (repeatable)
    #[arg(
        long = "fault-route",
        value_name = "'METHOD /PATH=STATUS'",
        value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<crate::emulator::FaultRoute>())
    )]
    pub fault_routes: Vec<crate::emulator::FaultRoute>,

    /// Approve OAuth consent requests without asking for the emulator's API key
    #[arg(long)]
    pub auto_approve: bool,

    /// Log every request (method, path, status, time) to stderr
    #[arg(long)]
    pub log_requests: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio completions bash > ~/.local/share/bash-completion/completions/fastio
  fastio completions zsh > \"${fpath[1]}/_fastio\"
  fastio completions fish > ~/.config/fish/completions/fastio.fish")]
pub struct CompletionsArgs {
    /// Shell to generate for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: GenerateWhat,
}

#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// Write completion scripts for every supported shell into DIR
    Completions { dir: PathBuf },
    /// Write man pages (fastio.1 and one per subcommand) into DIR
    Man { dir: PathBuf },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes_parse_with_decimal_and_binary_units() {
        assert_eq!(parse_byte_size("100MB").unwrap(), 100_000_000);
        assert_eq!(parse_byte_size("2MiB").unwrap(), 2 * 1024 * 1024);
        assert_eq!(parse_byte_size("40GB").unwrap(), 40_000_000_000);
        assert_eq!(parse_byte_size("1048576").unwrap(), 1_048_576);
        assert_eq!(parse_byte_size("1.5k").unwrap(), 1500);
        assert!(parse_byte_size("12 parsecs").is_err());
        assert!(parse_byte_size("MB").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
