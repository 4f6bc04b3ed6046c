//! fastio: concurrent, resumable bulk uploads to Fast.io, and a local Fast.io-compatible emulator.
//!
//! Layers, data flowing one way: [`cli`] → [`settings`] → [`commands`] → the workflows
//! ([`transfer`] uploads, [`locks`], [`imports`], [`ask`], [`verify`], [`doctor`], [`bench`]) →
//! [`api`] / [`auth`] → HTTP; events flow back up to [`output`], the one writer of the terminal;
//! [`exit`] alone turns an error or a summary into an exit code.
//! [`emulator`] is the server side, sharing no wire types with the client where that could hide
//! a protocol mismatch.

pub mod api;
pub mod ask;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod exit;
pub mod imports;
pub mod input;
pub mod locks;
pub mod logging;
pub mod output;
pub mod receipt;
pub mod settings;
pub mod signals;
pub mod transfer;
pub mod verify;
