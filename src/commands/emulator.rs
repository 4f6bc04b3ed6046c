//! `fastio emulator` and the in-process server behind the global `--emulator` flag.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use anyhow::Context as _;

use crate::cli::EmulatorArgs;
use crate::emulator::{self, EmulatorConfig, Variant};
use crate::exit::{ExitStatus, UsageError};

fn size_flag(flag: &str, v: &str) -> anyhow::Result<u64> {
    crate::cli::parse_byte_size(v).map_err(|e| UsageError::new(format!("--{flag}: {e}")).into())
}

/// Resolve `--listen`: `HOST:PORT`, `[::1]:PORT`, or a bare port (loopback).
fn listen_addr(s: &str) -> anyhow::Result<SocketAddr> {
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    s.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| UsageError::new(format!("--listen: `{s}` is not HOST:PORT")).into())
}

/// Turn the command line into a server configuration.
pub fn config_from_args(args: &EmulatorArgs) -> anyhow::Result<EmulatorConfig> {
    for (flag, p) in [
        ("fail-rate", args.fail_rate),
        ("reset-rate", args.reset_rate),
        ("fail-assembly-rate", args.fail_assembly_rate),
    ] {
        if !(0.0..=1.0).contains(&p) {
            return Err(UsageError::new(format!("--{flag} must be between 0 and 1")).into());
        }
    }
    if !(0.0..=1e6).contains(&args.rate_limit) {
        return Err(UsageError::new("--rate-limit must be between 0 and 1000000").into());
    }
    let mut variants = std::collections::BTreeSet::new();
    for name in &args.variants {
        if name == "list" {
            continue;
        }
        let v: Variant = name
            .parse()
            .map_err(|e: String| UsageError::new(format!("--variant: {e}")))?;
        variants.insert(v);
    }
    let chunk_size = size_flag("chunk-size", &args.chunk_size)?;
    if chunk_size < 1 << 20 {
        return Err(UsageError::new("--chunk-size must be at least 1MiB").into());
    }
    Ok(EmulatorConfig {
        listen: listen_addr(&args.listen)?,
        api_keys: args.api_keys.clone(),
        workspaces: args.workspaces.clone(),
        shares: args.shares.clone(),
        data_dir: Some(match &args.data_dir {
            Some(d) => d.clone(),
            None => emulator::default_data_dir()?,
        }),
        chunk_size,
        max_chunks: args.max_chunks.max(1),
        max_file_size: size_flag("max-file-size", &args.max_file_size)?,
        max_sessions: args.max_sessions.max(1),
        assembly_delay: Duration::from_millis(args.assembly_delay_ms),
        assembly_fail_rate: args.fail_assembly_rate,
        omit_new_file_ids: args.omit_new_file_ids,
        rate_limit: args.rate_limit,
        burst: args.burst,
        seed: args.seed,
        latency_ms: args.latency.map_or(args.latency_ms, |d| {
            d.as_millis().min(u64::MAX as u128) as u64
        }),
        fail_rate: args.fail_rate,
        reset_rate: args.reset_rate,
        bandwidth_per_conn: args
            .bandwidth_per_conn
            .as_deref()
            .map(|v| size_flag("bandwidth-per-conn", v))
            .transpose()?,
        token_ttl: Duration::from_secs(args.token_ttl),
        intelligence: args.intelligence,
        answer_delay: Duration::from_millis(args.answer_delay_ms),
        allow_private_urls: args.allow_private_urls,
        import_timeout: EmulatorConfig::default().import_timeout,
        lock_min_duration: EmulatorConfig::default().lock_min_duration,
        ai_gate: None,
        flip_envelopes: args.flip_envelopes,
        legacy_rate_headers: args.legacy_rate_headers,
        datetime_expiry: args.datetime_expiry,
        validation_400: args.validation_400,
        variants,
        fault_routes: args.fault_routes.clone(),
        fault_relative_paths: args.fault_relative_paths.clone(),
        auto_approve: args.auto_approve,
        log_requests: args.log_requests,
    })
}

/// `fastio emulator`: serve until SIGINT/SIGTERM.
pub async fn run(args: EmulatorArgs) -> anyhow::Result<ExitStatus> {
    if args.variants.iter().any(|v| v == "list") {
        let mut out = std::io::stdout().lock();
        out.write_all(Variant::list_text().as_bytes())?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let config = config_from_args(&args)?;
    let data_dir = config.data_dir.clone().unwrap_or_default();
    let emu = tokio::task::spawn_blocking(move || emulator::start(config))
        .await
        .context("starting the emulator")??;
    crate::output::emulator::started(&emu, &data_dir)?;
    let signal = wait_for_signal().await;
    crate::output::emulator::stopping(signal);
    tokio::task::spawn_blocking(move || emu.shutdown())
        .await
        .context("stopping the emulator")?;
    Ok(ExitStatus::Success)
}

/// SIGINT, SIGTERM or SIGHUP (Ctrl-C elsewhere), as a word for the shutdown line.
async fn wait_for_signal() -> &'static str {
    match crate::signals::Signals::new().next().await {
        Some(2) | None => "interrupted",
        Some(_) => "terminated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_port_listens_on_loopback() {
        assert_eq!(
            listen_addr("0").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 0))
        );
        assert!(listen_addr("[::1]:9").unwrap().ip().is_loopback());
    }
}
