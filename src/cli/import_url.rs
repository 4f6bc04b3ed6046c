//! `fastio import-url`.

use std::path::PathBuf;

use clap::Args;

use super::WorkspaceArg;

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

    /// File name for the imported file (only with a single URL)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Read URLs from FILE, one per line (`-` for stdin; `#` starts a comment)
    #[arg(long, value_name = "FILE")]
    pub urls_from: Option<PathBuf>,

    /// Import jobs submitted or polled at once (1 to 64)
    #[arg(short = 'j', long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,

    /// Report once submitted, without waiting for the imports to finish
    #[arg(long)]
    pub no_wait: bool,

    /// Give up waiting for one import after this many seconds (1 to 86400)
    #[arg(long, default_value_t = 600, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
}
