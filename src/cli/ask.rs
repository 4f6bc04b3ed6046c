//! `fastio ask`.

use clap::Args;

use super::WorkspaceArg;

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

    #[command(flatten)]
    pub workspace: WorkspaceArg,

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

    /// Give up waiting for the answer after this many seconds (1 to 86400)
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
}
