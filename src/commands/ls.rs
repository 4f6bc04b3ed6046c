//! `fastio ls`: the workspaces this credential can use, or a remote folder (and with `-R`
//! everything below it), page by page.

use anyhow::Context as _;

use crate::api::folders::split_remote_path;
use crate::api::storage::{self, Node};
use crate::api::workspace::list_workspaces;
use crate::api::{FolderResolver, resolve_workspace};
use crate::cli::LsArgs;
use crate::commands::Context;
use crate::exit::{ExitStatus, UsageError};
use crate::output::ls::Lister;

/// Entries per listing request (the largest page the service offers).
const PAGE: u32 = 500;

/// A remote path that is not there (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("`{0}`: no such file or folder in the workspace")]
pub struct NotFound(String);

pub async fn ls(ctx: &Context, args: LsArgs) -> anyhow::Result<ExitStatus> {
    let (client, _source) = ctx.client()?;
    let mut out = Lister::new(ctx.printer.clone(), args.long);
    if args.workspaces {
        let all = list_workspaces(&client)
            .await
            .with_context(|| format!("listing workspaces on {}", client.origin()))?;
        for w in &all {
            out.workspace(w);
        }
        out.finish("", true);
        return Ok(ExitStatus::Success);
    }
    let path = split_remote_path(&args.path)
        .map_err(|e| UsageError::new(format!("REMOTE_PATH `{}`: {e}", args.path)))?
        .join("/");
    let ws_arg = ctx.workspace(args.workspace.as_deref())?;
    let ws = resolve_workspace(&client, &ws_arg)
        .await
        .with_context(|| format!("resolving workspace `{ws_arg}` on {}", client.origin()))?;
    let folders = FolderResolver::new(client.clone(), ws.id.clone(), false);
    let listing = || format!("listing `{path}` in workspace `{}`", ws.name);
    let Some(folder_id) = folders.lookup(&path).await.with_context(listing)? else {
        // Not a folder: a file of that name, or nothing.
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", &path));
        let file = match folders.lookup(parent).await.with_context(listing)? {
            Some(pid) => storage::list_folder(&client, &ws.id, &pid)
                .await
                .with_context(listing)?
                .into_iter()
                .find(|n| n.name == name),
            None => None,
        };
        let Some(file) = file.filter(|_| !path.is_empty()) else {
            return Err(NotFound(path).into());
        };
        out.entry(&path, &file);
        out.finish(&path, false);
        return Ok(ExitStatus::Success);
    };
    // Folders still to list (with -R): depth first, only ids and paths are kept.
    let mut todo = vec![(folder_id, path.clone())];
    while let Some((id, dir)) = todo.pop() {
        let mut cursor: Option<String> = None;
        let mut below = Vec::new();
        loop {
            let (items, next) = storage::list_page(&client, &ws.id, &id, PAGE, cursor.as_deref())
                .await
                .with_context(|| format!("listing `{dir}` in workspace `{}`", ws.name))?;
            for n in items.iter().filter_map(Node::from_json) {
                let p = match dir.is_empty() {
                    true => n.name.clone(),
                    false => format!("{dir}/{}", n.name),
                };
                out.entry(&p, &n);
                if args.recursive && n.is_folder() {
                    below.push((n.id, p));
                }
            }
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        todo.extend(below.into_iter().rev());
    }
    out.finish(&path, false);
    Ok(ExitStatus::Success)
}
