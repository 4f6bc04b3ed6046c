//! `fastio login`, `logout`, `whoami`.

use crate::cli::{LoginArgs, LogoutArgs, WhoamiArgs};
use crate::commands::Context;
use crate::exit::ExitStatus;

pub async fn login(_ctx: &Context, _args: LoginArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`login` is not implemented yet")
}

pub async fn logout(_ctx: &Context, _args: LogoutArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`logout` is not implemented yet")
}

pub async fn whoami(_ctx: &Context, _args: WhoamiArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`whoami` is not implemented yet")
}
