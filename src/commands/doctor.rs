//! `fastio doctor`: run the checks of [`crate::doctor`] and render them as a table (or NDJSON)
//! as they finish. Ctrl-C / SIGTERM stop further checks; the scratch folder is removed anyway.

use tokio_util::sync::CancellationToken;

use crate::cli::DoctorArgs;
use crate::commands::Context;
use crate::doctor::{self, Check};
use crate::exit::ExitStatus;

pub async fn doctor(ctx: &Context, args: DoctorArgs) -> anyhow::Result<ExitStatus> {
    let (client, _source) = ctx.client()?;
    let opts = doctor::Options {
        workspace: ctx.workspace(args.workspace.as_deref())?,
        read_only: args.read_only,
        all: args.all,
        import_url: args.import_url,
        assembly_timeout: args.assembly_timeout,
        client_info: ctx.settings.client_info(),
    };
    let json = ctx.global.json;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Check>();
    let printer = tokio::spawn(async move {
        if !json {
            crate::output::doctor::header();
        }
        while let Some(c) = rx.recv().await {
            crate::output::doctor::check(&c, json);
        }
    });
    let stop = CancellationToken::new();
    let signals = tokio::spawn(crate::signals::stop_on_signal(stop.clone()));
    let report = doctor::run(&client, opts, tx, stop).await;
    let _ = printer.await;
    signals.abort();
    crate::output::doctor::summary(&ctx.printer, &report);
    Ok(crate::exit::doctor_status(&report))
}
