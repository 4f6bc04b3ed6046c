//! `fastio completions SHELL` and the hidden `fastio generate completions|man DIR`.
//!
//! Both derive from the one clap definition in `cli.rs`; the committed files under
//! `completions/` and `man/` are checked against it by `tests/generated.rs`.

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs, GenerateArgs, GenerateWhat};
use crate::exit::ExitStatus;

const BIN: &str = "fastio";

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut cmd = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut cmd,
        BIN,
        &mut crate::output::stdout::Stdout,
    );
    Ok(ExitStatus::Success)
}

pub fn generate(args: &GenerateArgs) -> anyhow::Result<ExitStatus> {
    match &args.what {
        GenerateWhat::Completions { dir } => write_completions(dir)?,
        GenerateWhat::Man { dir } => write_man_pages(dir)?,
    }
    Ok(ExitStatus::Success)
}

/// Write `fastio.bash`, `_fastio` (zsh), `fastio.fish`, `_fastio.ps1` and `fastio.elv` into `dir`.
pub fn write_completions(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = Cli::command();
        clap_complete::generate_to(shell, &mut cmd, BIN, dir)
            .with_context(|| format!("writing {shell} completions into `{}`", dir.display()))?;
    }
    Ok(())
}

/// Write `fastio.1` and one page per visible subcommand (`fastio-upload.1`, ...) into `dir`.
pub fn write_man_pages(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    let cmd = Cli::command();
    write_page(dir, BIN, cmd.clone())?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{BIN}-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("{BIN} {}", sub.get_name()));
        write_page(dir, &name, sub)?;
    }
    Ok(())
}

fn write_page(dir: &Path, name: &str, cmd: clap::Command) -> anyhow::Result<()> {
    let path = dir.join(format!("{name}.1"));
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .date("2026-11-22")
        .render(&mut buf)
        .with_context(|| format!("rendering man page `{name}`"))?;
    std::fs::write(&path, buf).with_context(|| format!("writing `{}`", path.display()))
}
