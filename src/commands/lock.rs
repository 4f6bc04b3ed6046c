//! `fastio lock`.

use crate::cli::LockArgs;
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn lock(_ctx: &Context, _args: LockArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`lock` is not implemented yet")
}
