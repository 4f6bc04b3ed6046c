//! Diagnostic logs through `tracing`: what `-v`, `-vv`, `-vvv`, `RUST_LOG` and `--log-file`
//! show, beside the human output of [`crate::output`].
//!
//! | asked | on stderr | in `--log-file` |
//! |---|---|---|
//! | nothing, `-q` | nothing | the `-vv` level |
//! | `-v` | (the per-file lines come from the output reporter) | the `-vv` level |
//! | `-vv` | one line per HTTP request | the same |
//! | `-vvv` | everything, the libraries' too (connections, TLS, HTTP/2) | the same |
//! | `RUST_LOG=…` | what it selects (its syntax: `fastio=debug,hyper=trace`) | the same |
//!
//! Targets: `fastio::http` (debug): one line per request with `method`, `route` (the API path,
//! never its query), `status` (or `error`, or `cancelled` for a request abandoned as stalled or
//! interrupted), `ms` and `retry` (the attempt of the same call: 0 for the first); and
//! `fastio::run` (info, warn, error): what happened to each file of an upload, retries,
//! throttling, and the fatal error that ended a run, written to the log file only (the terminal
//! gets those lines from the output reporter). No line carries a header,
//! a body, a query or a credential.
//!
//! This module imports nothing from the rest of the crate: the API client and the upload engine
//! call into it ([`request`], [`attempt`]), and it must not call back.

use std::fmt::Display;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Target of the per-request lines.
pub const HTTP: &str = "fastio::http";
/// Target of what happened in the run: each file's outcome, a fatal error (log file only: the
/// terminal has them from the output reporter).
pub const RUN: &str = "fastio::run";

/// What the command line and the environment ask of the logs.
#[derive(Debug, Clone, Default)]
pub struct LogConfig {
    /// `-v` count.
    pub verbose: u8,
    /// `RUST_LOG`, when set and not blank: replaces the level chosen by `-v`.
    pub rust_log: Option<String>,
    /// `--log-file PATH`: appended to, at the `-vv` level at least.
    pub file: Option<PathBuf>,
}

impl LogConfig {
    /// Whether anything is logged on stderr (the progress bars stand aside then).
    pub fn logs_on_stderr(&self) -> bool {
        self.verbose >= 2 || self.rust_log.is_some()
    }

    /// The filter of the stderr lines.
    fn stderr_filter(&self) -> String {
        if let Some(asked) = &self.rust_log {
            return asked.clone();
        }
        match self.verbose {
            0 => "off".into(),
            1 => format!("fastio=info,{RUN}=off"),
            2 => format!("fastio=debug,{RUN}=off"),
            _ => format!("trace,{RUN}=off"),
        }
    }

    /// The filter of the log file: the `-vv` level, or what was asked when that is more.
    fn file_filter(&self) -> String {
        match (&self.rust_log, self.verbose) {
            (_, 3..) => "trace".into(),
            (Some(asked), _) => asked.clone(),
            (None, _) => "fastio=debug".into(),
        }
    }
}

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot open the log file `{}`: {source}", .path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("RUST_LOG `{value}` is not a filter: {detail}")]
    Filter { value: String, detail: String },
}

fn filter(directives: &str) -> Result<EnvFilter, LogError> {
    EnvFilter::builder()
        .parse(directives)
        .map_err(|e| LogError::Filter {
            value: directives.to_string(),
            detail: e.to_string(),
        })
}

fn open_log_file(path: &Path) -> Result<std::fs::File, LogError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| LogError::File {
            path: path.to_path_buf(),
            source,
        })
}

/// Install the process's subscriber: stderr lines as `config` asks (none by default), and the
/// log file when there is one. Libraries that log through `log` are included. Call once, first.
pub fn init(config: &LogConfig) -> Result<(), LogError> {
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .with_filter(filter(&config.stderr_filter())?);
    let file = match &config.file {
        Some(path) => Some(
            tracing_subscriber::fmt::layer()
                .with_writer(Mutex::new(open_log_file(path)?))
                .with_ansi(false)
                .with_filter(filter(&config.file_filter())?),
        ),
        None => None,
    };
    // A second call (tests calling in-process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    Ok(())
}

