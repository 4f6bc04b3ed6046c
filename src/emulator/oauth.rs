//! OAuth 2.0 + PKCE endpoints (owned by the auth engineer).

use axum::Router;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
