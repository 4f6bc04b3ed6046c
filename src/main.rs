//! The `fastio` binary: parse, run, print a fatal error on one line, pick the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fastio::cli::Cli::parse();
    let status = match fastio::commands::run(cli) {
        Ok(status) => status,
        Err(err) => {
            let line = fastio::exit::render_error(&err);
            // A name in the message reaches the terminal as text, never as control codes.
            eprintln!("fastio: {}", fastio::output::escape_control(&line));
            fastio::exit::exit_status(&err)
        }
    };
    // What could not be written to stdout was lost: never a silent success (a closed pipe is
    // not a failure).
    match fastio::output::stdout::finish() {
        Some(why) => {
            eprintln!("fastio: {why}");
            fastio::exit::output_lost(status).into()
        }
        None => status.into(),
    }
}