tokio::task_local! {
    /// The attempt of the call whose requests are being sent (0: the first).
    static ATTEMPT: u32;
}

/// Run `fut` as attempt `n` of a call (0 for the first, 1 for the first retry): the request
/// lines it logs say so.
pub async fn attempt<F: Future>(n: u32, fut: F) -> F::Output {
    ATTEMPT.scope(n, fut).await
}

/// One request line when dropped: its outcome, or `cancelled` when it never got one (a stall,
/// an interrupt).
struct RequestLine<'a, M: Display> {
    method: &'a M,
    route: &'a str,
    started: Instant,
    retry: u32,
    outcome: Option<Result<u16, String>>,
}

impl<M: Display> Drop for RequestLine<'_, M> {
    fn drop(&mut self) {
        let ms = self.started.elapsed().as_millis() as u64;
        let (method, route, retry) = (self.method, self.route, self.retry);
        match &self.outcome {
            Some(Ok(status)) => {
                tracing::debug!(target: HTTP, %method, %route, status, ms, retry, "request")
            }
            Some(Err(error)) => {
                tracing::debug!(target: HTTP, %method, %route, status = "error", %error, ms, retry, "request")
            }
            None => {
                tracing::debug!(target: HTTP, %method, %route, status = "cancelled", ms, retry, "request")
            }
        }
    }
}

/// Await `send` (one HTTP exchange, up to the answer's headers) and log its line on the
/// `fastio::http` target. `route` is the API path; anything after a `?` is left out.
pub async fn request<M, F>(
    method: &M,
    route: &str,
    send: F,
) -> Result<reqwest::Response, reqwest::Error>
where
    M: Display,
    F: Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    if !tracing::enabled!(target: HTTP, tracing::Level::DEBUG) {
        return send.await;
    }
    let mut line = RequestLine {
        method,
        route: route.split('?').next().unwrap_or(route),
        started: Instant::now(),
        retry: ATTEMPT.try_with(|n| *n).unwrap_or(0),
        outcome: None,
    };
    let result = send.await;
    line.outcome = Some(match &result {
        Ok(resp) => Ok(resp.status().as_u16()),
        Err(e) => Err(transport_error(e)),
    });
    result
}

/// A transport failure without the URL reqwest puts in its own message (a query could carry
/// something private): its kind and the lower layers' causes.
fn transport_error(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connect"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_body() {
        "body"
    } else if e.is_request() {
        "request"
    } else {
        "transport"
    };
    let mut text = kind.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_table() {
        let c = |verbose, rust_log: Option<&str>| LogConfig {
            verbose,
            rust_log: rust_log.map(str::to_string),
            file: None,
        };
        assert_eq!(c(0, None).stderr_filter(), "off");
        assert_eq!(c(0, None).file_filter(), "fastio=debug");
        assert!(c(2, None).stderr_filter().starts_with("fastio=debug"));
        assert!(c(3, None).stderr_filter().starts_with("trace"));
        assert_eq!(c(3, None).file_filter(), "trace");
        assert_eq!(c(0, Some("h2=trace")).stderr_filter(), "h2=trace");
        assert_eq!(c(1, Some("h2=trace")).file_filter(), "h2=trace");
        assert!(!c(1, None).logs_on_stderr());
        assert!(c(2, None).logs_on_stderr() && c(0, Some("x")).logs_on_stderr());
        for v in 0..4 {
            filter(&c(v, None).stderr_filter()).unwrap();
            filter(&c(v, None).file_filter()).unwrap();
        }
        assert!(filter("fastio=loud").is_err());
    }
}
