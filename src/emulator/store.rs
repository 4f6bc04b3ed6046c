//! Persistent state: metadata in SQLite (WAL), file content as blob files.
//!
//! Blobs are written to `tmp/` under a random name and renamed into `blobs/` only when complete,
//! so a crash never leaves a half-written file behind a node. Every metadata change is one short
//! transaction under the connection mutex; no lock is held across an `.await` (callers run store
//! calls through [`super::AppState::db`], which uses `spawn_blocking`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ids;
use super::wire::ApiErr;

/// A workspace row.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: String,
    pub folder_name: String,
    pub name: String,
    pub org_id: String,
    pub intelligence: bool,
    pub created: String,
}

/// An org row.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub domain: String,
    pub name: String,
}

/// A storage node (file or folder). `parent` is `root` for top-level nodes.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub workspace_id: String,
    pub parent: String,
    pub name: String,
    pub kind: String,
    pub size: u64,
    pub hash: Option<String>,
    pub mimetype: Option<String>,
    pub version: Option<String>,
    pub blob: Option<String>,
    pub created: String,
    pub modified: String,
    pub created_ts: i64,
    pub modified_ts: i64,
}

/// Content written to disk and not yet linked to a node.
#[derive(Debug, Clone)]
pub struct Blob {
    pub id: String,
    pub size: u64,
    pub sha256: String,
}

/// Detail level of node output (`output=terse|standard|full`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    Terse,
    Standard,
    Full,
}

impl Detail {
    /// Parse `output=`; unknown tokens are ignored, two levels are an error.
    pub fn parse(output: Option<&str>) -> Result<Detail, ApiErr> {
        let mut level = None;
        for tok in output.unwrap_or("").split(',') {
            let l = match tok.trim() {
                "terse" => Detail::Terse,
                "standard" => Detail::Standard,
                "full" => Detail::Full,
                _ => continue,
            };
            if level.is_some() {
                return Err(ApiErr::invalid(
                    "output",
                    "only one detail level may be given",
                ));
            }
            level = Some(l);
        }
        Ok(level.unwrap_or(Detail::Full))
    }
}

impl Node {
    pub fn is_folder(&self) -> bool {
        self.kind == "folder"
    }

    /// The node object as the API shows it. `lock` is the lock description (if locked).
    pub fn to_json(&self, detail: Detail, lock: Option<Value>) -> Value {
        let mut v = json!({
            "id": self.id,
            "type": self.kind,
            "name": self.name,
            "parent": self.parent,
            "modified": self.modified,
        });
        let m = v.as_object_mut().expect("object");
        if self.kind == "file" {
            m.insert("size".into(), json!(self.size));
            m.insert(
                "mimetype".into(),
                json!(self.mimetype.clone().unwrap_or_default()),
            );
        } else {
            m.insert("size".into(), json!(0));
            m.insert("mimetype".into(), Value::Null);
        }
        if detail >= Detail::Standard {
            m.insert("created".into(), json!(self.created));
            m.insert("version".into(), json!(self.version));
            m.insert("locked".into(), json!(lock.is_some()));
            if self.kind == "file" {
                m.insert("ai".into(), json!({"state": "disabled"}));
                m.insert(
                    "mimecategory".into(),
                    json!(mimecategory(self.mimetype.as_deref().unwrap_or(""))),
                );
            }
            m.insert("origin".into(), json!({"type": "upload", "creator": null}));
        }
        if detail >= Detail::Full {
            if self.kind == "file" {
                m.insert("hash".into(), json!(self.hash));
                m.insert("hash_algo".into(), json!("sha256"));
                m.insert(
                    "ai".into(),
                    json!({"state": "disabled", "attach": false, "summary": null}),
                );
            }
            m.insert("lock_info".into(), lock.unwrap_or(Value::Null));
        }
        v
    }
}

fn mimecategory(mime: &str) -> &'static str {
    match mime.split('/').next().unwrap_or("") {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        "text" => "document",
        "application" => "document",
        _ => "other",
    }
}

