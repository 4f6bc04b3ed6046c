//! `fastio lock`: acquire, status, heartbeat, release, and `run` (hold a lock while a command
//! runs). The token of `acquire` is printed alone on stdout so `TOKEN=$(fastio lock acquire …)`
//! works; everything else a human reads goes to stderr. With `--json` each subcommand prints one
//! JSON object on stdout.

use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::api::locks::{self, LockInfo};
use crate::api::{ApiError, Client, resolve_workspace};
use crate::cli::{LockAction, LockArgs};
use crate::commands::Context;
use crate::commands::target::{self, Target};
use crate::exit::{ExitStatus, Fatal};
use crate::settings::Settings;
use crate::transfer::lock_keeper::{self, AcquireError, AcquireOpts, HeldLock, human_secs};

pub async fn lock(ctx: &Context, args: LockArgs) -> anyhow::Result<ExitStatus> {
    let (client, _) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg).await?;
    let json = ctx.global.json;
    let quiet = ctx.global.quiet;
    match args.action {
        LockAction::Acquire {
            target,
            duration,
            wait,
        } => {
            let t = target::resolve(&client, &ws.id, &target).await?;
            let opts = acquire_opts(&ctx.settings, duration, wait);
            let info = lock_keeper::acquire(&client, &ws.id, &t.node_id, &t.label, &opts)
                .await
                .map_err(acquire_failed)?;
            let token = info.token.clone().unwrap_or_default();
            if json {
                print_json(lock_json("lock_acquired", &t, &info, Some(&token)));
            } else {
                println!("{token}");
                if !quiet {
                    eprintln!(
                        "fastio: locked `{}` for {}; release with `fastio lock release {} --lock-token <TOKEN>`",
                        display(&t),
                        human_secs(info.duration.unwrap_or(duration)),
                        shell_word(&t.label)
                    );
                }
            }
            Ok(ExitStatus::Success)
        }
        LockAction::Status { target } => {
            let t = target::resolve(&client, &ws.id, &target).await?;
            let status = locks::status(&client, &ws.id, &t.node_id)
                .await
                .with_context(|| format!("reading the lock of `{}`", display(&t)))?;
            if json {
                let mut v = match &status.lock {
                    Some(info) => lock_json("lock_status", &t, info, None),
                    None => json!({"type": "lock_status", "path": t.label, "node_id": t.node_id}),
                };
                v["locked"] = Value::Bool(status.locked);
                print_json(v);
            } else if let (true, Some(info)) = (status.locked, &status.lock) {
                println!("`{}` is locked by {}", display(&t), holder_line(info));
            } else if status.locked {
                println!("`{}` is locked", display(&t));
            } else {
                println!("`{}` is not locked", display(&t));
            }
            Ok(ExitStatus::Success)
        }
        LockAction::Heartbeat {
            target,
            lock_token: token,
        } => {
            let t = target::resolve(&client, &ws.id, &target).await?;
            let info = locks::heartbeat(&client, &ws.id, &t.node_id, &token)
                .await
                .map_err(|e| token_refused(e, &t, "extending"))?;
            if json {
                print_json(lock_json("lock_extended", &t, &info, None));
            } else if !quiet {
                match info.expires_in(lock_keeper::now_epoch()) {
                    Some(s) => eprintln!(
                        "fastio: lock on `{}` extended, expires in {}",
                        display(&t),
                        human_secs(s)
                    ),
                    None => eprintln!("fastio: lock on `{}` extended", display(&t)),
                }
            }
            Ok(ExitStatus::Success)
        }
        LockAction::Release {
            target,
            lock_token: token,
        } => {
            let t = target::resolve(&client, &ws.id, &target).await?;
            locks::release(&client, &ws.id, &t.node_id, &token)
                .await
                .map_err(|e| token_refused(e, &t, "releasing"))?;
            if json {
                print_json(json!({"type": "lock_released", "path": t.label, "node_id": t.node_id}));
            } else if !quiet {
                eprintln!("fastio: lock on `{}` released", display(&t));
            }
            Ok(ExitStatus::Success)
        }
        LockAction::Run {
            target,
            duration,
            wait,
            command,
        } => {
            let t = target::resolve(&client, &ws.id, &target).await?;
            run(
                &client,
                &ws.id,
                &t,
                acquire_opts(&ctx.settings, duration, wait),
                &command,
                quiet,
            )
            .await
        }
    }
}

fn acquire_opts(settings: &Settings, duration: u64, wait: Option<u64>) -> AcquireOpts {
    AcquireOpts {
        duration: duration.clamp(locks::MIN_DURATION, locks::MAX_DURATION),
        wait: wait.map(Duration::from_secs),
        client_info: settings.client_info(),
        heartbeat_every: settings.lock_heartbeat,
    }
}

/// A lock held by someone else is one clear line with exit status 1.
fn acquire_failed(e: AcquireError) -> anyhow::Error {
    match e {
        AcquireError::Locked { .. } => Fatal::new(ExitStatus::PartialFailure, e.to_string()).into(),
        AcquireError::Api { .. } => e.into(),
    }
}

/// Heartbeat/release refusals explained: 423 = the lock is someone else's (or the token is
/// wrong), 404 = there is no lock any more.
fn token_refused(e: ApiError, t: &Target, doing: &str) -> anyhow::Error {
    let what = match e.status() {
        Some(423) | Some(409) => format!(
            "{doing} the lock on `{}`: refused, the lock is held under another token",
            display(t)
        ),
        Some(404) => format!(
            "{doing} the lock on `{}`: there is no such lock (expired or released)",
            display(t)
        ),
        _ => return anyhow::Error::new(e).context(format!("{doing} the lock on `{}`", display(t))),
    };
    Fatal::new(ExitStatus::PartialFailure, what).into()
}

