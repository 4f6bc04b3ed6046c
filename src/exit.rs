//! Exit codes, documented in `--help` (see `cli.rs`) and the README, and the mapping from errors.

use std::process::ExitCode;

use crate::api::ApiError;
use crate::api::error::WorkspaceError;
use crate::ask::AskError;
use crate::auth::AuthError;
use crate::bench::Report;
use crate::doctor::Report as DoctorReport;
use crate::imports::ImportSummary;
use crate::locks::destination::DestinationError;
use crate::locks::run::LockRunError;
use crate::locks::{AcquireError, TokenRefused};
use crate::transfer::job::LockLost;
use crate::transfer::{Fatality, Summary};

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

/// A usage mistake found at the command edge (a bad flag, path, URL or flag pair): exit 2.
/// Every other failure is a typed error of the layer that met it ([`ApiError`], [`AuthError`],
/// [`AskError`], ...), mapped to its code here.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        UsageError(message.into())
    }
}

/// The exit status for a fatal error: the first typed error in the chain decides; an error of
/// no known type → 1.
pub fn exit_status(err: &anyhow::Error) -> ExitStatus {
    for cause in err.chain() {
        if cause.is::<UsageError>() {
            return ExitStatus::Usage;
        }
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return api_status(api);
        }
        if let Some(run) = cause.downcast_ref::<crate::transfer::RunError>() {
            return match run {
                crate::transfer::RunError::BadInput(_) => ExitStatus::Usage,
                crate::transfer::RunError::AlreadyRunning(_) => ExitStatus::PartialFailure,
            };
        }
        if let Some(dest) = cause.downcast_ref::<DestinationError>() {
            return match dest {
                DestinationError::BadPath(_) => ExitStatus::Usage,
                DestinationError::Folder { source, .. } => api_status(source),
                DestinationError::Acquire(AcquireError::Locked { .. }) => {
                    ExitStatus::PartialFailure
                }
                DestinationError::Acquire(AcquireError::Api { source, .. }) => api_status(source),
            };
        }
        if cause.is::<TokenRefused>()
            || cause.is::<LockLost>()
            || cause.is::<crate::verify::receipt::Incomplete>()
        {
            return ExitStatus::PartialFailure;
        }
        if let Some(ask) = cause.downcast_ref::<AskError>() {
            return ask_status(ask);
        }
        if let Some(lock) = cause.downcast_ref::<LockRunError>() {
            return lock_run_status(lock);
        }
        if let Some(auth) = cause.downcast_ref::<AuthError>() {
            return match auth {
                AuthError::Refused(_) => ExitStatus::Auth,
                AuthError::Unreachable(_) => ExitStatus::Unavailable,
            };
        }
        if let Some(share) = cause.downcast_ref::<crate::api::profile::ShareError>() {
            return match share {
                crate::api::profile::ShareError::NotFound(_) => ExitStatus::Unavailable,
                crate::api::profile::ShareError::Password(_) => ExitStatus::Auth,
            };
        }
        if let Some(ws) = cause.downcast_ref::<WorkspaceError>() {
            return match ws {
                WorkspaceError::NotFound(_) => ExitStatus::Unavailable,
                _ => ExitStatus::Usage,
            };
        }
    }
    ExitStatus::PartialFailure
}

/// A finished `import-url` run: nothing failed → 0; a refused credential → 3; every URL
/// failed because the server could not be reached → 4; otherwise 1.
pub fn import_status(s: &ImportSummary) -> ExitStatus {
    match s {
        _ if s.failed == 0 => ExitStatus::Success,
        _ if s.refused > 0 => ExitStatus::Auth,
        _ if s.unreachable == s.total => ExitStatus::Unavailable,
        _ => ExitStatus::PartialFailure,
    }
}

/// A finished `bench`: interrupted → 130; a failed file, step or clean-up → 1; otherwise 0.
pub fn bench_status(r: &Report) -> ExitStatus {
    if r.interrupted {
        ExitStatus::Interrupted
    } else if r.failed() > 0 || r.error.is_some() || r.cleanup_error.is_some() {
        ExitStatus::PartialFailure
    } else {
        ExitStatus::Success
    }
}

/// A finished `doctor`: interrupted → 130; a failed check → 1; otherwise 0.
pub fn doctor_status(r: &DoctorReport) -> ExitStatus {
    if r.interrupted {
        ExitStatus::Interrupted
    } else if r.failed() > 0 {
        ExitStatus::PartialFailure
    } else {
        ExitStatus::Success
    }
}

/// A finished `verify`: everything matches → 0, anything differs → 1.
pub fn verify_status(t: &crate::verify::Tally) -> ExitStatus {
    match t.all_match() {
        true => ExitStatus::Success,
        false => ExitStatus::PartialFailure,
    }
}

/// An answered question: complete → 0; the assistant asks a clarifying question → 1.
pub fn answer_status(state: crate::api::chat::TurnState) -> ExitStatus {
    use crate::api::chat::TurnState;
    match state {
        TurnState::Complete => ExitStatus::Success,
        _ => ExitStatus::PartialFailure,
    }
}

