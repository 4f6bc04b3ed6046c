//! Remote targets typed by the user (`reports/2026`, `notes/a.md`, a node id) → storage nodes, for
//! `lock` and `ask`. Folder segments go through the upload core's [`FolderResolver`] in lookup
//! mode (nothing is created); the last segment is found by listing its parent.

use anyhow::Context as _;

use crate::api::folders::split_remote_path;
use crate::api::storage::{list_folder, node_details};
use crate::api::{Client, FolderResolver, Node};
use crate::exit::UsageError;

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    pub node_id: String,
    /// The path as the user typed it, cleaned (`""` for the root), for messages.
    pub label: String,
    pub node: Option<Node>,
}

impl Target {
    pub fn is_folder(&self) -> bool {
        self.node.as_ref().is_none_or(Node::is_folder)
    }
}

/// Could this be an opaque node id rather than a path? (Used only to decide what to try first;
/// ids are never parsed.)
fn looks_like_id(s: &str) -> bool {
    !s.contains('/')
        && s.len() >= 20
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.chars().any(|c| c.is_ascii_digit())
}

/// Resolve `target` in workspace `workspace_id`: a remote path under the root, or a node id.
/// A path that does not exist is a usage error naming it.
pub async fn resolve(client: &Client, workspace_id: &str, target: &str) -> anyhow::Result<Target> {
    let trimmed = target.trim();
    if looks_like_id(trimmed) {
        match node_details(client, workspace_id, trimmed).await {
            Ok(node) => {
                return Ok(Target {
                    node_id: node.id.clone(),
                    label: trimmed.to_string(),
                    node: Some(node),
                });
            }
            // Not a node id after all (unknown, or refused as malformed): try it as a path.
            Err(e) if e.is_not_found() || matches!(e.status(), Some(400 | 406)) => {}
            Err(e) => return Err(e).with_context(|| format!("looking up node `{trimmed}`")),
        }
    }
    let segs = split_remote_path(trimmed).map_err(UsageError::new)?;
    let label = segs.join("/");
    let Some((name, parents)) = segs.split_last() else {
        return Ok(Target {
            node_id: "root".into(),
            label,
            node: None,
        });
    };
    let folders = FolderResolver::new(client.clone(), workspace_id.to_string(), false);
    let parent_path = parents.join("/");
    let not_found = || UsageError::new(format!("remote path `{label}` not found"));
    let parent_id = folders
        .resolve(&parent_path)
        .await
        .with_context(|| format!("resolving `{label}`"))?
        .ok_or_else(not_found)?;
    let children = list_folder(client, workspace_id, &parent_id)
        .await
        .with_context(|| format!("listing `{parent_path}`"))?;
    let node = children
        .into_iter()
        .find(|n| n.name == *name)
        .ok_or_else(not_found)?;
    Ok(Target {
        node_id: node.id.clone(),
        label,
        node: Some(node),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_heuristic() {
        assert!(looks_like_id("2abcd-efgh1-ijklm-nopqr-stuvw-xyz"));
        assert!(!looks_like_id("reports/2026"));
        assert!(!looks_like_id("short1"));
        assert!(!looks_like_id("a-folder-name-without-digits"));
    }
}
