//! `fastio import-url`: check the URLs ([`crate::imports::input`]), create the destination
//! folder, import ([`crate::imports::run`]) with a renderer ([`crate::output::import`]) on its
//! events; `exit.rs` picks the exit code from the summary.

use std::time::Duration;

use anyhow::Context as _;

use crate::api::{FolderResolver, resolve_workspace};
use crate::cli::ImportUrlArgs;
use crate::commands::Context;
use crate::exit::{self, ExitStatus, UsageError};
use crate::imports::{Destination, ImportOptions, import_all, input};
use crate::output::import::ImportReport;

pub async fn import_url(ctx: &Context, args: ImportUrlArgs) -> anyhow::Result<ExitStatus> {
    let urls = input::gather(&args.urls, args.urls_from.as_deref(), args.name.as_deref())
        .map_err(UsageError::new)?;
    let (client, _) = ctx.client()?;
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg).await?;
    let folder_path = crate::api::folders::split_remote_path(&args.to)
        .map_err(UsageError::new)?
        .join("/");
    let folders = FolderResolver::new(client.clone(), ws.id.clone(), true);
    let folder_id = folders
        .ensure(&folder_path)
        .await
        .with_context(|| format!("creating the destination folder `{folder_path}`"))?;
    let report = ImportReport::start(&ctx.printer, urls.len(), &folder_path);
    let dest = Destination {
        workspace_id: ws.id.clone(),
        folder_id,
        folder_path,
    };
    let opts = ImportOptions {
        name: args.name,
        no_wait: args.no_wait,
        timeout: Duration::from_secs(args.timeout.max(1)),
        concurrency: args.concurrency as usize,
    };
    let summary = import_all(&client, &dest, urls, &opts, |e| report.event(&e)).await;
    report.finish(&summary);
    Ok(exit::import_status(&summary))
}
