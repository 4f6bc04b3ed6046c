//! One module per subcommand. Each turns its clap args into options and calls the layers below.
//! [`run`] owns the tokio runtime and the shared [`Context`].

pub mod ask;
pub mod bench;
pub mod completions;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod import_url;
pub mod lock;
pub mod login;
pub mod target;
pub mod upload;
pub mod verify;

use anyhow::Context as _;
use secrecy::SecretString;

use crate::api::{self, Client};
use crate::auth::{self, CredentialSource};
use crate::cli::{Cli, Command, FlagValue, GlobalArgs};
use crate::exit::ExitStatus;
use crate::output::Printer;
use crate::settings::{ProfileFile, Settings};

/// What every command shares: the global flags and the [`Settings`] resolved once from flags,
/// environment and the profile.
pub struct Context {
    pub global: GlobalArgs,
    pub settings: Settings,
    /// API root, e.g. `https://api.fast.io/current`.
    pub api_base: String,
    /// Default workspace (id or name) when a command's `--workspace` is absent.
    pub default_workspace: Option<String>,
    /// What may be printed, and how: every command prints through it.
    pub printer: Printer,
    /// Where the auth layer's notices go (the printer; an upload run re-points them).
    pub notices: auth::Notices,
    /// With `--emulator`: the server running inside this process, and its key.
    #[cfg(feature = "emulator")]
    pub emulator: Option<crate::emulator::RunningEmulator>,
}

impl Context {
    /// How the API client treats the network (from the global flags).
    pub fn client_options(&self) -> api::ClientOptions {
        api::ClientOptions {
            stall_timeout: self.global.stall_timeout,
            ..api::ClientOptions::default()
        }
    }

    /// Resolve credentials (in the documented order) and build the shared API client.
    pub fn client(&self) -> anyhow::Result<(Client, CredentialSource)> {
        #[cfg(feature = "emulator")]
        if let Some(emu) = &self.emulator {
            let creds =
                std::sync::Arc::new(api::StaticToken(SecretString::from(emu.api_key.clone())));
            return Ok((
                Client::with_options(&self.api_base, creds, self.client_options())?
                    .with_bwlimit(self.bwlimit()),
                CredentialSource::Emulator,
            ));
        }
        let resolved = auth::resolve(self.resolve_input())?;
        let client =
            Client::with_options(&self.api_base, resolved.credentials, self.client_options())
                .with_context(|| format!("setting up the HTTP client for {}", self.api_base))?
                .with_bwlimit(self.bwlimit());
        Ok((client, resolved.source))
    }

    /// What credential resolution needs, in the documented order's terms.
    pub fn resolve_input(&self) -> auth::ResolveInput<'_> {
        auth::ResolveInput {
            flag_token: self.global.token.clone().map(SecretString::from),
            env_token: self.settings.env_token.clone(),
            env_api_key: self.settings.env_api_key.clone(),
            keyring: &self.settings.keyring,
            profile: &self.global.profile,
            api_base: &self.api_base,
            notices: self.notices.clone(),
        }
    }

    /// `--bwlimit`: one bucket for the client (and its clones) of this command.
    pub fn bwlimit(&self) -> Option<std::sync::Arc<api::BandwidthLimit>> {
        self.global
            .bwlimit
            .map(|rate| std::sync::Arc::new(api::BandwidthLimit::new(rate)))
    }

    /// The workspace to use: the command's flag, else FASTIO_WORKSPACE / the profile's default.
    pub fn workspace(&self, flag: Option<&str>) -> anyhow::Result<String> {
        flag.map(str::to_owned)
            .or_else(|| self.default_workspace.clone())
            .ok_or_else(|| {
                crate::exit::UsageError::new(
                    "no workspace given: pass --workspace ID|NAME or set FASTIO_WORKSPACE",
                )
                .into()
            })
    }
}

/// Run the parsed command line to completion.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
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
        Command::Generate(args) => return completions::generate(args),
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
        Command::ImportUrl(args) => import_url::import_url(&ctx, args).await,
        Command::Lock(args) => lock::lock(&ctx, args).await,
        Command::Ask(args) => ask::ask(&ctx, args).await,
        Command::Doctor(args) => doctor::doctor(&ctx, args).await,
        Command::Bench(args) => bench::bench(&ctx, args).await,
        Command::Completions(_) | Command::Generate(_) => unreachable!("handled above"),
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
