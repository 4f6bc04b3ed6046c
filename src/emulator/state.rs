//! The shared state of one emulator ([`AppState`] → [`Inner`]): configuration, store, tables,
//! per-emulator singletons and the stored-file hook.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::caller::TokenTable;
use super::store::{self, Node, Store, Workspace};
use super::wire::ApiErr;
use super::{
    EmulatorConfig, Variant, activity, ai, hashes, lock_table, middleware, stats, uploads,
};

/// A file that was just stored (for the indexing hook).
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub workspace_id: String,
    pub node: Node,
    /// Where the content is on disk.
    pub path: PathBuf,
}

/// Shared state of one emulator. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(super) Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

pub struct Inner {
    pub config: EmulatorConfig,
    pub store: Arc<Store>,
    pub tokens: TokenTable,
    pub locks: lock_table::LockTable,
    pub activity: activity::ActivityHub,
    pub stats: Arc<stats::Stats>,
    pub org: store::Org,
    pub default_user_id: String,
    pub(crate) limiter: Option<middleware::RateLimiter>,
    pub(crate) rng: Mutex<rand::rngs::StdRng>,
    pub(super) exts: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    pub(super) stored_tx: broadcast::Sender<StoredFile>,
}

impl AppState {
    /// Run a store call on a blocking thread.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiErr>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiErr> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|_| ApiErr::internal("storage task failed"))?
    }

    /// The workspace named by a path segment (numeric id or folder_name), or 404.
    /// What an upload's `instance_id` names: a workspace (by id or folder name), or a share (its
    /// password checked against the caller's `x-ve-password`) with the folder that is its
    /// `root`.
    pub async fn instance_for(
        &self,
        id: &str,
        caller: &super::caller::Caller,
    ) -> Result<(Workspace, Option<String>), ApiErr> {
        let shares = self.ext::<super::shares::Shares>().all();
        if let Some(share) = super::shares::find(&shares, id) {
            share.admit(caller.share_password.as_deref())?;
            let ws = self.workspace_for(&share.workspace_id).await?;
            return Ok((ws, Some(share.folder_id.clone())));
        }
        Ok((self.workspace_for(id).await?, None))
    }

    /// The folder that is `root` for an upload naming `instance_id` (a share's folder), if
    /// it is not the workspace root.
    pub fn share_root(&self, instance_id: Option<&str>) -> Option<String> {
        let shares = self.ext::<super::shares::Shares>().all();
        super::shares::find(&shares, instance_id?).map(|s| s.folder_id.clone())
    }

    pub async fn workspace_for(&self, id: &str) -> Result<Workspace, ApiErr> {
        if let Some(ws) = self.store.cached_workspace(id) {
            return Ok(ws);
        }
        let key = id.to_string();
        self.db(move |s| {
            s.workspace(&key)?
                .ok_or_else(|| ApiErr::not_found("workspace"))
        })
        .await
    }

    /// A per-emulator singleton of `T`.
    pub fn ext<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut m = self.exts.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone()
            .downcast::<T>()
            .expect("type id matches")
    }

    /// Receive every [`StoredFile`] from now on.
    pub fn subscribe_stored(&self) -> broadcast::Receiver<StoredFile> {
        self.stored_tx.subscribe()
    }

    /// Announce a stored file: activity `storage:{node}`, the AI hook, subscribers.
    /// Call on a blocking thread (the AI hook may read the file).
    pub fn file_stored(&self, ws: &str, node: &Node) {
        self.stats.bump("files_stored");
        self.activity.bump(format!("storage:{}", node.id));
        let file = StoredFile {
            workspace_id: ws.to_string(),
            node: node.clone(),
            path: node
                .blob
                .as_deref()
                .map(|b| self.store.blob_path(b))
                .unwrap_or_default(),
        };
        hashes::on_file_stored(self, node);
        ai::on_file_stored(self, &file);
        let _ = self.stored_tx.send(file);
    }

    /// Store `bytes` as file `name` in folder `parent` (`root` or an id) of workspace `ws`:
    /// blob written and renamed into place, node created or overwritten as a new version.
    pub async fn store_bytes(
        &self,
        ws: &str,
        parent: &str,
        name: &str,
        bytes: bytes::Bytes,
    ) -> Result<Node, ApiErr> {
        let (ws, parent, name) = (ws.to_string(), parent.to_string(), name.to_string());
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let parent = state.store.resolve_folder(&ws, &parent)?;
            let blob = state.store.write_blob(&bytes)?;
            let node = state.store.commit_file(&ws, &parent, &name, &blob)?;
            state.file_stored(&ws, &node);
            Ok(node)
        })
        .await
        .map_err(|_| ApiErr::internal("storage task failed"))?
    }

    /// The counters of [`stats::Stats::snapshot`] plus the gauges `open_sessions` (upload
    /// sessions not yet in a terminal state) and `upload_sessions` (every session still known,
    /// finished ones included, until `DELETE /upload/{id}/` or expiry removes it).
    pub fn stats_snapshot(&self) -> Value {
        let mut v = self.stats.snapshot();
        let (open, total) = uploads::session_counts(self);
        v["open_sessions"] = json!(open);
        v["upload_sessions"] = json!(total);
        v
    }

    /// Is variant `v` on?
    pub fn has(&self, v: Variant) -> bool {
        self.config.has(v)
    }

    /// The rate-limit headers to attach to a 429 that is not from the rate limiter (e.g. the
    /// fourth chunk in flight): one slot free again within a second.
    pub(crate) fn calm(&self, text: &str, max: u64) -> ApiErr {
        let h = middleware::LimitHeaders {
            avail: 0,
            max,
            expires: (middleware::epoch_now() + 1.0).ceil() as u64,
        };
        h.on(self, ApiErr::calm(text))
    }
}