/// `ask` refusals: a bad question → 2; no plan or credits for AI → 3; intelligence off or
/// nothing indexed (yet) → 4; no answer in time → 1.
pub fn ask_status(e: &AskError) -> ExitStatus {
    match e {
        AskError::EmptyQuestion | AskError::TooLong => ExitStatus::Usage,
        AskError::NoPlan(_) | AskError::NoCredits(_) => ExitStatus::Auth,
        AskError::IntelligenceOff(_)
        | AskError::NothingIndexed(_)
        | AskError::NotIndexedYet(_)
        | AskError::StillIndexing { .. } => ExitStatus::Unavailable,
        AskError::NoAnswerYet(_) | AskError::Failed { .. } => ExitStatus::PartialFailure,
    }
}

/// `lock run` (and `lock acquire`) failures: no COMMAND → 2; interrupted while waiting → 130;
/// held by another → 1; COMMAND not found → 127, not runnable → 126 (as shells do); the lock
/// lost while COMMAND ran → 1; an API failure → its own code.
pub fn lock_run_status(e: &LockRunError) -> ExitStatus {
    match e {
        LockRunError::NoCommand => ExitStatus::Usage,
        LockRunError::Interrupted => ExitStatus::Interrupted,
        LockRunError::Acquire(AcquireError::Locked { .. }) => ExitStatus::PartialFailure,
        LockRunError::Acquire(AcquireError::Api { source, .. }) => api_status(source),
        LockRunError::LockLost { .. } => ExitStatus::PartialFailure,
        LockRunError::Spawn { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            ExitStatus::Code(127)
        }
        LockRunError::Spawn { .. } => ExitStatus::Code(126),
    }
}

/// Standard output could not be written (a full disk): a success becomes 1, as coreutils do;
/// a failure keeps its own code.
pub fn output_lost(status: ExitStatus) -> ExitStatus {
    match status {
        ExitStatus::Success => ExitStatus::PartialFailure,
        other => other,
    }
}

/// SIGINT's number (the same on every Unix; Ctrl-C elsewhere).
const SIGINT: i32 = 2;

/// The documented exit code for a finished upload run: interrupted → 130 (SIGINT) or
/// 128 + the signal; every planned file uploaded or skipped → 0; failures with nothing uploaded because of a refused
/// credential → 3 or an unusable server → 4; otherwise 1.
pub fn summary_status(s: &Summary) -> ExitStatus {
    if s.interrupted {
        return match s.signal {
            Some(signo) if signo != SIGINT => ExitStatus::Signalled(signo as u8),
            _ => ExitStatus::Interrupted,
        };
    }
    if s.fatal == Some(Fatality::BadInput) {
        return ExitStatus::Usage;
    }
    // Every planned file accounted for: a file that got no outcome (a lost task) is never a
    // success.
    if s.failed == 0 && s.not_started == 0 {
        // `--delete` refused (`--max-delete`) or a deletion the server refused.
        if s.delete_refused.is_some() || s.delete_failed > 0 {
            return ExitStatus::PartialFailure;
        }
        return ExitStatus::Success;
    }
    match (s.uploaded, s.fatal) {
        (0, Some(Fatality::Auth)) => ExitStatus::Auth,
        (0, Some(Fatality::Unavailable)) => ExitStatus::Unavailable,
        _ => ExitStatus::PartialFailure,
    }
}

