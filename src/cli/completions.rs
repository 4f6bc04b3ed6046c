//! `fastio completions` and the maintainers' hidden `fastio generate`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
