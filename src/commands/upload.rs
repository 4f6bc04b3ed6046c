//! `fastio upload`: turn the arguments into [`UploadOptions`], resolve the workspace, run the
//! transfer core with a reporter listening to its events, and pick the exit code.
//!
//! `--lock`: the destination folder is locked before the first byte (see [`lock_destination`]),
//! heartbeated while the upload runs, and released after the last file, also on failure, on
//! SIGINT, SIGTERM and SIGHUP (see [`watch_signals`]). If the lock is lost mid-way the upload
//! stops.
//!
//! `--receipt` and GitHub Actions output are further listeners of the run's events
//! ([`crate::output::sinks`]); `-` as the only path uploads standard input
//! ([`crate::transfer::stdin`]).

use anyhow::Context as _;

use crate::api::folders::split_remote_path;
use crate::api::resolve_workspace;
use crate::cli::{IfChanged, UploadArgs};
use crate::commands::Context;
use crate::exit::{ExitStatus, Fatal};
use crate::output::sinks::{self, Sink};
use crate::output::{self, Printer};
use crate::transfer::{self, Cancel, Events, FilesFrom, SkipMode, Summary, UploadOptions};

pub async fn upload(ctx: &Context, args: UploadArgs) -> anyhow::Result<ExitStatus> {
    let from_stdin = stdin_mode(&args)?;
    if !from_stdin && args.paths.is_empty() && args.files_from.is_none() {
        return Err(
            Fatal::usage("nothing to upload: give PATH arguments or --files-from FILE").into(),
        );
    }
    transfer::plan::Filters::new(&args.include, &args.exclude).map_err(Fatal::usage)?;
    for seg in split_remote_path(&args.to).map_err(Fatal::usage)? {
        transfer::plan::check_name(std::ffi::OsStr::new(seg), true)
            .map_err(|why| Fatal::usage(format!("--to `{}`: {why}", args.to)))?;
    }
    if let Some(p) = &args.files_from
        && p.as_os_str() != "-"
    {
        let shown = transfer::plan::show(p);
        if p.is_dir() {
            return Err(Fatal::usage(format!(
                "--files-from `{shown}` is a directory; it takes a file listing paths (to \
                 upload a directory, pass it as a PATH argument)"
            ))
            .into());
        }
        if !p.exists() {
            return Err(Fatal::usage(format!("--files-from `{shown}`: no such file")).into());
        }
    }

    let printer = ctx.printer.clone();
    let (client, _source) = ctx.client()?;
    // `--retries` holds for every request of the run, the workspace lookup and the lock too.
    let client = client.with_retries(args.retries);
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg)
        .await
        .with_context(|| format!("resolving workspace `{ws_arg}` on {}", client.origin()))?;

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
        journal_dir: ctx.settings.journal_dir.clone(),
        api_base: client.base().to_string(),
        dry_run: args.dry_run,
        assembly_timeout: args.assembly_timeout,
        shard: args.shard,
        skipped_node_ids: args.receipt.is_some(),
    };
    let stdin_opts = from_stdin.then(|| transfer::stdin::StdinOptions {
        workspace_id: ws.id.clone(),
        dest: opts.dest.clone(),
        name: args.name.clone().unwrap_or_default(),
        max_size: args.max_size,
        retries: opts.retries,
        assembly_timeout: opts.assembly_timeout,
        concurrency: opts.concurrency,
        api_base: opts.api_base.clone(),
    });

    let mut listeners: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(path) = &args.receipt {
        listeners.push(Box::new(open_receipt(
            path,
            &opts,
            stdin_opts.as_ref(),
            &printer,
        )?));
    }

    // Signals are ours from here on: one arriving while the lock is taken ends the run at once,
    // with the lock released.
    let cancel = Cancel::default();
    let interrupt = tokio::spawn(watch_signals(cancel.clone()));
    let held = if args.lock && !opts.dry_run {
        lock_destination(ctx, &client, &ws.id, &opts.dest).await?
    } else {
        None
    };

    if output::github::enabled(args.ci, ctx.settings.github_actions) {
        let what = if from_stdin {
            "standard input".to_string()
        } else {
            format!("{} paths", opts.paths.len())
        };
        let title = match opts.shard {
            Some(sh) => format!("fastio upload: {what}, shard {sh}"),
            None => format!("fastio upload: {what}"),
        };
        listeners.push(Box::new(output::github::GithubUpload::start(
            &title,
            ctx.settings.github_step_summary.clone(),
        )));
    }
    if from_stdin && !printer.json && !printer.quiet {
        listeners.push(Box::new(StdinResult::default()));
    }

    let (events, rx) = Events::channel();
    // Token refreshes and keyring warnings during the run are drawn by the reporter.
    printer.route_notices(&ctx.notices, &events);
    let (rx, attached) = sinks::attach(rx, listeners);
    let reporter = tokio::spawn(output::report(printer, rx, client.gates().clone()));
    let run: std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<Summary>> + Send>> =
        match stdin_opts {
            Some(sopts) => {
                let (client, cancel) = (client.clone(), cancel.clone());
                Box::pin(async move {
                    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::stdin());
                    transfer::stdin::upload_stdin(client, sopts, input, events, cancel)
                        .await
                        .map(|(summary, _mode)| summary)
                })
            }
            None => Box::pin(transfer::upload(
                client.clone(),
                opts,
                events,
                cancel.clone(),
            )),
        };
    let result = match &held {
        Some(lock) => {
            tokio::pin!(run);
            tokio::select! {
                r = &mut run => r,
                _ = lock.lost() => {
                    cancel.stop.cancel();
                    cancel.abort.cancel();
                    run.await
                }
            }
        }
        None => run.await,
    };
    let _ = reporter.await;
    attached.finish().await;
    interrupt.abort();
    if let Some(lock) = held {
        // After a signal the release is bounded: the user asked to stop.
        let bound = if cancel.signal().is_some() {
            RELEASE_AFTER_SIGNAL
        } else {
            std::time::Duration::MAX
        };
        if let Some(reason) = lock.is_lost() {
            let _ = tokio::time::timeout(bound, lock.release()).await;
            return Err(Fatal::new(
                ExitStatus::PartialFailure,
                format!("the lock on the destination was lost ({reason}); the upload was stopped"),
            )
            .into());
        }
        match tokio::time::timeout(bound, lock.release()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                eprintln!("fastio: warning: releasing the lock on the destination failed: {e}")
            }
            Err(_) => eprintln!(
                "fastio: warning: the lock on the destination was not released within {} s; \
                 it lapses by itself",
                RELEASE_AFTER_SIGNAL.as_secs()
            ),
        }
    }
    Ok(crate::exit::summary_status(&result?))
}

