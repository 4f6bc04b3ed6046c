//! Locks as workflows, beside the upload engine: [`keeper`] holds a lock for the length of a
//! job (acquire, optionally waiting; heartbeat; notice a loss; release), and [`run`] is the
//! `fastio lock run` supervisor, [`destination`] the lock of `upload --lock`. The wire calls are in `api::locks`; nothing here prints.

pub mod destination;
pub mod keeper;
pub mod run;

pub use keeper::{AcquireError, AcquireOpts, HeldLock, human_secs, now_epoch};

/// A heartbeat or release the server refused, explained (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum TokenRefused {
    /// 423/409: the lock is held under another token (or the token is wrong).
    #[error("{doing} the lock on `{target}`: refused, the lock is held under another token")]
    OtherToken { doing: String, target: String },
    /// 404: there is no lock any more (expired or released).
    #[error("{doing} the lock on `{target}`: there is no such lock (expired or released)")]
    NoLock { doing: String, target: String },
}
