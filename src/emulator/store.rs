//! Persistent state: metadata in SQLite (WAL), file content as blob files.
//!
//! Blobs are written to `tmp/` under a random name and renamed into `blobs/` only when complete,
//! so a crash never leaves a half-written file behind a node. Every metadata change is one short
//! transaction under the connection mutex; no lock is held across an `.await` (callers run store
//! calls through [`super::AppState::db`], which uses `spawn_blocking`).
//!
//! This module holds the [`Store`] handle, opening and the row mappers; the rest is split by
//! table: `model` (the row types and their JSON), `blobs` (content files), `kv` (settings
//! and persisted upload sessions), `workspaces` (the org and workspaces), `nodes` (node
//! lookups and listings) and `tree` (folder creation, file commits, versions, trash).

mod blobs;
mod kv;
mod model;
mod nodes;
mod tree;
mod workspaces;

pub use model::{Blob, Cursor, Detail, Node, Org, SortBy, Workspace, mime_for};

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context as _;
use rusqlite::Connection;

/// The metadata database plus the blob directory.
pub struct Store {
    conn: Mutex<Connection>,
    dir: PathBuf,
    /// Blob shard directories known to exist.
    shards: Mutex<std::collections::HashSet<String>>,
    /// Workspace rows read so far (cleared whenever a workspace changes).
    ws_cache: std::sync::RwLock<Vec<Workspace>>,
}

const NODE_COLS: &str = "id, workspace_id, parent, name, kind, size, hash, mimetype, version, blob, created_ts, modified_ts";

fn iso(ts_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ts_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn row_to_node(r: &rusqlite::Row<'_>) -> rusqlite::Result<Node> {
    let created_ts: i64 = r.get(10)?;
    let modified_ts: i64 = r.get(11)?;
    Ok(Node {
        id: r.get(0)?,
        workspace_id: r.get(1)?,
        parent: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        hash: r.get(6)?,
        mimetype: r.get(7)?,
        version: r.get(8)?,
        blob: r.get(9)?,
        created: iso(created_ts),
        modified: iso(modified_ts),
        created_ts,
        modified_ts,
    })
}

fn row_to_ws(r: &rusqlite::Row<'_>) -> rusqlite::Result<Workspace> {
    Ok(Workspace {
        id: r.get(0)?,
        folder_name: r.get(1)?,
        name: r.get(2)?,
        org_id: r.get(3)?,
        intelligence: r.get::<_, i64>(4)? != 0,
        created: iso(r.get(5)?),
    })
}

impl Store {
    /// Open (or create) the store under `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Store> {
        for sub in ["blobs", "tmp", "uploads"] {
            std::fs::create_dir_all(dir.join(sub))
                .with_context(|| format!("creating {}", dir.join(sub).display()))?;
        }
        // Leftovers of interrupted writes are never linked to a node. Only old ones are removed:
        // another process may be using the same data dir right now.
        if let Ok(rd) = std::fs::read_dir(dir.join("tmp")) {
            let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
            for e in rd.flatten() {
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t < cutoff);
                if old {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let db = dir.join("meta.sqlite3");
        let conn = Connection::open(&db).with_context(|| format!("opening {}", db.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=NORMAL;
             PRAGMA foreign_keys=OFF;
             PRAGMA busy_timeout=5000;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS orgs (id TEXT PRIMARY KEY, domain TEXT UNIQUE NOT NULL, name TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, folder_name TEXT UNIQUE NOT NULL,
                 name TEXT NOT NULL, org_id TEXT NOT NULL, intelligence INTEGER NOT NULL DEFAULT 0,
                 created_ts INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
                 parent TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,
                 hash TEXT, mimetype TEXT, version TEXT, blob TEXT,
                 created_ts INTEGER NOT NULL, modified_ts INTEGER NOT NULL);
             CREATE UNIQUE INDEX IF NOT EXISTS nodes_by_name ON nodes (workspace_id, parent, name);
             CREATE TABLE IF NOT EXISTS versions (id TEXT PRIMARY KEY, node_id TEXT NOT NULL,
                 size INTEGER NOT NULL, hash TEXT, blob TEXT, created_ts INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS versions_by_node ON versions (node_id);
             CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL);",
        )
        .context("creating the emulator schema")?;
        Ok(Store {
            conn: Mutex::new(conn),
            dir: dir.to_path_buf(),
            shards: Mutex::new(Default::default()),
            ws_cache: Default::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable (transactions roll back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}
