//! The `fastio` binary: parse, start the logs, run, report a fatal error (one line on stderr;
//! with `--json` also an `error` event on stdout), pick the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match fastio::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // A usage error under --json is an event too (help and --version are not errors).
            if err.use_stderr() && json_in_args() {
                let text = err.render().to_string();
                let first = text.lines().next().unwrap_or("usage error");
                let message = first.strip_prefix("error: ").unwrap_or(first);
                fastio::output::json_line(fastio::output::error_json(
                    message,
                    err.exit_code() as u8,
                ));
            }
            err.exit()
        }
    };
    let json = cli.global.json;
    // One line; with -v the HTTP library's chain of causes too.
    let verbose = cli.global.verbose > 0;
    let log = fastio::settings::Settings::log_config(&cli.global);
    if let Err(err) = fastio::logging::init(&log) {
        let status = fastio::exit::ExitStatus::Usage;
        fastio::output::fatal(json, &err.to_string(), status.code());
        return status.into();
    }
    let status = match fastio::commands::run(cli) {
        Ok(status) => status,
        Err(err) => {
            let status = fastio::exit::exit_status(&err);
            fastio::output::fatal(
                json,
                &fastio::exit::render_error_with(&err, verbose),
                status.code(),
            );
            status
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

/// `--json` among the arguments (before a `--`), for an error clap met before it could say.
fn json_in_args() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}
