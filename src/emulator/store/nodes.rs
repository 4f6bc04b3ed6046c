//! Node lookups: by id, by name in a folder, folder resolution, paginated listings, searches.

use rusqlite::{OptionalExtension, params};

use super::{Cursor, NODE_COLS, Node, SortBy, Store, row_to_node};
use crate::emulator::ids;
use crate::emulator::wire::ApiErr;

impl Store {
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
}
