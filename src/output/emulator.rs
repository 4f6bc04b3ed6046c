//! What `fastio emulator` prints: three `export` lines on stdout (flushed at once, for `. ./env`),
//! then where it listens on stderr, and a line when it stops.

use std::io::Write as _;
use std::path::Path;

use crate::emulator::RunningEmulator;

/// The server is up.
pub fn started(emu: &RunningEmulator, data_dir: &Path) -> std::io::Result<()> {
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "export FASTIO_API_BASE={}", emu.base_url)?;
        writeln!(out, "export FASTIO_API_KEY={}", emu.api_key)?;
        writeln!(out, "export FASTIO_WORKSPACE={}", emu.workspace_id)?;
        out.flush()?;
    }
    eprintln!(
        "fastio emulator listening on {} (data: {}); workspaces: {}",
        emu.base_url,
        data_dir.display(),
        emu.workspaces
            .iter()
            .map(|(id, name)| format!("{name}={id}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !emu.shares.is_empty() {
        let shares: Vec<String> = emu
            .shares
            .iter()
            .map(|(id, name)| format!("{name}={id}"))
            .collect();
        eprintln!("fastio emulator shares: {}", shares.join(", "));
    }
    if !emu.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, reachable from other machines; the API key is the only protection",
            emu.addr
        );
    }
    Ok(())
}

/// A signal stops it.
pub fn stopping(signal: &str) {
    eprintln!("fastio emulator: {signal}, shutting down");
}
