//! The run's folder work on the [`RemoteTree`]: each remote folder's state from its parent's
//! listing, `createfolder` where an id is needed, look-ups after the server made a folder, and
//! the count of folders created. See `remote.rs` for the rules.

use std::sync::atomic::Ordering;

use super::context::Context;
use super::remote::{Dir, cell, in_the_way, split_parent};
use super::{Event, FileError};
use crate::api::storage;
use crate::api::{ApiError, Node};

/// The prefixes of a remote folder path, outermost first: `a/b/c` → `a`, `a/b`, `a/b/c`.
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/')
        .map(move |(i, _)| &path[..i])
        .chain((!path.is_empty()).then_some(path))
}

impl Context {
    /// The state of remote folder `path` (`""` = root), found once per run. Resolved from the
    /// root down, one level at a time (each level's answer cached), so no request waits on a
    /// chain of nested look-ups.
    pub async fn dir_state(&self, path: &str) -> Result<Dir, FileError> {
        let mut state = Dir::Exists("root".into());
        for prefix in prefixes(path) {
            let c = cell(&self.remote.dirs, prefix);
            let parent = state;
            state = c
                .get_or_try_init(|| self.child_state(parent, prefix))
                .await?
                .clone();
        }
        Ok(state)
    }

    /// The state of `path` given its parent's.
    async fn child_state(&self, parent: Dir, path: &str) -> Result<Dir, FileError> {
        let (_, name) = split_parent(path);
        Ok(match parent {
            Dir::Missing => Dir::Missing,
            blocked @ Dir::Blocked { .. } => blocked,
            Dir::Exists(pid) => {
                let listing = self.listing(&pid).await?;
                // The exact name, else one the server may hold normalised (NFC, trimmed,
                // another case): the folder it would answer with.
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
    }

    /// The id of remote folder `path`, created (with its missing ancestors, outermost first)
    /// when it is not there. Never called in a dry run.
    pub async fn ensure_dir(&self, path: &str) -> Result<String, FileError> {
        let mut pid = "root".to_string();
        for prefix in prefixes(path) {
            pid = match self.dir_state(prefix).await? {
                Dir::Exists(id) => id,
                Dir::Blocked { path } => return Err(in_the_way(&path)),
                Dir::Missing => {
                    let c = cell(&self.remote.made, prefix);
                    c.get_or_try_init(|| self.create_one(&pid, prefix))
                        .await?
                        .clone()
                }
            };
        }
        Ok(pid)
    }

    /// `createfolder` of `path`'s last segment in `pid`.
    async fn create_one(&self, pid: &str, path: &str) -> Result<String, FileError> {
        let (_, name) = split_parent(path);
        let node = self
            .retrier()
            .run("create folder", || {
                storage::create_folder(&self.client, &self.opts.workspace_id, pid, name)
            })
            .await
            .map_err(|e| self.in_folder(pid, e))?;
        // A name that comes back normalised (NFC, trimmed), in another case or not at all is
        // the folder asked for; only the auto-renamed form (`name (2)`) means something of that
        // name appeared since the listing. Files must not land there.
        if let Some(got) = crate::api::names::renamed_folder(name, &node.name) {
            return Err(FileError::Api(ApiError::NameTaken {
                name: name.to_string(),
                got,
            }));
        }
        self.mark_created(path);
        Ok(node.id)
    }

    /// The id of remote folder `path` as it is now (after this run may have made it through a
    /// batch): the known id, else found by listing its parent. `None`: not there.
    pub async fn dir_id_now(&self, path: &str) -> Result<Option<String>, FileError> {
        let mut pid = "root".to_string();
        for prefix in prefixes(path) {
            let known = match self.dir_state(prefix).await? {
                Dir::Exists(id) => Some(id),
                _ => {
                    let made = self
                        .remote
                        .made
                        .lock()
                        .unwrap()
                        .get(prefix)
                        .and_then(|c| c.get().cloned());
                    made.or_else(|| self.remote.found.lock().unwrap().get(prefix).cloned())
                }
            };
            pid = match known {
                Some(id) => id,
                None => {
                    let (parent, name) = split_parent(prefix);
                    let children = self.list_fresh(&pid).await?;
                    let mut found = self.remote.found.lock().unwrap();
                    let mut hit = None;
                    for n in children.into_iter().filter(Node::is_folder) {
                        if n.name == name {
                            hit = Some(n.id.clone());
                        }
                        found.insert(super::plan::remote_join(parent, &n.name), n.id);
                    }
                    match hit {
                        Some(id) => id,
                        None => return Ok(None),
                    }
                }
            };
        }
        Ok(Some(pid))
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
