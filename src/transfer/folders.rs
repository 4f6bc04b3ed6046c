//! The run's folder work on the [`RemoteTree`]: each remote folder's state from its parent's
//! listing, `createfolder` where an id is needed, look-ups after the server made a folder, and
//! the count of folders created. See `remote.rs` for the rules.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;

use super::context::Context;
use super::remote::{Dir, cell, in_the_way, split_parent};
use super::{Event, FileError};
use crate::api::storage;
use crate::api::{ApiError, Node};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Context {
    /// The state of remote folder `path` (`""` = root), found once per run.
    pub fn dir_state<'a>(&'a self, path: &'a str) -> BoxFuture<'a, Result<Dir, FileError>> {
        Box::pin(async move {
            if path.is_empty() {
                return Ok(Dir::Exists("root".into()));
            }
            let c = cell(&self.remote.dirs, path);
            c.get_or_try_init(|| async {
                let (parent, name) = split_parent(path);
                Ok(match self.dir_state(parent).await? {
                    Dir::Missing => Dir::Missing,
                    blocked @ Dir::Blocked { .. } => blocked,
                    Dir::Exists(pid) => {
                        let listing = self.listing(&pid).await?;
                        // The exact name, else one the server may hold normalised (NFC,
                        // trimmed, another case): the folder it would answer with.
                        let twin = listing.get(name).or_else(|| {
                            let want = crate::api::names::fold(name);
                            listing
                                .values()
                                .find(|n| n.is_folder() && crate::api::names::fold(&n.name) == want)
                        });
                        match twin {
                            None => Dir::Missing,
                            Some(n) if n.is_folder() => Dir::Exists(n.id.clone()),
                            Some(_) => Dir::Blocked {
                                path: path.to_string(),
                            },
                        }
                    }
                })
            })
            .await
            .cloned()
        })
    }

    /// The id of remote folder `path`, created (with its missing ancestors) when it is not
    /// there. Never called in a dry run.
    pub fn ensure_dir<'a>(&'a self, path: &'a str) -> BoxFuture<'a, Result<String, FileError>> {
        Box::pin(async move {
            match self.dir_state(path).await? {
                Dir::Exists(id) => return Ok(id),
                Dir::Blocked { path } => return Err(in_the_way(&path)),
                Dir::Missing => {}
            }
            let c = cell(&self.remote.made, path);
            c.get_or_try_init(|| async {
                let (parent, name) = split_parent(path);
                let pid = self.ensure_dir(parent).await?;
                let node = self
                    .retrier()
                    .run("create folder", || {
                        storage::create_folder(&self.client, &self.opts.workspace_id, &pid, name)
                    })
                    .await
                    .map_err(|e| self.in_folder(&pid, e))?;
                // A name that comes back normalised (NFC, trimmed), in another case or not at
                // all is the folder asked for; only the auto-renamed form (`name (2)`) means
                // something of that name appeared since the listing. Files must not land there.
                if let Some(got) = crate::api::names::renamed_folder(name, &node.name) {
                    return Err(FileError::Api(ApiError::NameTaken {
                        name: name.to_string(),
                        got,
                    }));
                }
                self.mark_created(path);
                Ok(node.id)
            })
            .await
            .cloned()
        })
    }

    /// The id of remote folder `path` as it is now (after this run may have made it through a
    /// batch): the known id, else found by listing its parent. `None`: not there.
    pub fn dir_id_now<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, FileError>> {
        Box::pin(async move {
            if let Dir::Exists(id) = self.dir_state(path).await? {
                return Ok(Some(id));
            }
            if let Some(id) = self
                .remote
                .made
                .lock()
                .unwrap()
                .get(path)
                .and_then(|c| c.get())
            {
                return Ok(Some(id.clone()));
            }
            if let Some(id) = self.remote.found.lock().unwrap().get(path) {
                return Ok(Some(id.clone()));
            }
            let (parent, name) = split_parent(path);
            let Some(pid) = self.dir_id_now(parent).await? else {
                return Ok(None);
            };
            let children = self.list_fresh(&pid).await?;
            let mut found = self.remote.found.lock().unwrap();
            let mut hit = None;
            for n in children.into_iter().filter(Node::is_folder) {
                let child = super::plan::remote_join(parent, &n.name);
                if n.name == name {
                    hit = Some(n.id.clone());
                }
                found.insert(child, n.id);
            }
            Ok(hit)
        })
    }

    /// A file now lives under `dir`: every folder on its way that was missing at the start is
    /// counted (and reported) as created, once, outermost first. In a dry run: would be.
    pub fn mark_created(&self, dir: &str) {
        let mut path = dir;
        let mut new = Vec::new();
        while !path.is_empty() {
            let missing = self
                .remote
                .dirs
                .lock()
                .unwrap()
                .get(path)
                .and_then(|c| c.get().cloned())
                .is_none_or(|d| d == Dir::Missing);
            if !missing || !self.remote.created.lock().unwrap().insert(path.to_string()) {
                break;
            }
            new.push(path.to_string());
            path = split_parent(path).0;
        }
        for remote_path in new.into_iter().rev() {
            self.counters.folders.fetch_add(1, Ordering::Relaxed);
            self.events.emit(Event::FolderCreated {
                remote_path,
                dry_run: self.opts.dry_run,
            });
        }
    }
}
