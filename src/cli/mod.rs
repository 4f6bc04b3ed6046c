//! The command line: every flag, subcommand and help text lives here, and nowhere else.
//!
//! This module holds the top level ([`Cli`], [`Command`], [`GlobalArgs`]) and what several
//! subcommands share (value parsers, enums, help fragments); each subcommand family's `*Args` are
//! in a file of their own, re-exported here, so `crate::cli::UploadArgs` is the path to use.
//!
//! This is the single source for `--help`, the shell completions under `completions/`
//! ([`completions`]) and the man pages under `man/` ([`man`]), both generated from
//! [`Cli::command`] and checked (or rewritten, with `FASTIO_BLESS=1`) by
//! `cargo test --test it generated::`. Nothing below `commands/` reads these structs: each
//! command turns its args into a plain options struct.

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
         is such an item, even alone; also: the same upload is already running, or\n       \
         stdout could not be written (a full disk; a closed pipe is no error)\n  \
         2    usage error (bad flag, bad remote path, glob or URL)\n  \
         3    authentication or permission problem (a credential with a control character too)\n  \
         4    nothing could be done: the server is unreachable, stalls, redirects, answers\n       \
         what is not the API or 5xx after the retries; or the workspace is missing\n  \
         130  interrupted (Ctrl-C); 143 on SIGTERM, 129 on SIGHUP"
    };
}

mod ask;
mod auth;
mod bench;
pub mod completions;
mod doctor;
#[cfg(feature = "emulator")]
mod emulator;
mod env_value;
mod import_url;
mod lock;
mod ls;
pub mod man;
mod upload;
mod verify;

pub use ask::AskArgs;
pub use auth::{LoginArgs, LogoutArgs, WhoamiArgs};
pub use bench::{BenchArgs, BenchPreset};
pub use completions::CompletionsArgs;
pub use doctor::DoctorArgs;
#[cfg(feature = "emulator")]
pub use emulator::EmulatorArgs;
pub use env_value::{FlagValue, FlagValueParser, ShareArg, WorkspaceArg};
pub use import_url::ImportUrlArgs;
pub use lock::{LockAction, LockArgs};
pub use ls::LsArgs;
pub use upload::{IfChanged, UploadArgs};
pub use verify::VerifyArgs;

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
    /// API base URL [default: https://api.fast.io/current]
    #[arg(
        long,
        global = true,
        env = "FASTIO_API_BASE",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub api_base: Option<FlagValue>,

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

    /// More detail on stderr: -v each file, -vv each HTTP request, -vvv everything (RUST_LOG
    /// selects its own)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Append a log to FILE: each HTTP request and each file's outcome (the -vv level, or more
    /// with -vvv or RUST_LOG), whatever stderr shows
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<std::path::PathBuf>,

    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Abandon a request that makes no progress for this long (connecting, sending, waiting
    /// for or reading the answer) and retry it (e.g. 60s, 2m; 1s to 24h, there is no "off";
    /// waiting for a rate limit or --bwlimit is not "no progress")
    #[arg(
        long,
        global = true,
        env = "FASTIO_STALL_TIMEOUT",
        default_value = "60s",
        value_parser = parse_stall_timeout,
        value_name = "DURATION"
    )]
    pub stall_timeout: std::time::Duration,

    /// The longest wait a server can impose with Retry-After or a rate-limit expiry (on a 429
    /// or 503): a longer one is cut to this, then the request is tried again; asked a second
    /// time, the request fails (1s to 24h)
    #[arg(
        long,
        global = true,
        env = "FASTIO_MAX_WAIT",
        default_value = "5m",
        value_parser = parse_max_wait,
        value_name = "DURATION"
    )]
    pub max_wait: std::time::Duration,

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
    crate::api::bwlimit::parse_bytes(s)
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
        return std::time::Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("`{s}` is not a duration (a number of seconds, 0 or more)"));
    }
    humantime::parse_duration(s).map_err(|e| format!("`{s}` is not a duration ({e})"))
}

/// `--max-wait`: 1s to 24h.
pub fn parse_max_wait(s: &str) -> Result<std::time::Duration, String> {
    duration_between(s, (SECOND, "1s"), (DAY, "24h"))
}

/// `--stall-timeout`: 1s to 24h (0 would give up on every request at once; there is no "off").
pub fn parse_stall_timeout(s: &str) -> Result<std::time::Duration, String> {
    duration_between(s, (SECOND, "1s"), (DAY, "24h"))
}

/// `--assembly-timeout`: 1s to 7 days.
pub fn parse_assembly_timeout(s: &str) -> Result<std::time::Duration, String> {
    duration_between(s, (SECOND, "1s"), (7 * DAY, "7d"))
}

const SECOND: std::time::Duration = std::time::Duration::from_secs(1);
const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A duration ([`parse_duration`]) from `min` to `max` (both inclusive, with how to say them).
pub fn duration_between(
    s: &str,
    (min, min_text): (std::time::Duration, &str),
    (max, max_text): (std::time::Duration, &str),
) -> Result<std::time::Duration, String> {
    let d = parse_duration(s)?;
    if d < min || d > max {
        return Err(format!(
            "`{}` is out of range: give {min_text} to {max_text}",
            s.trim()
        ));
    }
    Ok(d)
}

