//! The one support of the integration tests (and of the benchmarks, which include it through
//! `#[path]`), a submodule by topic:
//!
//! - [`cmd`]: the single hermetic `fastio` command builder, and reading what a run printed;
//! - [`emulator`]: starting emulators (one user, two users), their configs and stats;
//! - [`tree`]: local trees, and what the emulator stored compared with them;
//! - [`wire`]: requests written out by hand, independent of the client's and server's types;
//! - [`fake`]: scripted loopback servers and a tampering proxy, for the faults the emulator
//!   does not produce;
//! - [`auth`]: an auth test's world (home, keyring profile, emulator);
//! - [`oauth`]: the scripted browser on the consent page, and the OAuth dance by hand.
//!
//! Everything that needs the emulator is compiled with the `emulator` feature only.
#![allow(dead_code)]

pub mod cmd;

#[cfg(feature = "emulator")]
pub mod auth;
#[cfg(feature = "emulator")]
pub mod emulator;
#[cfg(feature = "emulator")]
pub mod fake;
#[cfg(feature = "emulator")]
pub mod oauth;
#[cfg(feature = "emulator")]
pub mod tree;
#[cfg(feature = "emulator")]
pub mod wire;
