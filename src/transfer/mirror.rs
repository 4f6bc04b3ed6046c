//! `upload --delete`: after a clean run, what the destination holds without a local twin goes
//! to the trash.
//!
//! The walk tells the run every remote path a local file goes to (also files of other shards),
//! every directory argument's remote folder (below which the filters apply) and the remote
//! paths it leaves alone (symlinks not followed, special files). After the uploads, the
//! destination is listed folder by folder; a remote file goes when no local file goes to its
//! path, the filters do not exclude it (unless `--delete-excluded`) and, with `--shard`, this
//! shard owns its path. A folder whose whole content goes is trashed in one call (it and
//! everything in it count); otherwise its content is judged one by one. Remote paths are kept
//! as 64-bit hashes: a million local files cost about 16 MB, only with `--delete`.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use super::context::Context;
use super::plan::{Filters, remote_join};
use super::remote::split_parent;
use super::{Event, FileError};
use crate::api::storage;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the walk said about the local side.
#[derive(Default)]
pub struct Twins {
    files: HashSet<u64>,
    dirs: HashSet<u64>,
    kept: HashSet<u64>,
    roots: Vec<String>,
}

fn h(path: &str) -> u64 {
    super::remote::remote_key(path)
}

impl Twins {
    /// A local file goes to `remote`.
    pub fn file(&mut self, remote: &str) {
        if !self.files.insert(h(remote)) {
            return;
        }
        let mut dir = split_parent(remote).0;
        while !dir.is_empty() && self.dirs.insert(h(dir)) {
            dir = split_parent(dir).0;
        }
    }

    /// `remote` is left alone.
    pub fn kept(&mut self, remote: &str) {
        self.kept.insert(h(remote));
    }

    /// A directory argument's files land under `remote`.
    pub fn root(&mut self, remote: String) {
        if !self.roots.contains(&remote) {
            self.roots.push(remote);
        }
    }
}

/// One thing to trash: a file, or a folder with everything in it.
struct Gone {
    path: String,
    id: String,
    folder: bool,
    /// Nodes it takes with it (itself included).
    count: u64,
}

/// The rules of one deletion pass.
struct Judge<'a> {
    twins: &'a Twins,
    filters: Option<Filters>,
    ctx: &'a Context,
    dest: String,
}

impl Judge<'_> {
    /// Excluded by the filters below one of the directory arguments (kept).
    fn excluded(&self, path: &str, folder: bool) -> bool {
        let Some(filters) = &self.filters else {
            return false;
        };
        self.twins.roots.iter().any(|root| {
            let rel = match root.is_empty() {
                true => Some(path),
                false => path
                    .strip_prefix(root.as_str())
                    .and_then(|r| r.strip_prefix('/')),
            };
            let Some(rel) = rel else { return false };
            let mut dirs = rel.match_indices('/').map(|(i, _)| &rel[..i]);
            if dirs.any(|d| !filters.wants_dir(d)) {
                return true;
            }
            match folder {
                true => !filters.wants_dir(rel),
                false => !filters.wants_file(rel),
            }
        })
    }

    /// This run may delete `path` (`--shard`: it owns it).
    fn owns(&self, path: &str) -> bool {
        self.ctx
            .opts
            .shard
            .is_none_or(|s| s.contains(super::shard::key(path, &self.dest)))
    }

    /// List `folder_id` (at `path`) and below; what goes is added to `out`. `true` when
    /// everything in it goes.
    fn scan<'a>(
        &'a self,
        folder_id: &'a str,
        path: &'a str,
        out: &'a mut Vec<Gone>,
    ) -> BoxFuture<'a, Result<bool, FileError>> {
        Box::pin(async move {
            let mut all = true;
            for n in self.ctx.list_fresh(folder_id).await? {
                let p = remote_join(path, &n.name);
                let key = h(&p);
                if self.twins.files.contains(&key) || self.twins.kept.contains(&key) {
                    all = false;
                    continue;
                }
                if n.is_folder() {
                    if self.excluded(&p, true) {
                        all = false;
                        continue;
                    }
                    let mut inner = Vec::new();
                    let whole = self.scan(&n.id, &p, &mut inner).await?
                        && !self.twins.dirs.contains(&key)
                        && self.owns(&p);
                    if whole {
                        let count = 1 + inner.iter().map(|g| g.count).sum::<u64>();
                        out.push(Gone {
                            path: p,
                            id: n.id,
                            folder: true,
                            count,
                        });
                    } else {
                        all = false;
                        out.extend(inner);
                    }
                } else if self.excluded(&p, false) || !self.owns(&p) {
                    all = false;
                } else {
                    out.push(Gone {
                        path: p,
                        id: n.id,
                        folder: false,
                        count: 1,
                    });
                }
            }
            Ok(all)
        })
    }
}

/// The outcome of a deletion pass.
#[derive(Default)]
pub struct Outcome {
    pub deleted: u64,
    pub failed: u64,
    pub refused: Option<String>,
}

impl Context {
    /// Say why nothing is deleted.
    pub(super) fn refuse_delete(&self, reason: String) -> Outcome {
        self.events.emit(Event::DeleteRefused {
            reason: reason.clone(),
        });
        Outcome {
            refused: Some(reason),
            ..Outcome::default()
        }
    }

    /// `--delete` after a clean run: trash what has no local twin under the destination.
    pub(super) async fn mirror(&self, twins: &Twins) -> Outcome {
        let Some(opts) = self.opts.delete else {
            return Outcome::default();
        };
        let dest = self.opts.dest_clean();
        let filters = match opts.excluded {
            true => None,
            false => Filters::new(&self.opts.include, &self.opts.exclude).ok(),
        };
        let judge = Judge {
            twins,
            filters,
            ctx: self,
            dest: dest.clone(),
        };
        let mut gone = Vec::new();
        let scanned = async {
            match self.dir_id_now(&dest).await? {
                Some(id) => judge.scan(&id, &dest, &mut gone).await.map(|_| ()),
                None => Ok(()),
            }
        }
        .await;
        if let Err(e) = scanned {
            return self.refuse_delete(format!(
                "nothing deleted: listing the destination failed ({e})"
            ));
        }
        let total: u64 = gone.iter().map(|g| g.count).sum();
        if let Some(max) = opts.max
            && total > max
        {
            return self.refuse_delete(format!(
                "nothing deleted: {total} remote files and folders have no local twin, more \
                 than --max-delete {max}"
            ));
        }
        let mut out = Outcome::default();
        for g in gone {
            if self.cancel.stop.is_cancelled() {
                break;
            }
            if !self.opts.dry_run {
                let ws = &self.opts.workspace_id;
                let r = self
                    .retrier()
                    .run("delete", || storage::delete_node(&self.client, ws, &g.id))
                    .await;
                match r {
                    Ok(()) => {}
                    // Gone already (another shard took its folder): what was wanted.
                    Err(FileError::Api(e)) if e.is_not_found() => {}
                    Err(e) => {
                        out.failed += 1;
                        self.events.emit(Event::DeleteFailed {
                            remote_path: g.path,
                            error: e.to_string(),
                        });
                        continue;
                    }
                }
            }
            out.deleted += g.count;
            self.events.emit(Event::Deleted {
                remote_path: g.path,
                node_id: g.id,
                folder: g.folder,
                count: g.count,
                dry_run: self.opts.dry_run,
            });
        }
        out
    }
}
