//! The `fastio` binary: parse, run, print a fatal error on one line, pick the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fastio::cli::Cli::parse();
    match fastio::commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("fastio: {}", fastio::exit::render_error(&err));
            fastio::exit::exit_status(&err).into()
        }
    }
}
