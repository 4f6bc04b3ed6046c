//! `fastio doctor`.

use clap::Args;

use super::{WorkspaceArg, parse_assembly_timeout};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  fastio doctor                      # credential, workspace, limits, then every upload call
  fastio doctor --read-only          # no writes at all
  fastio doctor --all --json         # also URL import and AI questions; NDJSON on stdout

The write checks run in a scratch folder `fastio-doctor-XXXXXXXX` at the workspace root,
removed at the end (also after Ctrl-C or SIGTERM). Each check prints pass/FAIL/skip, its time
and a detail; where the server's answer had another shape than the canonical one, the field
and the value seen are listed under it (never a secret).

Exit codes: 0 every check passed (skipped ones aside); 1 a check failed (named in the table);
2 usage error; 130 interrupted.")]
pub struct DoctorArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArg,

    /// Skip every check that writes (no scratch folder)
    #[arg(long)]
    pub read_only: bool,

    /// Also check URL import and AI questions (the AI check may cost credits)
    #[arg(long)]
    pub all: bool,

    /// The file URL the import check asks the server to fetch [default: a file served on
    /// loopback when the API is on loopback]
    #[arg(long, value_name = "URL")]
    pub import_url: Option<String>,

    /// Fail the upload checks when a session is not stored this long after its last chunk (1s
    /// to 7d)
    #[arg(long, default_value = "2m", value_parser = parse_assembly_timeout, value_name = "DURATION")]
    pub assembly_timeout: std::time::Duration,
}
