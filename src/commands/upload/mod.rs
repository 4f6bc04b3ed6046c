//! `fastio upload`: check the arguments, turn them into [`UploadOptions`], resolve the
//! workspace, take the `--lock` ([`crate::locks::destination`]), run the job
//! ([`crate::transfer::job`]) with the reporter and the other listeners (`--receipt`, GitHub
//! Actions) on its events, and hand the summary to `exit.rs`.

mod dest;
mod options;

use crate::cli::UploadArgs;
use crate::commands::Context;
use crate::exit::{ExitStatus, UsageError};
use crate::locks::destination::{Destination, lock_destination};
use crate::locks::{AcquireOpts, HeldLock};
use crate::output::receipt::{Opened, ReceiptWriter, run_info};
use crate::output::sinks::{self, Sink, StdinResult};
use crate::output::{self, github};
use crate::transfer::job::{self, Input, LockEnd, RELEASE_AFTER_SIGNAL};
use crate::transfer::{Cancel, Events};

pub async fn upload(ctx: &Context, args: UploadArgs) -> anyhow::Result<ExitStatus> {
    let from_stdin = options::check_args(&args)?;
    let stdin_is_tty = std::io::IsTerminal::is_terminal(&std::io::stdin());
    if from_stdin && stdin_is_tty {
        // As compressors do: nobody means to type a file into an upload.
        return Err(UsageError::new(
            "standard input is a terminal: `-` uploads what is piped or redirected into fastio \
             (`producer | fastio upload - --name NAME`, or `< FILE`); not waiting for typing",
        )
        .into());
    }
    if stdin_is_tty
        && args
            .files_from
            .as_ref()
            .is_some_and(|p| p.as_os_str() == "-")
    {
        ctx.printer
            .line("reading the paths to upload from the terminal, one per line; end with Ctrl-D");
    }
    if let Some(spec) = &ctx.settings.test_panic {
        crate::transfer::fault::arm(spec.clone());
    }
    let shard = options::shard(&args, &ctx.settings)?;
    let mut printer = ctx.printer.clone();
    // A dry run says why each file would be skipped, as well as why each would be sent.
    if args.dry_run {
        printer.verbose = printer.verbose.max(1);
    }
    let (client, _source) = ctx.client()?;
    // `--retries` holds for every request of the run, the workspace lookup and the lock too.
    let client = client.with_retries(args.retries);
    // The workspace, or with --share the share (its key travels as the workspace id).
    let (client, ws_id) = ctx
        .target(client, args.workspace.as_deref(), &args.share)
        .await?;
    let ws = crate::api::Workspace {
        id: ws_id,
        ..Default::default()
    };

    // Before anything is written (and in a dry run too): the workspace is there, and the
    // destination is not a file.
    dest::check(&client, &ws.id, &args.to).await?;

    let (mut opts, stdin_opts) = options::options(
        &args,
        &ws.id,
        &ctx.settings,
        client.base(),
        from_stdin,
        shard,
    );
    opts.destination = Some(destination(ctx, &ws, &opts.dest_clean()));
    let mut listeners: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(path) = &args.receipt {
        let info = run_info(&opts, stdin_opts.as_ref());
        let (writer, opened) = ReceiptWriter::open(path, &info).map_err(UsageError::new)?;
        if let Opened::Resumed { files } = opened {
            let shown = path.display();
            printer.line(&format!(
                "continuing the receipt `{shown}` ({files} files already recorded)"
            ));
        }
        listeners.push(Box::new(writer));
    }

    // Signals are ours from here on: one arriving while the lock is taken ends the run at once,
    // with the lock released.
    let cancel = Cancel::default();
    let alerts = printer.clone();
    let interrupt = tokio::spawn(job::watch_signals(cancel.clone(), move |signo| {
        let say = match signo {
            Some(n) => format!(
                "interrupted ({}): finishing requests in flight (Ctrl-C again to stop them now)",
                output::signal_name(n)
            ),
            None => "stopping requests in flight now".to_string(),
        };
        alerts.alert(&say);
    }));
    let held = match args.lock && !opts.dry_run {
        true => lock(ctx, &client, &ws.id, &opts.dest).await?,
        false => None,
    };

    if github::enabled(args.ci, ctx.settings.github_actions) {
        let what = match from_stdin {
            true => "standard input".to_string(),
            false => format!("{} paths", opts.paths.len()),
        };
        let title = match opts.shard {
            Some(sh) => format!("fastio upload: {what}, shard {sh}"),
            None => format!("fastio upload: {what}"),
        };
        let summary_file = ctx.settings.github_step_summary.clone();
        listeners.push(Box::new(github::GithubUpload::start(&title, summary_file)));
    }
    if from_stdin && !printer.json && !printer.quiet {
        listeners.push(Box::new(StdinResult::default()));
    }

    let (events, rx) = Events::channel();
    // Token refreshes and keyring warnings during the run are drawn by the reporter.
    printer.route_notices(&ctx.notices, &events);
    let (rx, attached) = sinks::attach(rx, listeners);
    let reporter = tokio::spawn(output::report(printer.clone(), rx, client.gates().clone()));
    let input = match stdin_opts {
        Some(sopts) => Input::Stdin(sopts, Box::new(std::io::stdin())),
        None if args.watch => Input::Watch(
            opts,
            crate::transfer::watch::WatchOptions {
                settle: args.settle,
                rescan: args.rescan,
                drop_events: ctx.settings.test_drop_watch_events,
            },
        ),
        None => Input::Tree(opts),
    };
    let (result, lock_end) = job::run(&client, input, events, &cancel, held).await;
    let _ = reporter.await;
    attached.finish().await;
    interrupt.abort();
    match lock_end {
        None | Some(LockEnd::Released) => {}
        Some(LockEnd::Lost(reason)) => {
            return Err(job::LockLost(reason).into());
        }
        Some(LockEnd::ReleaseFailed(e)) => printer.alert(&format!(
            "warning: releasing the lock on the destination failed: {e}"
        )),
        Some(LockEnd::ReleaseTimedOut) => printer.alert(&format!(
            "warning: the lock on the destination was not released within {} s; it lapses by \
             itself",
            RELEASE_AFTER_SIGNAL.as_secs()
        )),
    }
    Ok(crate::exit::summary_status(&result?))
}

