//! The shared upload core: planning, scheduling, retries, progress, resume journal.
pub mod imports;
pub mod lock_keeper;