/// Guess a MIME type from a file name (a small table; the emulator does not sniff content).
pub fn mime_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("txt" | "log" | "rs" | "toml" | "py" | "sh" | "c" | "h" | "go" | "js" | "ts") => {
            "text/plain"
        }
        Some("md") => "text/markdown",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("zip") => "application/zip",
        Some("mp4") => "video/mp4",
        Some("mp3") => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Sort key of a folder listing.
#[derive(Debug, Clone, Copy)]
pub enum SortBy {
    Name,
    Updated,
    Created,
    Type,
}

impl SortBy {
    fn column(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Updated => "modified_ts",
            SortBy::Created => "created_ts",
            SortBy::Type => "kind",
        }
    }
}

/// A keyset position: (sort key, node id) of the last node seen.
pub type Cursor = (String, String);

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

    /// A path for a new temporary file (renamed into place later).
    pub fn tmp_path(&self) -> PathBuf {
        self.dir.join("tmp").join(ids::random_alnum(24))
    }

    /// Where a blob lives.
    pub fn blob_path(&self, blob: &str) -> PathBuf {
        self.dir.join("blobs").join(&blob[..2]).join(blob)
    }

    /// Move a finished temp file into the blob directory.
    pub fn adopt_blob(&self, tmp: &Path, size: u64, sha256: String) -> std::io::Result<Blob> {
        let id = ids::random_alnum(32).to_ascii_lowercase();
        let dest = self.blob_path(&id);
        let shard = id[..2].to_string();
        let known = self
            .shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&shard);
        if !known {
            if let Some(p) = dest.parent() {
                std::fs::create_dir_all(p)?;
            }
            self.shards
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(shard);
        }
        std::fs::rename(tmp, &dest)?;
        Ok(Blob { id, size, sha256 })
    }

    /// Write `bytes` as a new blob (temp file, then rename).
    pub fn write_blob(&self, bytes: &[u8]) -> std::io::Result<Blob> {
        let tmp = self.tmp_path();
        std::fs::write(&tmp, bytes)?;
        let sha = hex::encode(Sha256::digest(bytes));
        self.adopt_blob(&tmp, bytes.len() as u64, sha)
    }

    // ---- key/value --------------------------------------------------------------------------

    pub fn meta_get(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row("SELECT value FROM meta WHERE key=?1", [key], |r| r.get(0))
            .optional()
    }

    pub fn meta_set(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                params![key, value],
            )
            .map(|_| ())
    }

    /// Get a stored value or store the one `make` returns.
    pub fn meta_get_or(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> rusqlite::Result<String> {
        if let Some(v) = self.meta_get(key)? {
            return Ok(v);
        }
        let v = make();
        self.meta_set(key, &v)?;
        Ok(v)
    }

    // ---- orgs and workspaces ----------------------------------------------------------------

    /// The single org every workspace belongs to (created on first start).
    pub fn ensure_org(&self) -> rusqlite::Result<Org> {
        let conn = self.conn();
        if let Some(o) = conn
            .query_row("SELECT id, domain, name FROM orgs LIMIT 1", [], |r| {
                Ok(Org {
                    id: r.get(0)?,
                    domain: r.get(1)?,
                    name: r.get(2)?,
                })
            })
            .optional()?
        {
            return Ok(o);
        }
        let org = Org {
            id: ids::numeric_id(),
            domain: "emulator".into(),
            name: "Emulator".into(),
        };
        conn.execute(
            "INSERT INTO orgs (id, domain, name) VALUES (?1, ?2, ?3)",
            params![org.id, org.domain, org.name],
        )?;
        Ok(org)
    }

    /// Find or create the workspace with this `folder_name` (ids stay stable across restarts).
    pub fn ensure_workspace(
        &self,
        org: &Org,
        folder_name: &str,
        intelligence: bool,
    ) -> rusqlite::Result<Workspace> {
        if let Some(ws) = self.workspace(folder_name)? {
            return Ok(ws);
        }
        let conn = self.conn();
        conn.execute(
            "INSERT INTO workspaces (id, folder_name, name, org_id, intelligence, created_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ids::numeric_id(), folder_name, folder_name, org.id, intelligence as i64, now_ms()],
        )?;
        drop(conn);
        Ok(self.workspace(folder_name)?.expect("just inserted"))
    }

    pub fn workspaces(&self) -> rusqlite::Result<Vec<Workspace>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT id, folder_name, name, org_id, intelligence, created_ts FROM workspaces ORDER BY rowid",
        )?;
        st.query_map([], row_to_ws)?.collect()
    }

    /// A workspace by numeric id or `folder_name`.
    pub fn workspace(&self, id_or_name: &str) -> rusqlite::Result<Option<Workspace>> {
        if let Some(ws) = self.cached_workspace(id_or_name) {
            return Ok(Some(ws));
        }
        let ws = self
            .conn()
            .query_row(
                "SELECT id, folder_name, name, org_id, intelligence, created_ts FROM workspaces WHERE id=?1 OR folder_name=?1",
                [id_or_name],
                row_to_ws,
            )
            .optional()?;
        if let Some(w) = &ws {
            self.ws_cache
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .push(w.clone());
        }
        Ok(ws)
    }

    /// A workspace already read, without touching the database.
    pub fn cached_workspace(&self, id_or_name: &str) -> Option<Workspace> {
        self.ws_cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|w| w.id == id_or_name || w.folder_name == id_or_name)
            .cloned()
    }

    pub fn set_intelligence(&self, ws: &str, on: bool) -> rusqlite::Result<()> {
        let r = self.conn().execute(
            "UPDATE workspaces SET intelligence=?2 WHERE id=?1",
            params![ws, on as i64],
        );
        self.ws_cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        r.map(|_| ())
    }

    // ---- nodes --------------------------------------------------------------------------------

    /// A node by id (hyphenated or not). `root` is not a node; see [`Store::resolve_folder`].
    pub fn node(&self, ws: &str, id: &str) -> rusqlite::Result<Option<Node>> {
        let id = ids::canonical(id);
        self.conn()
            .prepare_cached(&format!(
                "SELECT {NODE_COLS} FROM nodes WHERE id=?1 AND workspace_id=?2"
            ))?
            .query_row(params![id, ws], row_to_node)
            .optional()
    }

    /// A node by id in any workspace.
    pub fn node_any(&self, id: &str) -> rusqlite::Result<Option<Node>> {
        let id = ids::canonical(id);
        self.conn()
            .query_row(
                &format!("SELECT {NODE_COLS} FROM nodes WHERE id=?1"),
                params![id],
                row_to_node,
            )
            .optional()
    }

    /// Resolve a folder id (or `root`) to the canonical parent key used in the table.
    pub fn resolve_folder(&self, ws: &str, id: &str) -> Result<String, ApiErr> {
        if id.is_empty() || id == "root" {
            return Ok("root".into());
        }
        match self.node(ws, id).map_err(ApiErr::db)? {
            Some(n) if n.is_folder() => Ok(n.id),
            Some(_) => Err(ApiErr::invalid("folder_id", "not a folder")),
            None => Err(ApiErr::not_found("folder")),
        }
    }

    /// A child of `parent` by exact name.
    pub fn child(&self, ws: &str, parent: &str, name: &str) -> rusqlite::Result<Option<Node>> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND parent=?2 AND name=?3"
            ))?
            .query_row(params![ws, parent, name], row_to_node)
            .optional()
    }

    /// One page of a folder listing, keyset-paginated. Returns the nodes and the next cursor.
    pub fn children(
        &self,
        ws: &str,
        parent: &str,
        sort: SortBy,
        desc: bool,
        page_size: usize,
        cursor: Option<Cursor>,
    ) -> rusqlite::Result<(Vec<Node>, Option<Cursor>)> {
        let col = sort.column();
        let (cmp, ord) = if desc { ("<", "DESC") } else { (">", "ASC") };
        let conn = self.conn();
        let limit = page_size as i64 + 1;
        let mut nodes: Vec<Node> = if let Some((k, id)) = cursor {
            let sql = format!(
                "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND parent=?2 AND ({col}, id) {cmp} (?3, ?4) ORDER BY {col} {ord}, id {ord} LIMIT ?5"
            );
            let mut st = conn.prepare_cached(&sql)?;
            let key: rusqlite::types::Value = match sort {
                SortBy::Updated | SortBy::Created => {
                    rusqlite::types::Value::Integer(k.parse().unwrap_or(0))
                }
                _ => rusqlite::types::Value::Text(k),
            };
            st.query_map(params![ws, parent, key, id, limit], row_to_node)?
                .collect::<rusqlite::Result<_>>()?
        } else {
            let sql = format!(
                "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND parent=?2 ORDER BY {col} {ord}, id {ord} LIMIT ?3"
            );
            let mut st = conn.prepare_cached(&sql)?;
            st.query_map(params![ws, parent, limit], row_to_node)?
                .collect::<rusqlite::Result<_>>()?
        };
        let next = if nodes.len() > page_size {
            nodes.truncate(page_size);
            let last = nodes.last().expect("non-empty");
            let key = match sort {
                SortBy::Name => last.name.clone(),
                SortBy::Type => last.kind.clone(),
                SortBy::Updated => last.modified_ts.to_string(),
                SortBy::Created => last.created_ts.to_string(),
            };
            Some((key, last.id.clone()))
        } else {
            None
        };
        Ok((nodes, next))
    }

    /// Every node of a workspace whose name satisfies `keep`.
    pub fn find_nodes(&self, ws: &str, keep: impl Fn(&str) -> bool) -> rusqlite::Result<Vec<Node>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 ORDER BY name, id"
        ))?;
        let rows = st.query_map([ws], row_to_node)?;
        let mut out = Vec::new();
        for n in rows {
            let n = n?;
            if keep(&n.name) {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// Every file of a workspace (for indexing and tests).
    pub fn files(&self, ws: &str) -> rusqlite::Result<Vec<Node>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND kind='file' ORDER BY id"
        ))?;
        st.query_map([ws], row_to_node)?.collect()
    }

    /// Create a folder. Idempotent by default: an existing folder of that name is returned;
    /// with `force`, or when a file holds the name, a new folder is created as `name (2)`, ….
    pub fn create_folder(
        &self,
        ws: &str,
        parent: &str,
        name: &str,
        force: bool,
    ) -> rusqlite::Result<Node> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let node = create_folder_tx(&tx, ws, parent, name, force)?;
        tx.commit()?;
        Ok(node)
    }

    /// Move a node (a folder with everything in it) to the workspace's trash: it leaves its
    /// folder (so it no longer lists or resolves by path) and is kept under the hidden parent
    /// `trash`, renamed `name (trashed ID)` so trashed names never collide.
    pub fn trash_node(&self, ws: &str, id: &str) -> rusqlite::Result<bool> {
        let id = ids::canonical(id);
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE nodes SET parent='trash', name=name || ' (trashed ' || id || ')' \
             WHERE id=?1 AND workspace_id=?2 AND parent<>'trash'",
            params![id, ws],
        )?;
        Ok(n > 0)
    }

    /// Make sure every folder along `relative_path` (`a/b/`) exists under `parent`; returns the
    /// id of the deepest one.
    pub fn ensure_path(
        &self,
        ws: &str,
        parent: &str,
        relative_path: &str,
    ) -> rusqlite::Result<String> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut cur = parent.to_string();
        for seg in relative_path.split('/').filter(|s| !s.is_empty()) {
            cur = create_folder_tx(&tx, ws, &cur, seg, false)?.id;
        }
        tx.commit()?;
        Ok(cur)
    }

    /// Link stored content as file `name` in `parent`. Same name as an existing file: the file is
    /// overwritten in place (same node id, new version; the old bytes are kept as a version). Same
    /// name as a folder: the file is created as `name (2)`.
    pub fn commit_file(
        &self,
        ws: &str,
        parent: &str,
        name: &str,
        blob: &Blob,
    ) -> rusqlite::Result<Node> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = now_ms();
        let version = ids::opaque('3');
        let mime = mime_for(name);
        let existing: Option<Node> = tx
            .prepare_cached(&format!(
                "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND parent=?2 AND name=?3"
            ))?
            .query_row(params![ws, parent, name], row_to_node)
            .optional()?;
        let id = match existing {
            Some(n) if !n.is_folder() => {
                if let Some(v) = &n.version {
                    tx.execute(
                        "INSERT INTO versions (id, node_id, size, hash, blob, created_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![v, n.id, n.size as i64, n.hash, n.blob, n.modified_ts],
                    )?;
                }
                tx.execute(
                    "UPDATE nodes SET size=?2, hash=?3, mimetype=?4, version=?5, blob=?6, modified_ts=?7 WHERE id=?1",
                    params![n.id, blob.size as i64, blob.sha256, mime, version, blob.id, now],
                )?;
                n.id
            }
            other => {
                let final_name = if other.is_some() {
                    free_name(&tx, ws, parent, name)?
                } else {
                    name.to_string()
                };
                let id = ids::opaque('2');
                tx.execute(
                    &format!("INSERT INTO nodes ({NODE_COLS}) VALUES (?1, ?2, ?3, ?4, 'file', ?5, ?6, ?7, ?8, ?9, ?10, ?10)"),
                    params![id, ws, parent, final_name, blob.size as i64, blob.sha256, mime, version, blob.id, now],
                )?;
                id
            }
        };
        let node = tx
            .prepare_cached(&format!("SELECT {NODE_COLS} FROM nodes WHERE id=?1"))?
            .query_row([&id], row_to_node)?;
        tx.commit()?;
        Ok(node)
    }

    /// Earlier versions of a file (newest first).
    pub fn versions(&self, node: &str) -> rusqlite::Result<Vec<Value>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT id, size, hash, created_ts FROM versions WHERE node_id=?1 ORDER BY created_ts DESC",
        )?;
        st.query_map([node], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "size": r.get::<_, i64>(1)?,
                "hash": r.get::<_, Option<String>>(2)?,
                "hash_algo": "sha256",
                "created": iso(r.get(3)?),
            }))
        })?
        .collect()
    }

    /// The blob of an earlier version.
    pub fn version_blob(&self, version: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row("SELECT blob FROM versions WHERE id=?1", [version], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .map(Option::flatten)
    }

    // ---- upload sessions (persisted as JSON documents) ----------------------------------------

    pub fn session_put(&self, id: &str, data: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute(
                "INSERT INTO sessions (id, data) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET data=excluded.data",
                params![id, data],
            )
            .map(|_| ())
    }

    pub fn session_delete(&self, id: &str) -> rusqlite::Result<()> {
        self.conn()
            .execute("DELETE FROM sessions WHERE id=?1", [id])
            .map(|_| ())
    }

    pub fn sessions_all(&self) -> rusqlite::Result<Vec<(String, String)>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT id, data FROM sessions")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
    }
}

