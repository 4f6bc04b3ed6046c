//! Key/value rows: the `meta` settings table and upload sessions persisted as JSON documents.

use rusqlite::{OptionalExtension, params};

use super::Store;

impl Store {
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
