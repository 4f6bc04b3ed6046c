//! `fastio bench`: run the sweep of [`crate::bench`] and render it: a progress bar on stderr
//! while it runs, one table row (or `--json` object) per step, the recommendation at the end.
//! Ctrl-C / SIGTERM abandon the step in flight; the scratch folder is removed anyway.

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::bench::{self, Preset, Update};
use crate::cli::{BenchArgs, BenchPreset};
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn bench(ctx: &Context, args: BenchArgs) -> anyhow::Result<ExitStatus> {
    let (groups, folders) = match (args.size, args.files) {
        (None, None) => {
            let preset = match args.preset {
                BenchPreset::Small => Preset::Small,
                BenchPreset::Large => Preset::Large,
                BenchPreset::Mixed => Preset::Mixed,
                BenchPreset::Tree => Preset::Tree,
            };
            (preset.groups(), args.folders.unwrap_or(preset.folders()))
        }
        (size, files) => (
            vec![(size.unwrap_or(1 << 20), files.unwrap_or(1))],
            args.folders.unwrap_or(1),
        ),
    };
    let printer = ctx.printer.clone();
    let (client, _source) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = crate::api::resolve_workspace(&client, &ws_arg)
        .await
        .with_context(|| format!("resolving workspace `{ws_arg}`"))?;
    let opts = bench::Options {
        workspace_id: ws.id.clone(),
        groups,
        folders,
        steps: bench::steps_or_default(&args.concurrency),
        retries: args.retries,
        assembly_timeout: args.assembly_timeout,
        api_base: client.base().to_string(),
    };
    let bwlimit = client.bwlimit().map(|l| l.rate());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Update>();
    let render = tokio::spawn(crate::output::bench::render(
        printer.clone(),
        rx,
        opts.bytes(),
    ));
    let stop = CancellationToken::new();
    let signals = tokio::spawn(crate::signals::stop_on_signal(stop.clone()));
    let result = bench::run(&client, opts, tx, stop).await;
    let _ = render.await;
    signals.abort();
    let report = result?;
    crate::output::bench::summary(&printer, &report, bwlimit);
    Ok(crate::exit::bench_status(&report))
}