fn create_folder_tx(
    tx: &rusqlite::Transaction<'_>,
    ws: &str,
    parent: &str,
    name: &str,
    force: bool,
) -> rusqlite::Result<Node> {
    let existing: Option<Node> = tx
        .query_row(
            &format!(
                "SELECT {NODE_COLS} FROM nodes WHERE workspace_id=?1 AND parent=?2 AND name=?3"
            ),
            params![ws, parent, name],
            row_to_node,
        )
        .optional()?;
    let final_name = match existing {
        Some(n) if n.is_folder() && !force => return Ok(n),
        Some(_) => free_name(tx, ws, parent, name)?,
        None => name.to_string(),
    };
    let id = ids::opaque('2');
    let now = now_ms();
    tx.execute(
        &format!("INSERT INTO nodes ({NODE_COLS}) VALUES (?1, ?2, ?3, ?4, 'folder', 0, NULL, NULL, NULL, NULL, ?5, ?5)"),
        params![id, ws, parent, final_name, now],
    )?;
    tx.query_row(
        &format!("SELECT {NODE_COLS} FROM nodes WHERE id=?1"),
        [&id],
        row_to_node,
    )
}

/// `name (2)`, `name (3)`, … — the first free one (extension kept after the counter).
fn free_name(
    tx: &rusqlite::Transaction<'_>,
    ws: &str,
    parent: &str,
    name: &str,
) -> rusqlite::Result<String> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    for n in 2.. {
        let candidate = format!("{stem} ({n}){ext}");
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM nodes WHERE workspace_id=?1 AND parent=?2 AND name=?3",
                params![ws, parent, candidate],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded counter always finds a free name")
}
