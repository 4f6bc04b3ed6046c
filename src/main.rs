//! The `fastio` binary: parse, run, print a fatal error on one line, pick the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fastio::cli::Cli::parse();
    let verbose = cli.global.verbose > 0;
    match fastio::commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            // One line; with -v the HTTP library's chain of causes too.
            let line = fastio::exit::render_error_with(&err, verbose);
            // A name in the message reaches the terminal as text, never as control codes.
            eprintln!("fastio: {}", fastio::output::escape_control(&line));
            fastio::exit::exit_status(&err).into()
        }
    }
}
