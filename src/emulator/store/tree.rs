//! Tree writes: folders (idempotent, or a free `name (2)`), paths, file commits with versions,
//! earlier versions, and the trash.

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{Blob, NODE_COLS, Node, Store, iso, mime_for, now_ms, row_to_node};
use crate::emulator::ids;

impl Store {
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
        // Where it was (the `deleted-flags` variant reports it as `deleted_from`).
        if let Some(n) = self.node(ws, &id)?
            && n.parent != "trash"
        {
            self.meta_set(&format!("trashed_from:{id}"), &n.parent)?;
        }
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
