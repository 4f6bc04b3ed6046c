//! Remote folder paths → folder node ids, with a cache safe under concurrency.
//!
//! `"reports/2026"` is resolved one segment at a time from the workspace root. In create mode each
//! missing segment is made with the idempotent `createfolder` (§4), exactly once per path even when
//! many tasks ask at the same moment (one `OnceCell` per path). In lookup mode (dry runs, `lock`,
//! `ask`) nothing is written: segments are found by listing their parent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::storage::{create_folder, list_folder};
use super::{ApiError, Client};

/// Split a remote path into clean segments: `/a//b/` → `["a", "b"]`. `.` segments are dropped;
/// `..` is refused.
pub fn split_remote_path(path: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(format!("remote path `{path}` must not contain `..`")),
            s => out.push(s),
        }
    }
    Ok(out)
}

/// Join clean segments into the cache key / display form (`a/b`, `""` for the root).
pub fn join_remote_path<'a>(segs: impl IntoIterator<Item = &'a str>) -> String {
    segs.into_iter().collect::<Vec<_>>().join("/")
}

type Cell = Arc<OnceCell<Option<String>>>;

/// Resolves remote folder paths under one workspace's root and caches the answers.
///
/// ```ignore
/// let folders = FolderResolver::new(client.clone(), ws.id.clone(), true);
/// let id: String = folders.ensure("reports/2026").await?;        // created if missing
/// let maybe: Option<String> = folders.lookup("reports/2026").await?; // read-only
/// ```
pub struct FolderResolver {
    client: Client,
    workspace_id: String,
    create: bool,
    cells: Mutex<HashMap<String, Cell>>,
}

impl FolderResolver {
    /// `create`: make missing folders (`ensure`); otherwise only look them up.
    pub fn new(client: Client, workspace_id: String, create: bool) -> FolderResolver {
        FolderResolver {
            client,
            workspace_id,
            create,
            cells: Mutex::new(HashMap::new()),
        }
    }

    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// Whether this resolver creates missing folders.
    pub fn creates(&self) -> bool {
        self.create
    }

    fn cell(&self, key: &str) -> Cell {
        self.cells
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    /// The cached answer for `path`, without any request: `None` when not resolved yet.
    pub fn cached(&self, path: &str) -> Option<Option<String>> {
        let segs = split_remote_path(path).ok()?;
        if segs.is_empty() {
            return Some(Some("root".into()));
        }
        let key = join_remote_path(segs.iter().copied());
        self.cells.lock().unwrap().get(&key)?.get().cloned()
    }

    /// The folder id for `path` (`""` or `/` = `root`): `Some(id)`, or `None` when it does not
    /// exist (lookup mode only; create mode makes it). Each path is resolved once.
    pub async fn resolve(&self, path: &str) -> Result<Option<String>, ApiError> {
        let segs = split_remote_path(path).map_err(|detail| ApiError::Decode {
            method: "-".into(),
            path: path.into(),
            detail,
        })?;
        let mut parent = Some("root".to_string());
        for i in 0..segs.len() {
            let Some(parent_id) = parent else {
                return Ok(None);
            };
            let key = join_remote_path(segs[..=i].iter().copied());
            let name = segs[i];
            let cell = self.cell(&key);
            parent = cell
                .get_or_try_init(|| self.resolve_one(parent_id, name))
                .await?
                .clone();
        }
        Ok(parent)
    }

    /// Like [`FolderResolver::resolve`] in create mode: always an id.
    pub async fn ensure(&self, path: &str) -> Result<String, ApiError> {
        debug_assert!(self.create, "ensure() on a lookup-only FolderResolver");
        self.resolve(path).await.and_then(|id| {
            id.ok_or_else(|| ApiError::Decode {
                method: "-".into(),
                path: path.into(),
                detail: "folder does not exist".into(),
            })
        })
    }

    /// Read-only lookup regardless of mode (uses and fills the same cache only in lookup mode).
    pub async fn lookup(&self, path: &str) -> Result<Option<String>, ApiError> {
        if !self.create {
            return self.resolve(path).await;
        }
        let probe = FolderResolver::new(self.client.clone(), self.workspace_id.clone(), false);
        probe.resolve(path).await
    }

    /// One segment. Retries are the client's (commands) or the caller's (the upload engine,
    /// whose client has none): never both.
    async fn resolve_one(&self, parent_id: String, name: &str) -> Result<Option<String>, ApiError> {
        if self.create {
            let node = create_folder(&self.client, &self.workspace_id, &parent_id, name).await?;
            if let Some(got) = super::names::renamed_folder(name, &node.name) {
                // A file of that name is in the way and the server auto-renamed the folder
                // (`name (2)`): uploading there would put files where nobody asked.
                return Err(ApiError::NameTaken {
                    name: name.to_string(),
                    got,
                });
            }
            return Ok(Some(node.id));
        }
        let children = list_folder(&self.client, &self.workspace_id, &parent_id).await?;
        Ok(children
            .into_iter()
            .find(|n| n.is_folder() && n.name == name)
            .map(|n| n.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_paths_split_cleanly() {
        assert_eq!(
            split_remote_path("/reports//2026/").unwrap(),
            ["reports", "2026"]
        );
        assert!(split_remote_path("").unwrap().is_empty());
        assert_eq!(split_remote_path("./a/.").unwrap(), ["a"]);
        assert!(split_remote_path("a/../b").is_err());
        assert_eq!(join_remote_path(["a", "b c"]), "a/b c");
    }
}
