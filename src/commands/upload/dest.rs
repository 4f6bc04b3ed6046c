//! The destination checked before anything is written: no segment of `--to` is a file on the
//! server (which would make every folder creation an auto-renamed `name (2)`, `name (3)`, …
//! and every file fail), and the workspace exists.

use anyhow::Context as _;

use crate::api::error::WorkspaceError;
use crate::api::folders::split_remote_path;
use crate::api::{Client, storage};
use crate::exit::UsageError;

/// Read-only: `Err` naming the problem when a segment of `dest` is not a folder, or when the
/// workspace turns out to be missing on the way. Stops at the first segment that does not
/// exist (the upload creates it and the rest). Without `--to` nothing is asked here: the
/// upload's first call (the target's limits) finds a missing workspace.
pub async fn check(client: &Client, workspace_id: &str, dest: &str) -> anyhow::Result<()> {
    let segs = split_remote_path(dest).map_err(UsageError::new)?;
    let mut parent = "root".to_string();
    let mut path = Vec::new();
    for seg in segs {
        let children = match storage::list_folder(client, workspace_id, &parent).await {
            Err(e) if e.is_not_found() && parent == "root" => {
                return Err(WorkspaceError::NotFound(workspace_id.into()).into());
            }
            other => other.with_context(|| {
                format!("looking up the destination `{}`", dest.trim_matches('/'))
            })?,
        };
        path.push(seg);
        let same: Vec<_> = children.iter().filter(|n| n.name == seg).collect();
        match same.iter().find(|n| n.is_folder()) {
            Some(folder) => parent = folder.id.clone(),
            None if same.is_empty() => return Ok(()),
            None => {
                let at = path.join("/");
                let what = if dest_is(&at, dest) {
                    format!("--to `{at}` is a file on the server, not a folder")
                } else {
                    format!(
                        "--to `{}`: `{at}` is a file on the server, not a folder",
                        dest.trim_matches('/')
                    )
                };
                return Err(UsageError::new(format!(
                    "{what}; nothing was sent (choose another destination)"
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// Is the cleaned path `at` the whole of `dest`?
fn dest_is(at: &str, dest: &str) -> bool {
    split_remote_path(dest).is_ok_and(|s| s.join("/") == at)
}
