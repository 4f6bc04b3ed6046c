//! The org and its workspaces (created at start, cached once read).

use rusqlite::{OptionalExtension, params};

use super::{Org, Store, Workspace, now_ms, row_to_ws};
use crate::emulator::ids;

impl Store {
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
}
