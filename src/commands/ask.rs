//! `fastio ask`.

use crate::cli::AskArgs;
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn ask(_ctx: &Context, _args: AskArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`ask` is not implemented yet")
}
