//! Locks as workflows, beside the upload engine: [`keeper`] holds a lock for the length of a
//! job (acquire, optionally waiting; heartbeat; notice a loss; release), and [`run`] is the
//! `fastio lock run` supervisor, [`destination`] the lock of `upload --lock`. The wire calls are in `api::locks`; nothing here prints.

pub mod destination;
pub mod keeper;
pub mod run;

pub use keeper::{AcquireError, AcquireOpts, HeldLock, human_secs, now_epoch};
