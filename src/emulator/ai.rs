//! AI questions about workspace files (fastio-api.md §7): per-workspace intelligence, per-file
//! indexing state, `/ai/agent/` chats answered extractively (see [`rank`]).

pub mod rank;
