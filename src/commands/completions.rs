//! `fastio completions SHELL`.
//!
//! The script derives from the one clap definition in `cli/`; the committed files under
//! `completions/` and `man/` are checked against it by `tests/it/generated.rs` (which also
//! rewrites them: `FASTIO_BLESS=1 cargo test --test it generated::`).

use crate::cli::CompletionsArgs;
use crate::exit::ExitStatus;

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    crate::cli::completions::script(args.shell, &mut crate::output::stdout::Stdout);
    Ok(ExitStatus::Success)
}
