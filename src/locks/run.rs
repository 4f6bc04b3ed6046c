//! `fastio lock run`: acquire, spawn COMMAND, heartbeat while it runs, pass SIGINT/SIGTERM on
//! to it, stop it if the lock is lost, release whatever happens, and report COMMAND's status.
//! Progress is reported through [`Step`]s; the exit code is chosen in `exit.rs`.

use std::time::Duration;

use super::keeper::{AcquireError, AcquireOpts, HeldLock};
use crate::api::Client;
use crate::signals::Signals;

/// What happened on the way, for the command to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The lock is taken and COMMAND is being started.
    Locked,
    /// The lock was lost while COMMAND ran (it is being stopped).
    Lost(String),
    /// The lock was released at the end.
    Released,
    /// Releasing failed (the lock expires by itself).
    ReleaseFailed(String),
}

/// Why `lock run` did not end with COMMAND's own exit status.
#[derive(Debug, thiserror::Error)]
pub enum LockRunError {
    #[error("no COMMAND given after `--`")]
    NoCommand,
    #[error("interrupted before the lock was taken; nothing was run")]
    Interrupted,
    #[error(transparent)]
    Acquire(#[from] AcquireError),
    #[error("lock on `{target}` was lost ({reason}); `{program}` was stopped")]
    LockLost {
        target: String,
        reason: String,
        program: String,
    },
    #[error("cannot run `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// Where the lock is: workspace, node and its label for messages.
pub struct Target<'a> {
    pub workspace_id: &'a str,
    pub node_id: &'a str,
    pub label: &'a str,
}

/// Run `command` under the lock of `target`; `Ok` is COMMAND's exit code (128 + a signal's
/// number when a signal ended it).
pub async fn run_locked(
    client: &Client,
    target: &Target<'_>,
    opts: &AcquireOpts,
    command: &[String],
    step: impl Fn(Step),
) -> Result<u8, LockRunError> {
    let (program, args) = command.split_first().ok_or(LockRunError::NoCommand)?;
    // Handle signals from now on: Ctrl-C while waiting for the lock stops here; one arriving
    // between the acquire and the spawn must not kill us with the lock held (it is passed on to
    // COMMAND once that runs).
    let mut signals = Signals::new();
    let held = tokio::select! {
        r = HeldLock::acquire(client, target.workspace_id, target.node_id, target.label, opts) => r?,
        Some(_) = signals.next() => return Err(LockRunError::Interrupted),
    };
    step(Step::Locked);
    let outcome = supervise(program, args, &held, &mut signals, &step).await;
    match held.release().await {
        Ok(()) => step(Step::Released),
        Err(e) => step(Step::ReleaseFailed(e.to_string())),
    }
    match outcome {
        Supervised::Exited(code) => Ok(code),
        Supervised::LockLost(reason) => Err(LockRunError::LockLost {
            target: target.label.to_string(),
            reason,
            program: program.clone(),
        }),
        Supervised::SpawnFailed(source) => Err(LockRunError::Spawn {
            program: program.clone(),
            source,
        }),
    }
}

enum Supervised {
    /// COMMAND's exit code (128 + signal number when a signal ended it).
    Exited(u8),
    LockLost(String),
    SpawnFailed(std::io::Error),
}

/// After asking COMMAND to stop, how long to wait before killing it.
const STOP_GRACE: Duration = Duration::from_secs(10);

#[cfg(unix)]
const SIGINT: i32 = libc::SIGINT;
#[cfg(not(unix))]
const SIGINT: i32 = 2;

async fn supervise(
    program: &str,
    args: &[String],
    held: &HeldLock,
    signals: &mut Signals,
    step: &impl Fn(Step),
) -> Supervised {
    let mut child = match tokio::process::Command::new(program).args(args).spawn() {
        Ok(c) => c,
        Err(e) => return Supervised::SpawnFailed(e),
    };
    let mut lost: Option<String> = None;
    let mut kill_at: Option<tokio::time::Instant> = None;
    let at = |t: Option<tokio::time::Instant>| async move {
        match t {
            Some(t) => tokio::time::sleep_until(t).await,
            None => std::future::pending().await,
        }
    };
    loop {
        tokio::select! {
            status = child.wait() => {
                let code = match status {
                    Ok(s) => exit_code_of(s),
                    Err(_) => 1,
                };
                return match lost {
                    Some(reason) => Supervised::LockLost(reason),
                    None => Supervised::Exited(code),
                };
            }
            Some(signo) = signals.next(), if lost.is_none() => {
                // The child decides how to stop; we release after it exits. A Ctrl-C typed at
                // the terminal already reached it (same foreground process group), so it is
                // not sent twice; a signal sent to us alone is passed on (SIGHUP as SIGTERM),
                // and a child that ignores it is killed after a grace period.
                if !(signo == SIGINT && in_terminal_foreground()) {
                    forward(&child, signo == SIGINT);
                    kill_at.get_or_insert(tokio::time::Instant::now() + STOP_GRACE * 3);
                }
            }
            reason = held.lost(), if lost.is_none() => {
                step(Step::Lost(reason.clone()));
                forward(&child, false);
                kill_at = Some(tokio::time::Instant::now() + STOP_GRACE);
                lost = Some(reason);
            }
            _ = at(kill_at) => {
                let _ = child.start_kill();
                kill_at = None;
            }
        }
    }
}

/// Are we (and so COMMAND) the foreground process group of a controlling terminal on stdin?
/// Then a Ctrl-C typed there was delivered to COMMAND too.
fn in_terminal_foreground() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: tcgetpgrp and getpgrp only read process state; an fd that is not a terminal
        // makes tcgetpgrp return -1, which never equals a process group id.
        unsafe { libc::tcgetpgrp(libc::STDIN_FILENO) == libc::getpgrp() }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Send SIGINT (`interrupt`) or SIGTERM to the child.
fn forward(child: &tokio::process::Child, interrupt: bool) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        let signo = if interrupt {
            libc::SIGINT
        } else {
            libc::SIGTERM
        };
        // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our own child, which
        // has not been reaped yet (`id()` returns None after `wait` completes).
        unsafe {
            libc::kill(pid as libc::pid_t, signo);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (child, interrupt);
    }
}

fn exit_code_of(status: std::process::ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return code.clamp(0, 255) as u8;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return (128 + sig).clamp(0, 255) as u8;
        }
    }
    1
}
