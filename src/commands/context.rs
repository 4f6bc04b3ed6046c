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

    /// Where a command's storage calls go: with `--share`, that share (its password, from
    /// `--share-password` or FASTIO_SHARE_PASSWORD, on every request of the client returned),
    /// else the workspace (`workspace_flag`, else the default): the client and the target's key
    /// ([`api::Profile`]). A typed `--workspace` with `--share` is a usage error.
    pub async fn target(
        &self,
        client: Client,
        workspace_flag: Option<&str>,
        share: &crate::cli::ShareArg,
    ) -> anyhow::Result<(Client, String)> {
        let password = share
            .share_password
            .clone()
            .map(SecretString::from)
            .or_else(|| self.settings.env_share_password.clone());
        let client = client
            .with_share_password(password.as_ref())
            .map_err(|e| crate::exit::UsageError::new(e.to_string()))?;
        let Some(name) = share.share.as_deref() else {
            let ws_arg = self.workspace(workspace_flag)?;
            if api::Profile::of(&ws_arg).is_share() {
                return Ok((client, ws_arg));
            }
            let ws = api::resolve_workspace(&client, &ws_arg)
                .await
                .with_context(|| {
                    format!("resolving workspace `{ws_arg}` on {}", client.origin())
                })?;
            return Ok((client, ws.id));
        };
        if workspace_flag.is_some() {
            return Err(crate::exit::UsageError::new(
                "--share and --workspace name two destinations: pass one of them",
            )
            .into());
        }
        let s = api::profile::resolve_share(&client, name)
            .await
            .with_context(|| format!("resolving share `{name}` on {}", client.origin()))?;
        Ok((client, api::Profile::share_key(&s.id)))
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
