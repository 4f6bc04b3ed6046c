//! [`Context`]: what every command shares (the global flags, the resolved [`Settings`], the
//! printer and the auth layer's notices), and how a command gets its API client.

use anyhow::Context as _;
use secrecy::SecretString;

use crate::api::{self, Client};
use crate::auth::{self, CredentialSource};
use crate::cli::GlobalArgs;
use crate::output::Printer;
use crate::settings::Settings;

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
            max_wait: self.global.max_wait,
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
                    .with_bwlimit(self.bwlimit())
                    .with_wait_hook(self.wait_hook()),
                CredentialSource::Emulator,
            ));
        }
        let resolved = auth::resolve(self.resolve_input())?;
        let client =
            Client::with_options(&self.api_base, resolved.credentials, self.client_options())
                .with_context(|| format!("setting up the HTTP client for {}", self.api_base))?
                .with_bwlimit(self.bwlimit())
                .with_wait_hook(self.wait_hook());
        Ok((client, resolved.source))
    }

    /// A long wait imposed by the server is said as it starts (as a warning: in an upload run
    /// it is drawn by the reporter and listed in `--json`).
    fn wait_hook(&self) -> api::WaitHook {
        let notices = self.notices.clone();
        std::sync::Arc::new(move |n| {
            notices.send(auth::Notice::Warning(crate::output::wait_line(&n)))
        })
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