/// How long the lock release may take after a signal.
const RELEASE_AFTER_SIGNAL: std::time::Duration = std::time::Duration::from_secs(5);

/// `-` as the only path: standard input, with `--name`. Checks the combinations.
fn stdin_mode(args: &UploadArgs) -> Result<bool, Fatal> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if !dash {
        if args.name.is_some() || args.max_size.is_some() {
            return Err(Fatal::usage(
                "--name and --max-size are for standard input: give `-` as the only PATH \
                 (a file named `-` is `./-`)",
            ));
        }
        return Ok(false);
    }
    if args.paths.len() > 1 || args.files_from.is_some() {
        return Err(Fatal::usage(
            "`-` (standard input) must be the only PATH, without --files-from",
        ));
    }
    let Some(name) = args.name.as_deref() else {
        return Err(Fatal::usage(
            "uploading standard input (`-`) needs --name NAME for the remote file",
        ));
    };
    if name.is_empty() || name == "." || name == ".." {
        return Err(Fatal::usage(format!("--name `{name}`: not a file name")));
    }
    // The same rules as names found in a tree.
    transfer::plan::check_name(std::ffi::OsStr::new(name), false)
        .map_err(|why| Fatal::usage(format!("--name: {why}")))?;
    if args.dry_run {
        return Err(Fatal::usage("--dry-run cannot be used with standard input"));
    }
    if args.shard.is_some() {
        return Err(Fatal::usage("--shard cannot be used with standard input"));
    }
    Ok(true)
}

/// Open the `--receipt` file for this run (a fresh receipt, or the one an interrupted run of
/// the same command left, continued).
fn open_receipt(
    path: &std::path::Path,
    opts: &UploadOptions,
    stdin: Option<&transfer::stdin::StdinOptions>,
    printer: &Printer,
) -> anyhow::Result<output::receipt::ReceiptWriter> {
    use output::receipt::{Opened, ReceiptWriter, RunInfo};
    let mut sources: Vec<String> = opts
        .paths
        .iter()
        .map(|p| {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let mut s = abs.to_string_lossy().into_owned();
            if p.to_string_lossy().ends_with('/') && !s.ends_with('/') {
                s.push('/');
            }
            s
        })
        .collect();
    match &opts.files_from {
        Some(FilesFrom::Stdin) => sources.push("files-from:-".into()),
        Some(FilesFrom::File(p)) => sources.push(format!(
            "files-from:{}",
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
        )),
        None => {}
    }
    if let Some(s) = stdin {
        sources.push(format!("stdin:{}", s.name));
    }
    let info = RunInfo {
        api_base: opts.api_base.clone(),
        workspace_id: opts.workspace_id.clone(),
        destination: opts.dest_clean(),
        sources,
        shard: opts.shard,
        command: output::receipt::redacted_command(std::env::args_os()),
    };
    let (writer, opened) = ReceiptWriter::open(path, &info).map_err(Fatal::usage)?;
    if let Opened::Resumed { files } = opened {
        printer.line(&format!(
            "continuing the receipt `{}` ({files} files already recorded)",
            path.display()
        ));
    }
    Ok(writer)
}

