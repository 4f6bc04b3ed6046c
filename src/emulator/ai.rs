//! AI agent chat endpoints (owned by the `more` engineer).

use axum::Router;

use super::{AppState, StoredFile};

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Called (synchronously, on a blocking thread) every time a file is stored; index text here.
pub fn on_file_stored(_state: &AppState, _file: &StoredFile) {}
