//! The remote folders of a run: each folder on the way to a file is resolved once, found in its
//! parent's listing (the same cached listing the skip checks read) or else created, and counted
//! as created only then; a dry run counts the same folders as to be created, without creating
//! them. So `--dry-run`'s count is what the real run creates, and `folders_created` is the
//! number created: neither counts a folder that was already there. Only folders with a file to
//! upload under them are made: an empty local folder is not created remotely.
//!
//! A folder this run created has nothing in it yet: its listing is known (empty) without a
//! request.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::OnceCell;

use super::context::Context;
use super::plan::PlannedFile;
use super::{Event, FileError};
use crate::api::folders::{join_remote_path, split_remote_path};
use crate::api::{ApiError, storage};

impl Context {
    /// The remote folder of `f`, created (unless a dry run) with every folder on its way.
    /// `None`: dry run, and it does not exist yet.
    pub(super) async fn folder_for(&self, f: &PlannedFile) -> Result<Option<String>, FileError> {
        let segs = split_remote_path(&f.remote_dir).map_err(FileError::Server)?;
        let mut parent = Some("root".to_string());
        for i in 0..segs.len() {
            let key = join_remote_path(segs[..=i].iter().copied());
            let cell = self
                .dirs
                .lock()
                .unwrap()
                .entry(key.clone())
                .or_default()
                .clone();
            let above = parent.take();
            parent = cell
                .get_or_try_init(|| self.resolve_dir(above, segs[i], &key))
                .await?
                .clone();
        }
        Ok(parent)
    }

    /// Folder `name` (at `path`) under `parent` (`None`: a folder this dry run would create).
    async fn resolve_dir(
        &self,
        parent: Option<String>,
        name: &str,
        path: &str,
    ) -> Result<Option<String>, FileError> {
        if let Some(parent) = &parent {
            let listing = self.listing(parent).await?;
            match listing.get(name) {
                Some(n) if n.is_folder() => return Ok(Some(n.id.clone())),
                Some(_) => return Err(FileError::FileInTheWay(path.to_string())),
                None => {}
            }
        }
        self.counters.folders.fetch_add(1, Ordering::Relaxed);
        let Some(parent) = parent.filter(|_| !self.opts.dry_run) else {
            self.events.emit(Event::FolderCreated {
                remote_path: path.to_string(),
            });
            return Ok(None);
        };
        let ws = &self.opts.workspace_id;
        let node = self
            .retrier()
            .run("create folder", || {
                storage::create_folder(&self.client, ws, &parent, name)
            })
            .await
            .map_err(|e| self.in_folder(&parent, e))?;
        if node.name != name {
            // A file of that name appeared meanwhile and the server auto-renamed the folder.
            return Err(FileError::Api(ApiError::NameTaken {
                name: name.to_string(),
                got: node.name,
            }));
        }
        // Nothing is in a folder just made: no need to list it.
        let empty = Arc::new(HashMap::new());
        self.listings
            .lock()
            .unwrap()
            .insert(node.id.clone(), Arc::new(OnceCell::new_with(Some(empty))));
        Ok(Some(node.id))
    }
}
