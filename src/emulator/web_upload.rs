//! URL imports (fastio-api.md §5): `/web_upload/` jobs fetched server-side (see [`fetch`]).

pub mod fetch;
