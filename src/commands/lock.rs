//! `fastio lock acquire|status|heartbeat|release|run`: resolve the target, call the lock
//! workflow ([`crate::locks`]), render. The `lock run` supervisor lives in `locks::run`.

use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::api::locks::{self, LockInfo};
use crate::api::{ApiError, Client, resolve_workspace};
use crate::cli::{LockAction, LockArgs};
use crate::commands::Context;
use crate::commands::target::{self, Target};
use crate::exit::ExitStatus;
use crate::locks::run::{self as lock_run, Step};
use crate::locks::{AcquireError, AcquireOpts, TokenRefused, human_secs, keeper, now_epoch};
use crate::output::json_line;
use crate::output::lock::{display, holder_line, lock_json, shell_word};

pub async fn lock(ctx: &Context, args: LockArgs) -> anyhow::Result<ExitStatus> {
    let (client, _) = ctx.client()?;
    let ws = resolve_workspace(&client, &ctx.workspace(args.workspace.as_deref())?).await?;
    let p = &ctx.printer;
    let json_of = |kind, t: &Target, info: &LockInfo, token| {
        lock_json(kind, &t.label, &t.node_id, info, token)
    };
    let resolve = |target: String| {
        let (client, ws) = (client.clone(), ws.id.clone());
        async move { target::resolve(&client, &ws, &target).await }
    };
    match args.action {
        LockAction::Acquire {
            target,
            duration,
            wait,
        } => {
            let t = resolve(target).await?;
            let opts = acquire_opts(ctx, duration, wait);
            let info = keeper::acquire(&client, &ws.id, &t.node_id, &t.label, &opts)
                .await
                .map_err(acquire_failed)?;
            let token = info.token.clone().unwrap_or_default();
            if p.json {
                json_line(json_of("lock_acquired", &t, &info, Some(&token)));
            } else {
                p.result(&token);
                p.line(&format!(
                    "locked `{}` for {}; release with `fastio lock release {} --lock-token <TOKEN>`",
                    display(&t.label),
                    human_secs(info.duration.unwrap_or(duration)),
                    shell_word(&t.label)
                ));
            }
        }
        LockAction::Status { target } => {
            let t = resolve(target).await?;
            let status = locks::status(&client, &ws.id, &t.node_id)
                .await
                .with_context(|| format!("reading the lock of `{}`", display(&t.label)))?;
            if p.json {
                let mut v = match &status.lock {
                    Some(info) => json_of("lock_status", &t, info, None),
                    None => json!({"type": "lock_status", "path": t.label, "node_id": t.node_id}),
                };
                v["locked"] = Value::Bool(status.locked);
                json_line(v);
            } else {
                let state = match (status.locked, &status.lock) {
                    (true, Some(info)) => format!("is locked by {}", holder_line(info)),
                    (true, None) => "is locked".to_string(),
                    (false, _) => "is not locked".to_string(),
                };
                p.result(&format!("`{}` {state}", display(&t.label)));
            }
        }
        LockAction::Heartbeat { target, lock_token } => {
            let t = resolve(target).await?;
            let info = locks::heartbeat(&client, &ws.id, &t.node_id, &lock_token)
                .await
                .map_err(|e| token_refused(e, &t, "extending"))?;
            if p.json {
                json_line(json_of("lock_extended", &t, &info, None));
            } else {
                let left = info.expires_in(now_epoch());
                let left = left.map(|s| format!(", expires in {}", human_secs(s)));
                let label = display(&t.label);
                p.line(&format!(
                    "lock on `{label}` extended{}",
                    left.unwrap_or_default()
                ));
            }
        }
        LockAction::Release { target, lock_token } => {
            let t = resolve(target).await?;
            locks::release(&client, &ws.id, &t.node_id, &lock_token)
                .await
                .map_err(|e| token_refused(e, &t, "releasing"))?;
            if p.json {
                json_line(json!({"type": "lock_released", "path": t.label, "node_id": t.node_id}));
            } else {
                p.line(&format!("lock on `{}` released", display(&t.label)));
            }
        }
        LockAction::Run {
            target,
            duration,
            wait,
            command,
        } => {
            let t = resolve(target).await?;
            return run(ctx, &client, &ws.id, &t, duration, wait, &command).await;
        }
    }
    Ok(ExitStatus::Success)
}

/// `lock run`: the supervisor's steps as lines; COMMAND's status is the exit status.
async fn run(
    ctx: &Context,
    client: &Client,
    workspace_id: &str,
    t: &Target,
    duration: u64,
    wait: Option<u64>,
    command: &[String],
) -> anyhow::Result<ExitStatus> {
    let p = &ctx.printer;
    let label = display(&t.label);
    let target = lock_run::Target {
        workspace_id,
        node_id: &t.node_id,
        label: &t.label,
    };
    let opts = acquire_opts(ctx, duration, wait);
    let step = |s: Step| match s {
        Step::Locked => p.line(&format!(
            "locked `{label}`; running `{}`",
            command.join(" ")
        )),
        Step::Lost(reason) => p.alert(&format!(
            "the lock was lost ({reason}); stopping the command"
        )),
        Step::Released => p.line(&format!("lock on `{label}` released")),
        Step::ReleaseFailed(e) => p.alert(&format!(
            "warning: releasing the lock on `{label}` failed: {e}"
        )),
    };
    let code = lock_run::run_locked(client, &target, &opts, command, step).await?;
    Ok(ExitStatus::Code(code))
}

fn acquire_opts(ctx: &Context, duration: u64, wait: Option<u64>) -> AcquireOpts {
    AcquireOpts {
        duration: duration.clamp(locks::MIN_DURATION, locks::MAX_DURATION),
        wait: wait.map(Duration::from_secs),
        client_info: ctx.settings.client_info(),
        heartbeat_every: ctx.settings.lock_heartbeat,
    }
}

/// A lock held by someone else is one clear line with exit status 1 (see `exit.rs`).
fn acquire_failed(e: AcquireError) -> anyhow::Error {
    anyhow::Error::new(lock_run::LockRunError::Acquire(e))
}

/// Heartbeat/release refusals explained: 423 = the lock is someone else's (or the token is
/// wrong), 404 = there is no lock any more.
fn token_refused(e: ApiError, t: &Target, doing: &str) -> anyhow::Error {
    let (doing, target) = (doing.to_string(), display(&t.label).to_string());
    match e.status() {
        Some(423) | Some(409) => TokenRefused::OtherToken { doing, target }.into(),
        Some(404) => TokenRefused::NoLock { doing, target }.into(),
        _ => anyhow::Error::new(e).context(format!("{doing} the lock on `{target}`")),
    }
}