/// Where the files go, for the summary: the workspace (name and id), the folder, and with
/// `--emulator` where the emulator keeps its data.
fn destination(ctx: &Context, ws: &crate::api::Workspace, dest: &str) -> String {
    let folder = if dest.is_empty() { "/" } else { dest };
    let place = match ws.name.is_empty() {
        true => format!(
            "`{folder}` in workspace {} (`fastio ls {folder}` lists it)",
            ws.id
        ),
        false => format!(
            "`{folder}` in workspace `{}` (id {}; `fastio ls {folder}` lists it)",
            ws.name, ws.id
        ),
    };
    format!("{place}{}", emulator_note(ctx))
}

/// With `--emulator`: where the emulator keeps its data.
#[cfg(feature = "emulator")]
fn emulator_note(ctx: &Context) -> String {
    match &ctx.emulator {
        Some(emu) => format!(
            "; the emulator keeps its data in `{}`",
            crate::transfer::plan::show(&emu.data_dir)
        ),
        None => String::new(),
    }
}

#[cfg(not(feature = "emulator"))]
fn emulator_note(_ctx: &Context) -> String {
    String::new()
}

/// `--lock`: the destination folder locked for the upload, or why not (said in one line).
async fn lock(
    ctx: &Context,
    client: &crate::api::Client,
    workspace_id: &str,
    dest: &str,
) -> anyhow::Result<Option<HeldLock>> {
    let opts = AcquireOpts {
        duration: 300,
        wait: None,
        client_info: ctx.settings.client_info(),
        heartbeat_every: ctx.settings.lock_heartbeat,
    };
    let p = &ctx.printer;
    Ok(
        match lock_destination(client, workspace_id, dest, &opts).await? {
            Destination::Locked { held, label } => {
                p.line(&format!("locked `{label}` for this upload"));
                Some(*held)
            }
            Destination::Root => {
                p.line(
                    "warning: --lock does not lock the workspace root; uploading without a lock \
                 (pass --to FOLDER to lock a destination folder)",
                );
                None
            }
            Destination::BindsHolder { label, source } => {
                p.line(&format!(
                    "warning: the server refuses uploads into `{label}` while it is locked, even \
                     by this run ({source}); released the lock, uploading without it"
                ));
                None
            }
            Destination::Refused { label, source } => {
                p.line(&format!(
                "warning: the server would not lock `{label}` ({source}); uploading without a lock"
            ));
                None
            }
        },
    )
}