/// The most retries a request may be given (`--retries`).
pub const MAX_RETRIES: u32 = 100;

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
    /// List remote folders (and the workspaces you can use)
    Ls(LsArgs),
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
}

impl Command {
    /// Takes a subcommand's `--workspace` out of its args when clap filled it in from
    /// FASTIO_WORKSPACE, so that the args hold only a workspace typed on the command line.
    ///
    /// FASTIO_WORKSPACE is a default, like the profile's workspace ([`crate::settings`] puts the
    /// two in order), and other defaults come before both: the in-process emulator's workspace
    /// under `--emulator`, and the receipt's workspace in `verify --receipt`.
    pub fn take_env_workspace(&mut self) -> Option<FlagValue> {
        let workspace = match self {
            Command::Upload(a) => &mut a.workspace.value,
            Command::Verify(a) => &mut a.workspace,
            Command::Ls(a) => &mut a.workspace.value,
            Command::ImportUrl(a) => &mut a.workspace.value,
            Command::Lock(a) => &mut a.workspace,
            Command::Ask(a) => &mut a.workspace.value,
            Command::Doctor(a) => &mut a.workspace.value,
            Command::Bench(a) => &mut a.workspace.value,
            Command::Login(_)
            | Command::Logout(_)
            | Command::Whoami(_)
            | Command::Completions(_) => return None,
            #[cfg(feature = "emulator")]
            Command::Emulator(_) => return None,
        };
        workspace.take_if(|w| w.from_env)
    }
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
        // The one parser of sizes and rates: any case.
        assert_eq!(parse_byte_size("8kib").unwrap(), 8192);
        assert_eq!(parse_byte_size("10mb").unwrap(), 10_000_000);
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The command line with FASTIO_API_BASE and every FASTIO_WORKSPACE replaced by PATH, a
    /// variable that is set (and not blank) in any test run, so no test has to set one.
    fn parse_with_path_as_env(argv: &[&str]) -> Cli {
        use clap::FromArgMatches as _;
        let path_env = |a: clap::Arg| a.env("PATH");
        let mut cmd = Cli::command().mut_arg("api_base", path_env);
        for sub in [
            "upload",
            "verify",
            "import-url",
            "lock",
            "ask",
            "doctor",
            "bench",
        ] {
            cmd = cmd.mut_subcommand(sub, |s| s.mut_arg("workspace", path_env));
        }
        let matches = cmd.try_get_matches_from(argv).unwrap();
        Cli::from_arg_matches(&matches).unwrap()
    }

    #[test]
    fn values_from_the_environment_are_marked_and_the_command_line_beats_them() {
        let mut cli = parse_with_path_as_env(&["fastio", "upload", "f"]);
        let api_base = cli.global.api_base.clone().unwrap();
        assert!(api_base.from_env && api_base.given().is_some_and(|t| !t.is_empty()));
        let Command::Upload(args) = &cli.command else {
            panic!()
        };
        assert!(args.workspace.value.as_ref().unwrap().from_env);
        // The environment's workspace leaves the args (it is a default, not a flag).
        assert!(cli.command.take_env_workspace().unwrap().from_env);
        let Command::Upload(args) = &cli.command else {
            panic!()
        };
        assert_eq!(args.workspace.value, None);

        let flag = |text: &str| {
            Some(FlagValue {
                text: text.into(),
                from_env: false,
            })
        };
        let mut cli = parse_with_path_as_env(&[
            "fastio",
            "--api-base",
            "http://flag/current",
            "upload",
            "-w",
            "ws",
            "f",
        ]);
        assert_eq!(cli.global.api_base, flag("http://flag/current"));
        assert_eq!(cli.command.take_env_workspace(), None);
        let Command::Upload(args) = &cli.command else {
            panic!()
        };
        assert_eq!(args.workspace.value, flag("ws"));
        assert_eq!(args.workspace.as_deref(), Some("ws"));

        // `lock --workspace` is global to its actions: typed before or after the action, it
        // beats the environment; not typed, the environment's is taken out.
        for argv in [
            &["fastio", "lock", "-w", "ws", "status", "t"][..],
            &["fastio", "lock", "status", "t", "--workspace", "ws"][..],
            &[
                "fastio",
                "--api-base",
                "http://flag/current",
                "lock",
                "status",
                "t",
                "-w",
                "ws",
            ][..],
        ] {
            let mut cli = parse_with_path_as_env(argv);
            assert_eq!(cli.command.take_env_workspace(), None, "{argv:?}");
            let Command::Lock(args) = &cli.command else {
                panic!()
            };
            assert_eq!(args.workspace, flag("ws"), "{argv:?}");
        }
        let mut cli = parse_with_path_as_env(&["fastio", "lock", "status", "t"]);
        assert!(cli.command.take_env_workspace().unwrap().from_env);
        let Command::Lock(args) = &cli.command else {
            panic!()
        };
        assert_eq!(args.workspace, None);
    }
}
