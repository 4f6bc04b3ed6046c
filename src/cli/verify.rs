//! `fastio verify`.

use std::path::PathBuf;

use clap::Args;

use super::{CiMode, FlagValue};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio verify --receipt receipt.jsonl
  fastio verify ./photos --to backup             # like `rclone check`
  fastio verify ./photos --to backup --extra --json")]
#[command(after_long_help = "Examples:
  fastio verify --receipt receipt.jsonl
  fastio verify ./photos --to backup             # like `rclone check`
  fastio verify ./photos --to backup --extra --json

With --receipt, every file the receipt records is looked up by node id (25 per request), in the
workspace its line names (or --workspace), and must exist, not be in the trash, and have the
recorded size and SHA-256. A receipt whose run did not finish (no summary line) or that
records no files proves nothing: it is refused (exit 1) unless --partial. Where the server
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
could not be verified (each one named), or the receipt is incomplete; 2 usage error (bad
receipt); 3 authentication
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

    /// Accept a receipt whose run did not finish (no summary line) or that records no files,
    /// and check what it records
    #[arg(long, requires = "receipt")]
    pub partial: bool,

    /// Remote folder the PATHs were uploaded to (as `upload --to`)
    #[arg(
        long,
        value_name = "REMOTE_DIR",
        default_value = "",
        hide_default_value = true,
        conflicts_with = "receipt"
    )]
    pub to: String,

    /// Workspace id or name (with --receipt: each line's own, unless given here)
    #[arg(
        short,
        long,
        env = "FASTIO_WORKSPACE",
        hide_env_values = true,
        value_name = "WORKSPACE"
    )]
    pub workspace: Option<FlagValue>,

    #[command(flatten)]
    pub share: super::ShareArg,

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
