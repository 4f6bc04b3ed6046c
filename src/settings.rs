//! Flags, environment and profile resolved once, here: the only place (besides the emulator's
//! own start-up) that reads the process environment. Everything below `commands/` takes what it
//! needs from [`Settings`] as plain values.
//!
//! Precedence, for each setting: flag > environment > the profile's config file > default.
//!
//! FASTIO_API_BASE and FASTIO_WORKSPACE are not read here: they are the `env =` of `--api-base`
//! and of each subcommand's `--workspace`, so clap reads them (and shows them in `--help`), and
//! the flag's [`FlagValue`] says whether it came from the variable. As for every variable, a
//! blank one counts as unset.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::cli::{FlagValue, GlobalArgs};

/// Everything the commands need from outside the command line's own arguments.
#[derive(Debug, Clone)]
pub struct Settings {
    /// API root, e.g. `https://api.fast.io/current` (`--api-base`, `FASTIO_API_BASE`, profile).
    pub api_base: String,
    /// Default workspace (id or name) when a command has no `--workspace`
    /// (`FASTIO_WORKSPACE`, profile).
    pub default_workspace: Option<String>,
    /// `FASTIO_TOKEN` (an access token), when set and not blank.
    pub env_token: Option<SecretString>,
    /// `FASTIO_API_KEY`, when set and not blank.
    pub env_api_key: Option<SecretString>,
    /// `FASTIO_SHARE_PASSWORD`: the password of the share `--share` names, when set and not
    /// blank.
    pub env_share_password: Option<SecretString>,
    /// `FASTIO_KEYRING`: `auto` (default), `secret-service` or `keyutils`.
    pub keyring: String,
    /// Where resume journals live: `$XDG_STATE_HOME/fastio/journal` or the platform's state dir.
    pub journal_dir: Option<PathBuf>,
    /// Where standard input is spooled when a server refuses stream uploads (`TMPDIR`, else the
    /// platform's temporary directory).
    pub temp_dir: PathBuf,
    /// This machine's name for lock `client_info` (`HOSTNAME`, else `/etc/hostname`).
    pub host_name: String,
    /// `FASTIO_LOCK_HEARTBEAT_MS`: heartbeat period override (tests notice lost locks fast).
    pub lock_heartbeat: Option<Duration>,
    /// `NO_COLOR` set and not empty.
    pub no_color: bool,
    /// `TERM=dumb`.
    pub term_dumb: bool,
    /// `GITHUB_ACTIONS=true`: running in GitHub Actions (annotations, step summary).
    pub github_actions: bool,
    /// `GITHUB_STEP_SUMMARY`: the file the job's markdown summary is appended to.
    pub github_step_summary: Option<PathBuf>,
    /// `FASTIO_TEST_DROP_WATCH_EVENTS=1`: `upload --watch` ignores file-system notifications
    /// (tests prove that the rescan finds what they would have said).
    pub test_drop_watch_events: bool,
    /// The job runners' shard variables, for `--shard auto`.
    pub runner: crate::transfer::shard::RunnerVars,
    /// `RUST_LOG`, when set and not blank: the log filter (see [`crate::logging`]).
    pub rust_log: Option<String>,
    /// `FASTIO_TEST_PANIC`: a test-only fault (see [`crate::transfer::fault`]).
    pub test_panic: Option<String>,
}

/// Settings of a profile's config file (no secrets there).
#[derive(Debug, Clone, Default)]
pub struct ProfileFile {
    pub api_base: Option<String>,
    pub workspace: Option<String>,
}

