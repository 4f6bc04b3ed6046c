//! The integration tests, one binary: a module per area, driving the `fastio` binary (and
//! the library) against the emulator on loopback, and one `support` module for them all.
//!
//! `cargo test --test it upload_tree::` runs one area.

mod support;

#[cfg(feature = "emulator")]
mod ask_cli;
#[cfg(feature = "emulator")]
mod auth_emulator;
#[cfg(feature = "emulator")]
mod auth_keyring;
#[cfg(feature = "emulator")]
mod auth_login;
#[cfg(feature = "emulator")]
mod auth_refresh;
#[cfg(feature = "emulator")]
mod auth_session;
#[cfg(feature = "emulator")]
mod bounded_inputs;
#[cfg(feature = "emulator")]
mod doctor;
#[cfg(feature = "emulator")]
mod emulator_basics;
#[cfg(feature = "emulator")]
mod emulator_compat;
#[cfg(feature = "emulator")]
mod emulator_ops;
#[cfg(feature = "emulator")]
mod emulator_stream;
#[cfg(feature = "emulator")]
mod emulator_uploads;
#[cfg(feature = "emulator")]
mod emulator_variants;
#[cfg(feature = "emulator")]
mod flag_edges;
mod generated;
// install.sh is POSIX sh: tried where a POSIX shell is the system one.
#[cfg(feature = "emulator")]
mod import_url_cli;
#[cfg(unix)]
mod install;
mod layout;
#[cfg(feature = "emulator")]
mod live_api;
#[cfg(feature = "emulator")]
mod live_places;
#[cfg(feature = "emulator")]
mod lock_cli;
#[cfg(feature = "emulator")]
mod lock_upload;
#[cfg(feature = "emulator")]
mod logs;
#[cfg(feature = "emulator")]
mod ls_cli;
mod manual;
#[cfg(feature = "emulator")]
mod proof_ci;
#[cfg(feature = "emulator")]
mod proof_incomplete;
#[cfg(feature = "emulator")]
mod proof_receipt;
#[cfg(feature = "emulator")]
mod proof_stdin;
#[cfg(feature = "emulator")]
mod proof_verify;
#[cfg(feature = "emulator")]
mod readme_examples;
#[cfg(feature = "emulator")]
mod server_waits;
#[cfg(feature = "emulator")]
mod speed;
#[cfg(feature = "emulator")]
mod terminal_names;
#[cfg(feature = "emulator")]
mod upload_accounting;
#[cfg(feature = "emulator")]
mod upload_api;
#[cfg(feature = "emulator")]
mod upload_faults;
#[cfg(feature = "emulator")]
mod upload_folders;
#[cfg(feature = "emulator")]
mod upload_inputs;
#[cfg(feature = "emulator")]
mod upload_mirror;
#[cfg(feature = "emulator")]
mod upload_names;
#[cfg(feature = "emulator")]
mod upload_output;
#[cfg(feature = "emulator")]
mod upload_progress;
#[cfg(feature = "emulator")]
mod upload_resume;
#[cfg(feature = "emulator")]
mod upload_retry;
#[cfg(feature = "emulator")]
mod upload_runs;
#[cfg(feature = "emulator")]
mod upload_same_file;
#[cfg(feature = "emulator")]
mod upload_share;
#[cfg(feature = "emulator")]
mod upload_sync;
#[cfg(feature = "emulator")]
mod upload_tree;
#[cfg(feature = "emulator")]
mod upload_watch;
#[cfg(feature = "emulator")]
mod upload_wide;
#[cfg(feature = "emulator")]
mod wrong_target;
