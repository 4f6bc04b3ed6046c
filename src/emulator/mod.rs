//! The local Fast.io-compatible server.

/// A running emulator: where it listens and how to authenticate against it.
pub struct RunningEmulator {
    pub base_url: String,
    pub api_key: String,
    pub workspace_id: String,
}

pub mod ai;
pub mod web_upload;