impl Settings {
    /// Resolve from the global flags, the FASTIO_WORKSPACE that clap put in the subcommand's
    /// `--workspace` ([`Command::take_env_workspace`](crate::cli::Command::take_env_workspace)),
    /// an environment lookup and the profile's file.
    pub fn resolve(
        global: &GlobalArgs,
        env_workspace: Option<&FlagValue>,
        env: impl Fn(&str) -> Option<String>,
        profile: ProfileFile,
    ) -> Settings {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        let secret = |name: &str| {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| SecretString::from(v.trim().to_string()))
        };
        let given = |v: Option<&FlagValue>| v.and_then(FlagValue::given).map(str::to_owned);
        let api_base = given(global.api_base.as_ref())
            .or(profile.api_base)
            .unwrap_or_else(|| crate::api::DEFAULT_API_BASE.to_string());
        let journal_dir = match var("XDG_STATE_HOME") {
            Some(x) => Some(PathBuf::from(x).join("fastio").join("journal")),
            None => directories::ProjectDirs::from("io", "Fast", "fastio").map(|d| {
                d.state_dir()
                    .unwrap_or_else(|| d.data_local_dir())
                    .join("journal")
            }),
        };
        let host_name = var("HOSTNAME")
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|s| s.trim().to_string())
            })
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "fastio".to_string());
        Settings {
            api_base,
            default_workspace: given(env_workspace).or(profile.workspace),
            env_token: secret("FASTIO_TOKEN"),
            env_api_key: secret("FASTIO_API_KEY"),
            env_share_password: secret("FASTIO_SHARE_PASSWORD"),
            keyring: var("FASTIO_KEYRING").unwrap_or_else(|| "auto".into()),
            journal_dir,
            temp_dir: var("TMPDIR").map_or_else(std::env::temp_dir, PathBuf::from),
            host_name,
            lock_heartbeat: var("FASTIO_LOCK_HEARTBEAT_MS")
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|ms| *ms > 0)
                .map(Duration::from_millis),
            no_color: var("NO_COLOR").is_some(),
            term_dumb: var("TERM").is_some_and(|t| t == "dumb"),
            github_actions: var("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
            github_step_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            test_drop_watch_events: var("FASTIO_TEST_DROP_WATCH_EVENTS").is_some_and(|v| v == "1"),
            runner: crate::transfer::shard::RunnerVars {
                fastio_shard: var("FASTIO_SHARD"),
                job_completion_index: var("JOB_COMPLETION_INDEX"),
                ci_node_index: var("CI_NODE_INDEX"),
                ci_node_total: var("CI_NODE_TOTAL"),
                circle_node_index: var("CIRCLE_NODE_INDEX"),
                circle_node_total: var("CIRCLE_NODE_TOTAL"),
                buildkite_parallel_job: var("BUILDKITE_PARALLEL_JOB"),
                buildkite_parallel_job_count: var("BUILDKITE_PARALLEL_JOB_COUNT"),
            },
            rust_log: var("RUST_LOG").filter(|v| !v.trim().is_empty()),
            test_panic: var("FASTIO_TEST_PANIC"),
        }
    }

    /// [`Settings::resolve`] from this process's environment.
    pub fn from_process(
        global: &GlobalArgs,
        env_workspace: Option<&FlagValue>,
        profile: ProfileFile,
    ) -> Settings {
        Settings::resolve(
            global,
            env_workspace,
            |name| std::env::var(name).ok(),
            profile,
        )
    }

    /// The logs' configuration from the global flags and `RUST_LOG` (read here, before anything
    /// else runs, so the whole run is logged).
    pub fn log_config(global: &GlobalArgs) -> crate::logging::LogConfig {
        crate::logging::LogConfig {
            verbose: global.verbose,
            rust_log: std::env::var("RUST_LOG")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            file: global.log_file.clone(),
        }
    }

    /// The `client_info` this client announces with its locks.
    pub fn client_info(&self) -> serde_json::Value {
        serde_json::json!({"device_name": self.host_name,
            "client_version": env!("CARGO_PKG_VERSION")})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["fastio"];
        argv.extend_from_slice(args);
        argv.push("whoami");
        crate::cli::Cli::parse_from(argv).global
    }

    /// A value as clap hands it over when it took it from the flag's environment variable.
    fn from_env(text: &str) -> FlagValue {
        FlagValue {
            text: text.into(),
            from_env: true,
        }
    }

    #[test]
    fn flags_beat_the_environment_which_beats_the_profile() {
        let env = |name: &str| match name {
            "FASTIO_API_KEY" => Some("  key  ".to_string()),
            "FASTIO_TOKEN" => Some(" ".to_string()),
            "XDG_STATE_HOME" => Some("/state".to_string()),
            "HOSTNAME" => Some("ci-7".to_string()),
            "NO_COLOR" => Some("1".to_string()),
            _ => None,
        };
        let profile = ProfileFile {
            api_base: Some("http://profile/current".into()),
            workspace: Some("from-profile".into()),
        };
        // A flag on the command line (clap only takes the variable when the flag is absent:
        // `cli::tests` checks that).
        let s = Settings::resolve(
            &global(&["--api-base", "http://flag/current"]),
            Some(&from_env("from-env")),
            env,
            profile.clone(),
        );
        assert_eq!(s.api_base, "http://flag/current");
        assert_eq!(s.default_workspace.as_deref(), Some("from-env"));
        use secrecy::ExposeSecret;
        assert_eq!(s.env_api_key.as_ref().unwrap().expose_secret(), "key");
        assert!(s.env_token.is_none(), "a blank value is unset");
        assert_eq!(s.journal_dir, Some(PathBuf::from("/state/fastio/journal")));
        assert_eq!(s.client_info()["device_name"], "ci-7");
        assert!(s.no_color && !s.term_dumb);
        assert_eq!(s.keyring, "auto");

        // The environment beats the profile.
        let mut g = global(&[]);
        g.api_base = Some(from_env("http://env/current"));
        let s = Settings::resolve(&g, Some(&from_env("from-env")), |_| None, profile.clone());
        assert_eq!(s.api_base, "http://env/current");
        assert_eq!(s.default_workspace.as_deref(), Some("from-env"));

        // A blank variable is unset: the profile's values.
        g.api_base = Some(from_env(""));
        let s = Settings::resolve(&g, Some(&from_env("")), |_| None, profile.clone());
        assert_eq!(s.api_base, "http://profile/current");
        assert_eq!(s.default_workspace.as_deref(), Some("from-profile"));

        let s = Settings::resolve(&global(&[]), None, |_| None, profile);
        assert_eq!(s.api_base, "http://profile/current");
        assert_eq!(s.default_workspace.as_deref(), Some("from-profile"));
        let s = Settings::resolve(&global(&[]), None, |_| None, ProfileFile::default());
        assert_eq!(s.api_base, crate::api::DEFAULT_API_BASE);
        assert_eq!(s.default_workspace, None);
    }
}
