//! The options of an emulator ([`EmulatorConfig`]) and the default data directory.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use super::variants::{FaultRoute, Variant};

/// Everything that shapes an emulator. `Default` is fit for tests: ephemeral loopback port, a
/// generated key, workspace `default`, a temporary data dir removed on shutdown.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub listen: SocketAddr,
    /// Accepted API keys; one is generated when empty.
    pub api_keys: Vec<String>,
    /// Workspaces (folder names) created at start; `default` when empty.
    pub workspaces: Vec<String>,
    /// Shares created at start, `NAME` or `NAME:PASSWORD`, each backed by the folder `NAME` at
    /// the root of the first workspace (see `emulator::shares`).
    pub shares: Vec<String>,
    /// Where data lives; `None` = a fresh temporary directory owned by the handle.
    pub data_dir: Option<PathBuf>,
    pub chunk_size: u64,
    pub max_chunks: u32,
    pub max_file_size: u64,
    pub max_sessions: u32,
    /// Time spent in each of assemble/assembling and store/storing after `/complete/`.
    pub assembly_delay: Duration,
    /// Fraction of completed chunked uploads that fail in assembly or storage (seeded).
    pub assembly_fail_rate: f64,
    /// Alias of [`Variant::OmitNewFileIds`] (kept for older callers; prefer `variants`).
    pub omit_new_file_ids: bool,
    /// Requests per second per token; 0 = no limit.
    pub rate_limit: f64,
    pub burst: Option<u32>,
    pub seed: Option<u64>,
    pub latency_ms: u64,
    pub fail_rate: f64,
    pub reset_rate: f64,
    pub bandwidth_per_conn: Option<u64>,
    pub token_ttl: Duration,
    pub intelligence: bool,
    pub answer_delay: Duration,
    pub allow_private_urls: bool,
    /// How long a URL import may take to fetch its source before it fails.
    pub import_timeout: Duration,
    /// Shortest lock duration accepted (60 s like the service; tests lower it to see expiry).
    pub lock_min_duration: u64,
    /// Refuse AI chats like a plan without the AI agent (`Some(403)`: 403/1695) or an org out of
    /// credits (`Some(402)`: 402/1696) would; `None` = allowed.
    pub ai_gate: Option<u16>,
    /// Alias of [`Variant::FlipEnvelopes`].
    pub flip_envelopes: bool,
    /// Alias of [`Variant::LegacyRateHeaders`].
    pub legacy_rate_headers: bool,
    /// Alias of [`Variant::DatetimeExpiry`].
    pub datetime_expiry: bool,
    /// Alias of [`Variant::Validation400`].
    pub validation_400: bool,
    /// Alternative server behaviours (`--variant NAME`); empty = the canonical shapes. Test with
    /// [`EmulatorConfig::has`], which also honours the alias booleans above.
    pub variants: BTreeSet<Variant>,
    /// Requests answered with an injected error (`--fault-route 'METHOD /path=STATUS'`).
    pub fault_routes: Vec<FaultRoute>,
    /// Batch entries whose `relative_path` contains one of these texts are refused, that entry
    /// alone (406-style entry error 1605 on `relative_path`; `--fault-relative-path TEXT`).
    pub fault_relative_paths: Vec<String>,
    /// Approve OAuth consent requests without asking for the emulator's API key
    /// (`--auto-approve`). Off: the consent page is a form whose `api_key` field must hold one
    /// of the accepted API keys.
    pub auto_approve: bool,
    /// Log each request to stderr.
    pub log_requests: bool,
}

impl EmulatorConfig {
    /// Is variant `v` on (in `variants`, or through its alias boolean)?
    pub fn has(&self, v: Variant) -> bool {
        self.variants.contains(&v)
            || match v {
                Variant::FlipEnvelopes => self.flip_envelopes,
                Variant::LegacyRateHeaders => self.legacy_rate_headers,
                Variant::DatetimeExpiry => self.datetime_expiry,
                Variant::Validation400 => self.validation_400,
                Variant::OmitNewFileIds => self.omit_new_file_ids,
                _ => false,
            }
    }

    /// Put the alias booleans into `variants` and back, so both spellings agree.
    pub(super) fn normalize_variants(&mut self) {
        for v in Variant::ALL {
            if self.has(*v) {
                self.variants.insert(*v);
            }
        }
        self.flip_envelopes = self.has(Variant::FlipEnvelopes);
        self.legacy_rate_headers = self.has(Variant::LegacyRateHeaders);
        self.datetime_expiry = self.has(Variant::DatetimeExpiry);
        self.validation_400 = self.has(Variant::Validation400);
        self.omit_new_file_ids = self.has(Variant::OmitNewFileIds);
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_keys: Vec::new(),
            workspaces: Vec::new(),
            shares: Vec::new(),
            data_dir: None,
            chunk_size: 100_000_000,
            max_chunks: 550,
            max_file_size: 40_000_000_000,
            max_sessions: 7500,
            assembly_delay: Duration::ZERO,
            assembly_fail_rate: 0.0,
            omit_new_file_ids: false,
            rate_limit: 0.0,
            burst: None,
            seed: None,
            latency_ms: 0,
            fail_rate: 0.0,
            reset_rate: 0.0,
            bandwidth_per_conn: None,
            token_ttl: Duration::from_secs(3600),
            intelligence: false,
            answer_delay: Duration::from_millis(200),
            allow_private_urls: false,
            import_timeout: Duration::from_secs(120),
            lock_min_duration: 60,
            ai_gate: None,
            flip_envelopes: false,
            legacy_rate_headers: false,
            datetime_expiry: false,
            validation_400: false,
            variants: BTreeSet::new(),
            fault_routes: Vec::new(),
            fault_relative_paths: Vec::new(),
            auto_approve: false,
            log_requests: false,
        }
    }
}

/// Default data directory: `$XDG_DATA_HOME/fastio/emulator` (or the platform equivalent).
pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("io", "fast", "fastio")
        .context("cannot determine a data directory (no home directory)")?;
    Ok(dirs.data_dir().join("emulator"))
}
