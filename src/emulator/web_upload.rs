//! URL import (`/web_upload/`) endpoints (owned by the `more` engineer).

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
