//! `fastio emulator`.

use crate::cli::EmulatorArgs;
use crate::exit::ExitStatus;

pub async fn run(_args: EmulatorArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`emulator` is not implemented yet")
}

pub async fn start_in_process() -> anyhow::Result<crate::emulator::RunningEmulator> {
    anyhow::bail!("`--emulator` is not implemented yet")
}
