//! `fastio completions`, and the completion scripts committed under `completions/`.
//!
//! The scripts come from [`Cli::command`](super::Cli): every subcommand of it is one a user may
//! type, so none is hidden (clap_complete would offer a hidden one all the same).

use std::path::Path;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

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

const BIN: &str = "fastio";

/// The shells of the committed scripts.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for `shell`.
pub fn script(shell: Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut Cli::command(), BIN, out);
}

/// Write `fastio.bash`, `_fastio` (zsh), `fastio.fish`, `_fastio.ps1` and `fastio.elv` into
/// `dir` (created if needed).
pub fn write_scripts(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for shell in SHELLS {
        clap_complete::generate_to(shell, &mut Cli::command(), BIN, dir)?;
    }
    Ok(())
}