/// After a standard-input upload: where it went and its SHA-256, on stderr.
#[derive(Default)]
struct StdinResult {
    done: Option<(String, u64, String)>,
}

impl Sink for StdinResult {
    fn event(&mut self, e: &transfer::Event) {
        if let transfer::Event::FileDone {
            remote_path,
            size,
            sha256,
            ..
        } = e
        {
            self.done = Some((remote_path.clone(), *size, sha256.clone()));
        }
    }

    fn finish(self: Box<Self>) {
        if let Some((remote, size, sha)) = self.done {
            eprintln!(
                "fastio: stored `{}` ({size} bytes), SHA-256 {sha} (checked with the server)",
                output::escape(&remote)
            );
        }
    }
}

/// Create the destination folder if needed and lock it (300 s, heartbeated). The workspace
/// root is never locked; a server that does not lock folders gets one line and an upload
/// without a lock (`None`). Someone else's lock stops the upload.
async fn lock_destination(
    ctx: &Context,
    client: &crate::api::Client,
    workspace_id: &str,
    dest: &str,
) -> anyhow::Result<Option<crate::transfer::lock_keeper::HeldLock>> {
    let quiet = ctx.global.quiet;
    use crate::transfer::lock_keeper::{self, AcquireOpts, HeldLock};
    let label = split_remote_path(dest).map_err(Fatal::usage)?.join("/");
    if label.is_empty() {
        if !quiet {
            eprintln!(
                "fastio: warning: --lock does not lock the workspace root; uploading without a \
                 lock (pass --to FOLDER to lock a destination folder)"
            );
        }
        return Ok(None);
    }
    let shown = label.as_str();
    let folders = crate::api::FolderResolver::new(client.clone(), workspace_id.to_string(), true);
    let folder_id = folders
        .ensure(&label)
        .await
        .with_context(|| format!("creating the destination folder `{shown}`"))?;
    let opts = AcquireOpts {
        duration: 300,
        wait: None,
        client_info: ctx.settings.client_info(),
        heartbeat_every: ctx.settings.lock_heartbeat,
    };
    let held = match HeldLock::acquire(client, workspace_id, &folder_id, shown, &opts).await {
        Ok(held) => held,
        Err(e @ lock_keeper::AcquireError::Locked { .. }) => {
            return Err(Fatal::new(ExitStatus::PartialFailure, e.to_string()).into());
        }
        // The server refuses to lock this folder (folder locks unsupported, or not allowed):
        // say so and upload without a lock.
        Err(lock_keeper::AcquireError::Api { source, .. })
            if matches!(
                source.status(),
                Some(400 | 403 | 404 | 405 | 406 | 409 | 412)
            ) && !source.is_unauthenticated() =>
        {
            if !quiet {
                eprintln!(
                    "fastio: warning: the server would not lock `{shown}` ({source}); uploading \
                     without a lock"
                );
            }
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    if !quiet {
        eprintln!("fastio: locked `{shown}` for this upload");
    }
    Ok(Some(held))
}

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP alike. First: start nothing new, cancel what is still
/// in flight after 1.5 s. Second: cancel what is in flight now. Either way the run ends on the
/// main path: locks released, summary printed, exit 128 + the first signal's number.
async fn watch_signals(cancel: Cancel) {
    let mut signals = crate::commands::signals::Signals::new();
    let Some(first) = signals.next().await else {
        return;
    };
    cancel.set_signal(first);
    eprintln!(
        "fastio: interrupted ({}): finishing requests in flight (Ctrl-C again to stop them now)",
        output::signal_name(first)
    );
    cancel.stop.cancel();
    let abort = cancel.abort.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        abort.cancel();
    });
    if signals.next().await.is_some() {
        eprintln!("fastio: stopping requests in flight now");
        cancel.abort.cancel();
    }
}
