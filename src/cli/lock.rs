//! `fastio lock` and its actions.

use clap::{Args, Subcommand};

use super::FlagValue;

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

    /// Workspace id or name
    #[arg(
        short,
        long,
        global = true,
        env = "FASTIO_WORKSPACE",
        hide_env_values = true,
        value_name = "WORKSPACE"
    )]
    pub workspace: Option<FlagValue>,
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
        /// If another client holds the lock, keep trying for up to this many seconds (0 to
        /// 86400; 0: try once)
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=86_400))]
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
        /// If another client holds the lock, keep trying for up to this many seconds (0 to
        /// 86400; 0: try once)
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=86_400))]
        wait: Option<u64>,
        /// The command to run, after `--`
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
}