fn display(t: &Target) -> &str {
    if t.label.is_empty() { "/" } else { &t.label }
}

fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn holder_line(info: &LockInfo) -> String {
    let who = info.locked_by.as_deref().unwrap_or("another client");
    let mut s = match info.device_name() {
        Some(dev) => format!("{who} ({dev})"),
        None => who.to_string(),
    };
    if let Some(secs) = info.expires_in(lock_keeper::now_epoch()) {
        s.push_str(&format!(", expires in {}", human_secs(secs)));
    }
    s
}

fn lock_json(kind: &str, t: &Target, info: &LockInfo, token: Option<&str>) -> Value {
    let mut v = json!({
        "type": kind,
        "path": t.label,
        "node_id": t.node_id,
        "locked_by": info.locked_by,
        "expires": info.expires_epoch,
        "expires_in": info.expires_in(lock_keeper::now_epoch()),
        "duration": info.duration,
        "client_info": info.client_info,
    });
    if let Some(token) = token {
        v["lock_token"] = Value::String(token.to_string());
    }
    v
}

fn print_json(v: Value) {
    crate::output::json_line(v);
}

/// `lock run`: acquire, spawn COMMAND, heartbeat while it runs, forward SIGINT/SIGTERM to it,
/// stop it if the lock is lost, release whatever happens, and exit with COMMAND's status.
async fn run(
    client: &Client,
    workspace_id: &str,
    t: &Target,
    opts: AcquireOpts,
    command: &[String],
    quiet: bool,
) -> anyhow::Result<ExitStatus> {
    let (program, cmd_args) = command
        .split_first()
        .ok_or_else(|| Fatal::usage("no COMMAND given after `--`"))?;
    // Handle signals from now on: Ctrl-C while waiting for the lock stops here; one arriving
    // between the acquire and the spawn must not kill us with the lock held (it is passed on to
    // COMMAND once that runs).
    let signals = Signals::new();
    tokio::pin!(signals);
    let held = tokio::select! {
        r = HeldLock::acquire(client, workspace_id, &t.node_id, &t.label, &opts) => {
            r.map_err(acquire_failed)?
        }
        _ = signals.as_mut().next() => {
            return Err(Fatal::new(
                ExitStatus::Interrupted,
                "interrupted before the lock was taken; nothing was run",
            )
            .into());
        }
    };
    if !quiet {
        eprintln!(
            "fastio: locked `{}`; running `{}`",
            display(t),
            command.join(" ")
        );
    }
    let outcome = supervise(program, cmd_args, &held, signals.as_mut()).await;
    let release = held.release().await;
    if let Err(e) = &release {
        eprintln!(
            "fastio: warning: releasing the lock on `{}` failed: {e}",
            display(t)
        );
    } else if !quiet {
        eprintln!("fastio: lock on `{}` released", display(t));
    }
    match outcome {
        Supervised::Exited(code) => Ok(ExitStatus::Code(code)),
        Supervised::LockLost(reason) => Err(Fatal::new(
            ExitStatus::PartialFailure,
            format!(
                "lock on `{}` was lost ({reason}); `{program}` was stopped",
                display(t)
            ),
        )
        .into()),
        Supervised::SpawnFailed(e) => {
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            Err(Fatal::new(
                ExitStatus::Code(code),
                format!("cannot run `{program}`: {e}"),
            )
            .into())
        }
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

async fn supervise(
    program: &str,
    args: &[String],
    held: &HeldLock,
    mut signals: std::pin::Pin<&mut Signals>,
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
            sig = signals.as_mut().next(), if lost.is_none() => {
                // The child decides how to stop; we release after it exits. A Ctrl-C typed at
                // the terminal already reached it (same foreground process group), so it is
                // not sent twice; a signal sent to us alone is passed on, and a child that
                // ignores it is killed after a grace period.
                if !(matches!(sig, Sig::Int) && in_terminal_foreground()) {
                    forward(&child, sig);
                    kill_at.get_or_insert(tokio::time::Instant::now() + STOP_GRACE * 3);
                }
            }
            reason = held.lost(), if lost.is_none() => {
                eprintln!("fastio: the lock was lost ({reason}); stopping the command");
                forward(&child, Sig::Term);
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

#[derive(Debug, Clone, Copy)]
enum Sig {
    Int,
    Term,
}

/// SIGINT / SIGTERM / SIGHUP as a stream (Ctrl-C only, on non-Unix systems).
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(self: std::pin::Pin<&mut Self>) -> Sig {
        #[cfg(unix)]
        {
            let this = self.get_mut();
            async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                _ = recv(&mut this.int) => Sig::Int,
                _ = recv(&mut this.term) => Sig::Term,
                _ = recv(&mut this.hup) => Sig::Term,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = self;
            let _ = tokio::signal::ctrl_c().await;
            Sig::Int
        }
    }
}

fn forward(child: &tokio::process::Child, sig: Sig) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        let signo = match sig {
            Sig::Int => libc::SIGINT,
            Sig::Term => libc::SIGTERM,
        };
        // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our own child, which
        // has not been reaped yet (`id()` returns None after `wait` completes).
        unsafe {
            libc::kill(pid as libc::pid_t, signo);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (child, sig);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("reports/2026"), "reports/2026");
        assert_eq!(shell_word("my files"), "'my files'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
