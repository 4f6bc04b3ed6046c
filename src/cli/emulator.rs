//! `fastio emulator` (built with the `emulator` feature only).

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio emulator --listen 127.0.0.1:0 > emu.env & sleep 1; . ./emu.env
  fastio emulator --rate-limit 50 --burst 10 --fail-rate 0.05 --seed 7
  fastio emulator --latency 100ms
  fastio emulator --chunk-size 2MiB --max-chunks 8 --assembly-delay-ms 200
  fastio emulator --variant yes-no --variant response --variant exact-chunks
  fastio emulator --fault-route 'POST /upload/batch=403'
  fastio emulator --variant list")]
#[command(after_long_help = "Examples:
  fastio emulator --listen 127.0.0.1:0 > emu.env & sleep 1; . ./emu.env
  fastio emulator --rate-limit 50 --burst 10 --fail-rate 0.05 --seed 7
  fastio emulator --latency 100ms
  fastio emulator --chunk-size 2MiB --max-chunks 8 --assembly-delay-ms 200
  fastio emulator --variant yes-no --variant response --variant exact-chunks
  fastio emulator --fault-route 'POST /upload/batch=403'
  fastio emulator --variant list

Variants switch on alternative server behaviours that the API documentation allows or that
servers were seen to show (`--variant list` prints each with what it changes); without any,
the emulator answers in the canonical shapes. --flip-envelopes, --legacy-rate-headers,
--datetime-expiry, --validation-400 and --omit-new-file-ids are the same as the variants of
those names.

Fault routes answer every request whose method and path match with the given status and an
error envelope (code 1654 for 5xx, 1680 for 403, 1609 for 404, else 1605; text \"injected
fault\"). The path is matched without /current and without a trailing slash; `*` stands for
one path segment, and a method of `*` matches any method, e.g.
`POST /workspace/*/storage/*/lock=500`.

OAuth: the consent page (/connect) asks for one of the emulator's API keys (form field
`api_key`) before it approves a login, so no other local process can get a token without the
key. --auto-approve approves every request as soon as the page is opened.")]
pub struct EmulatorArgs {
    /// Address to listen on (loopback unless another address is named explicitly; port 0 = any free port)
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: String,

    /// API key to accept (repeatable; one is generated when none is given)
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,

    /// Workspace to create (repeatable; the folder_name; default `default`)
    #[arg(long = "workspace", value_name = "NAME")]
    pub workspaces: Vec<String>,

    /// A share to create, NAME or NAME:PASSWORD (repeatable): backed by the folder NAME at the
    /// first workspace's root; uploads take `--share NAME`
    #[arg(long = "share", value_name = "NAME[:PASSWORD]")]
    pub shares: Vec<String>,

    /// Where files and metadata are kept [default: the XDG data dir]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Largest chunk accepted, reported by /upload/limits/ (e.g. 100MB, 2MiB)
    #[arg(long, default_value = "100MB", value_name = "BYTES")]
    pub chunk_size: String,

    /// Most chunks per upload session (1 to 100000)
    #[arg(long, default_value_t = 550, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_chunks: u32,

    /// Largest file accepted (e.g. 40GB)
    #[arg(long, default_value = "40GB", value_name = "BYTES")]
    pub max_file_size: String,

    /// Most open upload sessions per user (1 to 1000000)
    #[arg(long, default_value_t = 7500, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_sessions: u32,

    /// Time spent in each state between /complete/ and stored (assemble ... storing; 0 to
    /// 3600000)
    #[arg(long, default_value_t = 0, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub assembly_delay_ms: u64,

    /// Fraction of completed chunked uploads that end in assembly_failed or store_failed
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_assembly_rate: f64,

    /// Leave new_file_id out of single-call answers and send node_id null in batch results
    /// (clients must poll the session or list the folder, as the service allows; = --variant
    /// omit-new-file-ids)
    #[arg(long)]
    pub omit_new_file_ids: bool,

    /// Requests per second allowed per token (0 = unlimited; at most 1000000)
    #[arg(long, default_value_t = 0.0, value_name = "N")]
    pub rate_limit: f64,

    /// Burst size of the rate limiter (1 to 1000000) [default: the rate, at least 1]
    #[arg(long, value_name = "B", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub burst: Option<u32>,

    /// Seed for the injected faults (--fail-rate, --reset-rate, --fail-assembly-rate)
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Added latency per request, in milliseconds (= --latency; 0 to 600000)
    #[arg(long, default_value_t = 0, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub latency_ms: u64,

    /// Added latency per request, as a duration (e.g. 100ms, 1s): an internet round trip
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, conflicts_with = "latency_ms")]
    pub latency: Option<std::time::Duration>,

    /// Fraction of requests answered with a random 502/503/504
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_rate: f64,

    /// Fraction of requests whose connection is dropped mid-request
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub reset_rate: f64,

    /// Throttle reading request bodies per connection (e.g. 50MB = 50 MB/s)
    #[arg(long, value_name = "BYTES_PER_SEC")]
    pub bandwidth_per_conn: Option<String>,

    /// Lifetime of OAuth access tokens (1 to 31536000)
    #[arg(long, default_value_t = 3600, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub token_ttl: u64,

    /// Turn workspace intelligence (AI indexing) on for the created workspaces
    #[arg(long)]
    pub intelligence: bool,

    /// Delay before an AI answer is complete (0 to 3600000)
    #[arg(long, default_value_t = 200, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub answer_delay_ms: u64,

    /// Let URL imports fetch private and loopback addresses (for tests)
    #[arg(long)]
    pub allow_private_urls: bool,

    /// Emit the alternative envelope shapes (flat where nested is canonical and vice versa;
    /// = --variant flip-envelopes)
    #[arg(long)]
    pub flip_envelopes: bool,

    /// Send the legacy X-Rate-Limit-* header names (= --variant legacy-rate-headers)
    #[arg(long)]
    pub legacy_rate_headers: bool,

    /// Send the rate-limit expiry as a UTC datetime instead of epoch seconds (= --variant
    /// datetime-expiry)
    #[arg(long)]
    pub datetime_expiry: bool,

    /// Answer validation errors with HTTP 400 instead of 406 (= --variant validation-400)
    #[arg(long)]
    pub validation_400: bool,

    /// Switch on an alternative server behaviour (repeatable); `list` prints them all
    #[arg(long = "variant", value_name = "NAME", value_parser = crate::emulator::Variant::value_parser())]
    pub variants: Vec<String>,

    /// Answer METHOD /path (`*` = one segment) with STATUS and an error envelope (repeatable)
    #[arg(
        long = "fault-route",
        value_name = "'METHOD /PATH=STATUS'",
        value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<crate::emulator::FaultRoute>())
    )]
    pub fault_routes: Vec<crate::emulator::FaultRoute>,

    /// Refuse batch entries whose relative_path contains TEXT, that entry alone (repeatable)
    #[arg(long = "fault-relative-path", value_name = "TEXT")]
    pub fault_relative_paths: Vec<String>,

    /// Approve OAuth consent requests without asking for the emulator's API key
    #[arg(long)]
    pub auto_approve: bool,

    /// Log every request (method, path, status, time) to stderr
    #[arg(long)]
    pub log_requests: bool,
}
