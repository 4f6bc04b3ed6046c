//! File-lock HTTP handlers over [`super::lock_table::LockTable`] (owned by the `more` engineer).

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
