//! fastio: concurrent, resumable bulk uploads to Fast.io, and a local Fast.io-compatible emulator.
//!
//! Layers, data flowing one way: [`cli`] → [`commands`] → [`transfer`] / [`api`] → HTTP.
//! [`emulator`] is the server side, sharing no wire types with the client where that could hide
//! a protocol mismatch.

pub mod api;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod exit;
pub mod output;
pub mod settings;
pub mod transfer;
pub mod verify;
