//! `fastio upload`: turn the arguments into [`UploadOptions`], resolve the workspace, run the
//! transfer core with a reporter listening to its events, and pick the exit code.
//!
//! `--lock` is accepted but not acted on here yet: it is wired by the locks work (issue 5).

use anyhow::Context as _;

use crate::api::folders::split_remote_path;
use crate::api::resolve_workspace;
use crate::cli::{IfChanged, UploadArgs};
use crate::commands::Context;
use crate::exit::{ExitStatus, Fatal};
use crate::output::{self, Printer};
use crate::transfer::{
    self, Cancel, Events, Fatality, FilesFrom, SkipMode, Summary, UploadOptions,
};

pub async fn upload(ctx: &Context, args: UploadArgs) -> anyhow::Result<ExitStatus> {
    if args.paths.is_empty() && args.files_from.is_none() {
        return Err(
            Fatal::usage("nothing to upload: give PATH arguments or --files-from FILE").into(),
        );
    }
    transfer::plan::Filters::new(&args.include, &args.exclude).map_err(Fatal::usage)?;
    split_remote_path(&args.to).map_err(Fatal::usage)?;
    if let Some(p) = &args.files_from
        && p.as_os_str() != "-"
        && !p.is_file()
    {
        return Err(Fatal::usage(format!("--files-from `{}`: no such file", p.display())).into());
    }

    let printer = Printer::from_global(&ctx.global);
    let (client, _source) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg)
        .await
        .with_context(|| format!("resolving workspace `{ws_arg}`"))?;

    let opts = UploadOptions {
        paths: args.paths,
        files_from: args.files_from.map(|p| {
            if p.as_os_str() == "-" {
                FilesFrom::Stdin
            } else {
                FilesFrom::File(p)
            }
        }),
        null_separated: args.null,
        include: args.include,
        exclude: args.exclude,
        follow_symlinks: args.follow_symlinks,
        workspace_id: ws.id.clone(),
        dest: args.to,
        concurrency: args.concurrency as usize,
        skip: match (args.overwrite, args.if_changed) {
            (true, _) => SkipMode::Overwrite,
            (false, IfChanged::Size) => SkipMode::Size,
            (false, IfChanged::Hash) => SkipMode::Hash,
        },
        retries: args.retries,
        resume: !args.no_resume,
        journal_dir: None,
        api_base: client.base().to_string(),
        dry_run: args.dry_run,
    };

    let (events, rx) = Events::channel();
    let cancel = Cancel::default();
    let interrupt = tokio::spawn(watch_ctrl_c(cancel.clone()));
    let reporter = tokio::spawn(output::report(printer, rx, client.gate().clone()));
    let result = transfer::upload(client, opts, events, cancel).await;
    let _ = reporter.await;
    interrupt.abort();
    Ok(exit_status(&result?))
}

/// First Ctrl-C: start nothing new, cancel what is still in flight after 2 s. Second: exit now.
async fn watch_ctrl_c(cancel: Cancel) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!("fastio: interrupted: finishing requests in flight (Ctrl-C again to quit now)");
    cancel.stop.cancel();
    let abort = cancel.abort.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        abort.cancel();
    });
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(ExitStatus::Interrupted.code() as i32);
    }
}

/// The documented exit code for a finished run.
pub fn exit_status(s: &Summary) -> ExitStatus {
    if s.interrupted {
        return ExitStatus::Interrupted;
    }
    if s.failed == 0 {
        return ExitStatus::Success;
    }
    match (s.uploaded, s.fatal) {
        (0, Some(Fatality::Auth)) => ExitStatus::Auth,
        (0, Some(Fatality::Unavailable)) => ExitStatus::Unavailable,
        _ => ExitStatus::PartialFailure,
    }
}
