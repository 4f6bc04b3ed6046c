//! `fastio ls`.

use clap::Args;

use super::WorkspaceArg;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio ls --workspaces                 # the workspaces you can use: id and name
  fastio ls backup/photos -l             # one folder: size, modified, hash
  fastio ls backup -R --json             # the whole tree below, as NDJSON")]
#[command(after_long_help = "Examples:
  fastio ls --workspaces                 # the workspaces you can use: id and name
  fastio ls backup/photos -l             # one folder: size, modified, hash
  fastio ls backup -R --json             # the whole tree below, as NDJSON

One line per entry on stdout (folders end in `/`), printed page by page as the server sends
them, so a folder of any size is listed completely with bounded memory; a count on stderr.
With --json: NDJSON objects of type `entry` (`path`, `name`, `kind`, `id`, `size`, `modified`,
`hash`, `hash_algo`) or `workspace` (`id`, `name`, `folder_name`), then one `ls_summary`.

Exit codes: 0 listed; 1 REMOTE_PATH does not exist; 2 usage error; 3 authentication problem;
4 server unreachable or workspace missing.")]
pub struct LsArgs {
    /// Remote folder (or file) path under the workspace root; the root when left out
    #[arg(
        value_name = "REMOTE_PATH",
        default_value = "",
        hide_default_value = true
    )]
    pub path: String,

    #[command(flatten)]
    pub workspace: WorkspaceArg,

    /// List the folders below too, recursively
    #[arg(short = 'R', long)]
    pub recursive: bool,

    /// Long listing: size, last modification and content hash
    #[arg(short = 'l', long)]
    pub long: bool,

    /// List the workspaces this credential can use (id and name) instead of files
    #[arg(long, conflicts_with_all = ["path", "recursive", "long"])]
    pub workspaces: bool,
}
