//! Benchmarks (ignored tests: figures, not pass/fail). Run one with
//!   cargo test --release --test bench -- --ignored --nocapture --test-threads 1 upload::
//! (`auth::`, `emulator::`, `more::` for the others).
#![cfg(feature = "emulator")]

#[path = "../it/auth_support/mod.rs"]
mod auth_support;
#[path = "../it/more_support/mod.rs"]
mod more_support;
#[path = "../it/upload_support/mod.rs"]
mod upload_support;

mod auth;
mod emulator;
mod more;
mod speed;
mod upload;
