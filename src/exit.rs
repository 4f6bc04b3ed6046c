//! Exit codes, documented in `--help` (see `cli.rs`) and the README, and the mapping from errors.

use std::process::ExitCode;

/// What the process reports to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything done, or nothing to do.
    Success,
    /// Some files or items failed; the others were done.
    PartialFailure,
    /// Bad flag, path, URL or other input.
    Usage,
    /// Authentication or permission problem.
    Auth,
    /// Nothing could be done: server unreachable, workspace missing.
    Unavailable,
    /// Interrupted by Ctrl-C (SIGINT): 130.
    Interrupted,
    /// Stopped by another signal (SIGTERM, SIGHUP): 128 + its number (143, 129).
    Signalled(u8),
    /// A child process's own status, passed through (`fastio lock run`).
    Code(u8),
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::PartialFailure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Auth => 3,
            ExitStatus::Unavailable => 4,
            ExitStatus::Interrupted => 130,
            ExitStatus::Signalled(signo) => 128u8.saturating_add(signo),
            ExitStatus::Code(code) => code,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// An error that carries the exit status it must produce. Wrap an error in it at the point
/// where its meaning for the user is known (a usage mistake, an auth failure, ...).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Fatal {
    pub status: ExitStatus,
    pub message: String,
}

impl Fatal {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        Fatal {
            status,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Fatal::new(ExitStatus::Usage, message)
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Fatal::new(ExitStatus::Auth, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Fatal::new(ExitStatus::Unavailable, message)
    }
}

/// The exit status for a fatal error: the first [`Fatal`] or typed error in the chain decides.
pub fn exit_status(err: &anyhow::Error) -> ExitStatus {
    for cause in err.chain() {
        if let Some(fatal) = cause.downcast_ref::<Fatal>() {
            return fatal.status;
        }
        if let Some(api) = cause.downcast_ref::<crate::api::ApiError>() {
            return api.exit_status();
        }
    }
    ExitStatus::PartialFailure
}

/// One line: the context chain joined with `: `. An API error already says its own causes
/// (the transport's, the credential's), so the chain stops there, and a cause whose text is
/// already in the line is not repeated.
pub fn render_error(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        if cause.downcast_ref::<crate::api::ApiError>().is_some() {
            break;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_in_the_chain_decides_the_status() {
        let err = anyhow::Error::new(Fatal::usage("bad path")).context("reading `x`");
        assert_eq!(exit_status(&err), ExitStatus::Usage);
        assert_eq!(render_error(&err), "reading `x`: bad path");
    }

    #[test]
    fn an_api_error_is_rendered_once_with_its_causes() {
        let inner = anyhow::anyhow!("token refused");
        let api = crate::api::ApiError::Credential {
            method: "GET".into(),
            path: "/x/".into(),
            source: inner,
        };
        let err = anyhow::Error::new(api).context("reading the limits");
        assert_eq!(
            render_error(&err),
            "reading the limits: GET /x/: token refused"
        );
    }

    #[test]
    fn codes_match_the_documented_table() {
        let table = [
            (ExitStatus::Success, 0),
            (ExitStatus::PartialFailure, 1),
            (ExitStatus::Usage, 2),
            (ExitStatus::Auth, 3),
            (ExitStatus::Unavailable, 4),
            (ExitStatus::Interrupted, 130),
            (ExitStatus::Signalled(15), 143),
            (ExitStatus::Signalled(1), 129),
        ];
        for (status, code) in table {
            assert_eq!(status.code(), code);
        }
    }
}