/// What an API failure means for the process: a refused credential or permission → 3; a
/// server that could not be used at all (no answer, a stall, a redirect, an answer that is
/// not the API's, a gateway error that outlasted the retries) → 4; anything else → 1.
pub fn api_status(e: &ApiError) -> ExitStatus {
    match e {
        _ if e.is_auth() => ExitStatus::Auth,
        _ if e.is_unreachable() => ExitStatus::Unavailable,
        ApiError::Decode { .. } => ExitStatus::Unavailable,
        _ if e.is_transient() => ExitStatus::Unavailable,
        _ => ExitStatus::PartialFailure,
    }
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

/// [`render_error`]; with `verbose` (`-v`), followed by the causes below the API error (the
/// HTTP library's chain: `client error (Connect): tcp connect error: …`).
pub fn render_error_with(err: &anyhow::Error, verbose: bool) -> String {
    let mut line = render_error(err);
    if verbose && let Some(api) = err.chain().find_map(|c| c.downcast_ref::<ApiError>()) {
        let chain = crate::api::error::cause_chain(api);
        if !chain.is_empty() {
            line.push_str(&format!(" [{chain}]"));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_error_in_the_chain_decides_the_status() {
        let err = anyhow::Error::new(UsageError::new("bad path")).context("reading `x`");
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
    fn run_summaries_follow_the_documented_table() {
        let s = |uploaded, failed, fatal, interrupted| Summary {
            uploaded,
            failed,
            fatal,
            interrupted,
            ..Default::default()
        };
        let status = summary_status;
        assert_eq!(status(&s(0, 0, None, false)), ExitStatus::Success);
        assert_eq!(status(&s(3, 1, None, false)), ExitStatus::PartialFailure);
        let left = Summary {
            not_started: 1,
            ..s(3, 0, None, false)
        };
        assert_eq!(status(&left), ExitStatus::PartialFailure);
        assert_eq!(output_lost(ExitStatus::Success), ExitStatus::PartialFailure);
        assert_eq!(
            output_lost(ExitStatus::Unavailable),
            ExitStatus::Unavailable
        );
        assert_eq!(
            status(&s(0, 2, Some(Fatality::Auth), false)),
            ExitStatus::Auth
        );
        assert_eq!(
            status(&s(1, 2, Some(Fatality::Auth), false)),
            ExitStatus::PartialFailure
        );
        assert_eq!(
            status(&s(0, 2, Some(Fatality::Unavailable), false)),
            ExitStatus::Unavailable
        );
        assert_eq!(status(&s(5, 0, None, true)), ExitStatus::Interrupted);
        let term = Summary {
            signal: Some(15),
            ..s(5, 0, None, true)
        };
        assert_eq!(status(&term).code(), 143);
        let hup = Summary {
            signal: Some(1),
            ..s(0, 0, None, true)
        };
        assert_eq!(status(&hup).code(), 129);
    }

    /// The one table from API failures to exit codes.
    #[test]
    fn api_failures_map_to_the_documented_codes() {
        let status = |code: u16| ApiError::Status {
            method: "GET".into(),
            path: "/x/".into(),
            status: code,
            code: 0,
            text: "t".into(),
            retry_after: None,
        };
        assert_eq!(api_status(&status(401)), ExitStatus::Auth);
        assert_eq!(api_status(&status(403)), ExitStatus::Auth);
        assert_eq!(api_status(&status(503)), ExitStatus::Unavailable);
        assert_eq!(api_status(&status(404)), ExitStatus::PartialFailure);
        let garbage = ApiError::Decode {
            method: "GET".into(),
            path: "/x/".into(),
            detail: "not JSON".into(),
        };
        assert_eq!(api_status(&garbage), ExitStatus::Unavailable);
        let ws = anyhow::Error::new(WorkspaceError::NotFound("w".into()));
        assert_eq!(exit_status(&ws), ExitStatus::Unavailable);
        let ws = anyhow::Error::new(WorkspaceError::NoLookup("w".into()));
        assert_eq!(exit_status(&ws), ExitStatus::Usage);
    }

    /// Credential failures: a refused or missing one → 3, an unreachable token endpoint → 4.
    #[test]
    fn auth_failures_map_to_the_documented_codes() {
        let refused = anyhow::Error::new(AuthError::refused("no credentials")).context("login");
        assert_eq!(exit_status(&refused), ExitStatus::Auth);
        let away = anyhow::Error::new(AuthError::unreachable("no answer")).context("login");
        assert_eq!(exit_status(&away), ExitStatus::Unavailable);
        let run = anyhow::Error::new(crate::transfer::RunError::AlreadyRunning("x".into()));
        assert_eq!(exit_status(&run), ExitStatus::PartialFailure);
    }

    #[test]
    fn import_runs_follow_the_documented_table() {
        let s = |failed, refused, unreachable| ImportSummary {
            total: 3,
            imported: 3 - failed,
            failed,
            refused,
            unreachable,
            ..ImportSummary::default()
        };
        assert_eq!(import_status(&s(0, 0, 0)), ExitStatus::Success);
        assert_eq!(import_status(&s(1, 0, 0)), ExitStatus::PartialFailure);
        assert_eq!(import_status(&s(3, 3, 0)), ExitStatus::Auth);
        assert_eq!(import_status(&s(3, 0, 3)), ExitStatus::Unavailable);
        assert_eq!(import_status(&s(2, 0, 2)), ExitStatus::PartialFailure);
    }

    #[test]
    fn ask_refusals_map_to_the_documented_codes() {
        let table = [
            (AskError::EmptyQuestion, 2),
            (AskError::TooLong, 2),
            (AskError::IntelligenceOff("w".into()), 4),
            (AskError::NotIndexedYet(3), 4),
            (AskError::NoAnswerYet("working".into()), 1),
        ];
        for (err, code) in table {
            let err = anyhow::Error::new(err).context("ask");
            assert_eq!(exit_status(&err).code(), code, "{err:#}");
        }
    }

    #[test]
    fn lock_run_failures_map_to_the_documented_codes() {
        let io = |kind| std::io::Error::new(kind, "x");
        let spawn = |kind| LockRunError::Spawn {
            program: "p".into(),
            source: io(kind),
        };
        let locked = LockRunError::Acquire(AcquireError::Locked {
            target: "t".into(),
            holder: None,
        });
        let table = [
            (LockRunError::NoCommand, 2),
            (LockRunError::Interrupted, 130),
            (locked, 1),
            (spawn(std::io::ErrorKind::NotFound), 127),
            (spawn(std::io::ErrorKind::PermissionDenied), 126),
        ];
        for (err, code) in table {
            let err = anyhow::Error::new(err).context("lock run");
            assert_eq!(exit_status(&err).code(), code, "{err:#}");
        }
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
