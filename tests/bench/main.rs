//! Benchmarks (ignored tests: figures, not pass/fail). Run one with
//!   cargo test --release --test bench -- --ignored --nocapture --test-threads 1 upload::
//! (`auth::`, `emulator::`, `more::` for the others).
#![cfg(feature = "emulator")]

#[path = "../it/support/mod.rs"]
mod support;

mod auth;
mod emulator;
mod more;
mod speed;
mod trees;
mod upload;
