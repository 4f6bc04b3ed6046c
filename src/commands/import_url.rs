//! `fastio import-url`.

use crate::cli::ImportUrlArgs;
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn import_url(_ctx: &Context, _args: ImportUrlArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`import-url` is not implemented yet")
}
