//! `fastio upload`.

use crate::cli::UploadArgs;
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn upload(_ctx: &Context, _args: UploadArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`upload` is not implemented yet")
}
