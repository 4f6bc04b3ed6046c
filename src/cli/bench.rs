//! `fastio bench`.

use clap::{Args, ValueEnum};

use super::{WorkspaceArg, parse_assembly_timeout};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchPreset {
    /// 1,000 files of 4 KiB (request rate, batching)
    Small,
    /// 2 files of 64 MiB (bytes per second through chunked sessions)
    Large,
    /// 400 files of 16 KiB and 2 of 32 MiB
    Mixed,
    /// 2,000 files of 2 KB in 200 folders, 20 x 10 (folder creation, listings, batches across folders)
    Tree,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio bench                                # preset `mixed`, --concurrency 1,2,4,8,16,32
  fastio bench --preset large -j 4,8,16 --json
  fastio --emulator bench --size 4KiB --files 2000
  fastio bench --preset tree -j 16
  fastio --bwlimit 10M bench --preset large -j 8")]
#[command(after_long_help = "Examples:
  fastio bench                                # preset `mixed`, --concurrency 1,2,4,8,16,32
  fastio bench --preset large -j 4,8,16 --json
  fastio --emulator bench --size 4KiB --files 2000
  fastio bench --preset tree -j 16
  fastio --bwlimit 10M bench --preset large -j 8

Each step uploads the same generated files (no local files are read) into its own folder under a
scratch folder `fastio-bench-XXXXXXXX` at the workspace root, through the same engine as
`fastio upload` (batches, chunked sessions, rate-limit handling, --bwlimit). It prints one row
per step: files/s, MB/s (10^6 bytes), requests sent, answers with HTTP 429, retries and wall
time; then the recommended --concurrency: the smallest within 5% of the fastest step in which
no file failed. Each step's folder is removed after the step and the scratch folder at the end
(to the trash), also after Ctrl-C or SIGTERM. With --json: one `bench_step` object per step and
a closing `bench_summary`.

Exit codes: 0 every step uploaded every file; 1 some files failed or the scratch folder could
not be removed; 2 usage error; 3 authentication problem; 4 server unreachable or workspace
missing; 130 interrupted.")]
pub struct BenchArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArg,

    /// A named set of files (ignored with --size or --files)
    #[arg(long, value_enum, default_value_t = BenchPreset::Mixed, value_name = "NAME")]
    pub preset: BenchPreset,

    /// Size of every file (e.g. 4KiB, 5MiB, 1GiB) [default with --files: 1MiB]
    #[arg(long, value_parser = crate::api::bwlimit::parse_bytes, value_name = "BYTES")]
    pub size: Option<u64>,

    /// Number of files per step (1 to 1000000) [default with --size: 1]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub files: Option<u64>,

    /// Spread the files over this many folders, ten to a parent (d00/s0 ... d19/s9 for 200)
    /// [default: the preset's; 1 with --size or --files]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub folders: Option<u64>,

    /// The --concurrency values to try, in order (comma-separated, each 1 to 256) [default:
    /// 1,2,4,8,16,32]
    #[arg(short = 'j', long, value_delimiter = ',', value_name = "N,...", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Vec<u32>,

    /// Retries per request for 5xx, timeouts and connection errors (0 to 100)
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=super::MAX_RETRIES as i64))]
    pub retries: u32,

    /// Fail a file whose upload session is not stored this long after its last chunk (1s to
    /// 7d)
    #[arg(long, default_value = "10m", value_parser = parse_assembly_timeout, value_name = "DURATION")]
    pub assembly_timeout: std::time::Duration,
}
