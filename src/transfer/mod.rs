//! The shared upload core: planning, scheduling, retries, progress, resume journal.
pub mod lock_keeper;
