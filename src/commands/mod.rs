//! One module per subcommand. Each turns its clap args into options and calls the layers below.
//! [`run`] owns the tokio runtime and the shared [`Context`].

pub mod ask;
pub mod bench;
pub mod completions;
mod context;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod import_url;
pub mod lock;
pub mod login;
pub mod ls;
pub mod target;
pub mod upload;
pub mod verify;

pub use context::Context;

use anyhow::Context as _;

use crate::auth;
use crate::cli::{Cli, Command, FlagValue, GlobalArgs};
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::settings::{ProfileFile, Settings};

/// Run the parsed command line to completion.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // Room for deep futures (debug builds keep large frames).
        .thread_stack_size(8 << 20)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(dispatch(cli));
    // Stray HTTP tasks must not hold the process open after the command is done.
    runtime.shutdown_background();
    result
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitStatus> {
    let Cli {
        global,
        mut command,
    } = cli;
    // Commands that need no server.
    match &command {
        Command::Completions(args) => return completions::completions(args),
        #[cfg(feature = "emulator")]
        Command::Emulator(_) => {}
        _ => {}
    }
    #[cfg(feature = "emulator")]
    if let Command::Emulator(args) = command {
        return emulator::run(args).await;
    }

    let env_workspace = command.take_env_workspace();
    let ctx = build_context(global, env_workspace).await?;
    match command {
        Command::Login(args) => login::login(&ctx, args).await,
        Command::Logout(args) => login::logout(&ctx, args).await,
        Command::Whoami(args) => login::whoami(&ctx, args).await,
        Command::Upload(args) => upload::upload(&ctx, args).await,
        Command::Verify(args) => verify::verify(&ctx, args).await,
        Command::Ls(args) => ls::ls(&ctx, args).await,
        Command::ImportUrl(args) => import_url::import_url(&ctx, args).await,
        Command::Lock(args) => lock::lock(&ctx, args).await,
        Command::Ask(args) => ask::ask(&ctx, args).await,
        Command::Doctor(args) => doctor::doctor(&ctx, args).await,
        Command::Bench(args) => bench::bench(&ctx, args).await,
        Command::Completions(_) => unreachable!("handled above"),
        #[cfg(feature = "emulator")]
        Command::Emulator(_) => unreachable!("handled above"),
    }
}

/// `env_workspace`: the subcommand's `--workspace` when clap took it from FASTIO_WORKSPACE (a
/// default, which `--emulator`'s own workspace replaces).
async fn build_context(
    global: GlobalArgs,
    env_workspace: Option<FlagValue>,
) -> anyhow::Result<Context> {
    let profile = auth::config::profile_settings(&global.profile)?;
    let settings = Settings::from_process(
        &global,
        env_workspace.as_ref(),
        ProfileFile {
            api_base: profile.api_base,
            workspace: profile.workspace,
        },
    );
    let api_base = settings.api_base.clone();
    let default_workspace = settings.default_workspace.clone();
    let printer = Printer::new(&global, &settings);
    let notices = printer.notices();

    // Only a typed --api-base: a FASTIO_API_BASE in the environment yields to --emulator.
    if global.emulator && global.api_base.as_ref().is_some_and(|b| !b.from_env) {
        return Err(crate::exit::UsageError::new(
            "--emulator and --api-base name two different servers: pass one of them",
        )
        .into());
    }
    #[cfg(feature = "emulator")]
    if global.emulator {
        let emu = crate::emulator::in_process::start_in_process()
            .await
            .context("starting the in-process emulator")?;
        return Ok(Context {
            api_base: emu.base_url.clone(),
            default_workspace: Some(emu.workspace_id.clone()),
            emulator: Some(emu),
            settings,
            global,
            printer,
            notices,
        });
    }
    #[cfg(not(feature = "emulator"))]
    if global.emulator {
        return Err(crate::exit::UsageError::new(
            "this build of fastio has no emulator (feature `emulator`)",
        )
        .into());
    }

    let setting = match &global.api_base {
        Some(f) if !f.from_env => "--api-base",
        Some(_) => "FASTIO_API_BASE",
        None => "the profile's API base",
    };
    check_api_base(&api_base, setting)?;
    Ok(Context {
        global,
        settings,
        api_base,
        default_workspace,
        printer,
        notices,
        #[cfg(feature = "emulator")]
        emulator: None,
    })
}

/// The API base must be an absolute `http://` or `https://` URL with a host: `ftp://x` or
/// `api.fast.io` (no scheme) is a usage error naming the setting, not a request that fails.
fn check_api_base(base: &str, what: &str) -> Result<(), crate::exit::UsageError> {
    let bad = |why: &str| {
        crate::exit::UsageError::new(format!(
            "{what} `{base}` {why} (e.g. https://api.fast.io/current)"
        ))
    };
    match url::Url::parse(base) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            Err(bad("is not an http:// or https:// URL"))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Err(bad("names no host")),
        Ok(_) => Ok(()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            Err(bad("has no scheme: write it as https://…"))
        }
        Err(e) => Err(bad(&format!("is not a URL ({e})"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_bases_must_be_http_urls_with_a_host() {
        for ok in [
            "https://api.fast.io/current",
            "http://127.0.0.1:8787/current",
        ] {
            assert!(super::check_api_base(ok, "--api-base").is_ok(), "{ok}");
        }
        for bad in [
            "ftp://x",
            "api.fast.io",
            "api.fast.io/current",
            "https://",
            "file:///x",
        ] {
            assert!(super::check_api_base(bad, "--api-base").is_err(), "{bad}");
        }
    }
}
