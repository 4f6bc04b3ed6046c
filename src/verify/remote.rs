//! Read-only lookups of remote paths: each folder is listed once (all pages, `output=full`, so
//! the nodes carry their digests) and kept for the rest of the run.

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::folders::{join_remote_path, split_remote_path};
use crate::api::{ApiError, Client, Node, storage};

/// Folders listed so far, by folder id, and folder paths resolved so far.
pub struct RemoteIndex {
    client: Client,
    workspace_id: String,
    listings: HashMap<String, Arc<Vec<Node>>>,
    folders: HashMap<String, Option<String>>,
}

/// The most folders [`RemoteIndex::files_under`] walks (a bound on a runaway tree).
pub const WALK_MAX_FOLDERS: usize = 1_000_000;

impl RemoteIndex {
    pub fn new(client: Client, workspace_id: String) -> RemoteIndex {
        RemoteIndex {
            client,
            workspace_id,
            listings: HashMap::new(),
            folders: HashMap::from([(String::new(), Some("root".to_string()))]),
        }
    }

    /// The children of a folder (listed once).
    pub async fn children(&mut self, folder_id: &str) -> Result<Arc<Vec<Node>>, ApiError> {
        if let Some(l) = self.listings.get(folder_id) {
            return Ok(l.clone());
        }
        let nodes = storage::list_folder(&self.client, &self.workspace_id, folder_id).await?;
        let l = Arc::new(nodes);
        self.listings.insert(folder_id.to_string(), l.clone());
        Ok(l)
    }

    /// The folder id at `path` (`""` = root), `None` when it does not exist.
    pub async fn folder(&mut self, path: &str) -> Result<Option<String>, ApiError> {
        let segs: Vec<String> = split_remote_path(path)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut id = "root".to_string();
        for i in 0..segs.len() {
            let key = join_remote_path(segs[..=i].iter().map(String::as_str));
            if let Some(known) = self.folders.get(&key) {
                match known {
                    Some(k) => {
                        id = k.clone();
                        continue;
                    }
                    None => return Ok(None),
                }
            }
            let found = self
                .children(&id)
                .await?
                .iter()
                .find(|n| n.name == segs[i] && n.is_folder())
                .map(|n| n.id.clone());
            self.folders.insert(key, found.clone());
            match found {
                Some(f) => id = f,
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    /// The node at `remote_path` (a file or folder), `None` when nothing is there.
    pub async fn node(&mut self, remote_path: &str) -> Result<Option<Node>, ApiError> {
        let (dir, name) = match remote_path.rsplit_once('/') {
            Some((d, n)) => (d, n),
            None => ("", remote_path),
        };
        let Some(folder) = self.folder(dir).await? else {
            return Ok(None);
        };
        let children = self.children(&folder).await?;
        // A file of that name wins over a folder of that name.
        Ok(children
            .iter()
            .filter(|n| n.name == name)
            .max_by_key(|n| n.is_file())
            .cloned())
    }

    /// Every file below the folder at `path`, with its remote path. Empty when the folder
    /// does not exist.
    pub async fn files_under(&mut self, path: &str) -> Result<Vec<(String, Node)>, ApiError> {
        let base = split_remote_path(path).unwrap_or_default().join("/");
        let Some(root) = self.folder(&base).await? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut stack = vec![(root, base)];
        let mut walked = 0usize;
        while let Some((id, prefix)) = stack.pop() {
            walked += 1;
            if walked > WALK_MAX_FOLDERS {
                break;
            }
            for n in self.children(&id).await?.iter() {
                let p = crate::transfer::plan::remote_join(&prefix, &n.name);
                if n.is_folder() {
                    stack.push((n.id.clone(), p));
                } else if n.is_file() {
                    out.push((p, n.clone()));
                }
            }
        }
        Ok(out)
    }
}
