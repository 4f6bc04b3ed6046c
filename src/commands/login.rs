//! `fastio login`, `logout`, `whoami`.

use std::time::Duration;

use anyhow::Context as _;

use crate::api::{self, Client};
use crate::auth::login::{KeyInput, keyring, read_api_key, user_id};
use crate::auth::store::{Store, StoredCredential};
use crate::auth::{self, AuthError, config, oauth};
use crate::cli::{LoginArgs, LogoutArgs, WhoamiArgs};
use crate::commands::Context;
use crate::exit::{ExitStatus, UsageError};
use crate::output::auth::{LoggedIn, Whoami};

fn no_emulator(ctx: &Context, what: &str) -> anyhow::Result<()> {
    #[cfg(feature = "emulator")]
    if ctx.emulator.is_some() {
        return Err(UsageError::new(format!(
            "`{what}` manages stored credentials; `--emulator` needs none"
        ))
        .into());
    }
    let _ = (ctx, what);
    Ok(())
}

pub async fn login(ctx: &Context, args: LoginArgs) -> anyhow::Result<ExitStatus> {
    no_emulator(ctx, "login")?;
    let profile = ctx.global.profile.clone();
    let api_base = ctx.api_base.trim_end_matches('/').to_string();
    // Find out first whether there is anywhere to keep the result.
    let store = {
        let (profile, choice) = (profile.clone(), ctx.settings.keyring.clone());
        keyring(move || Store::open_with(&profile, &choice)).await?
    };

    let (cred, user_id) = if args.api_key {
        let key = tokio::task::spawn_blocking(read_api_key)
            .await
            .context("reading the API key")?
            .map_err(|e| match e {
                KeyInput::Empty | KeyInput::TooLong(_) | KeyInput::NotText => {
                    anyhow::Error::new(UsageError::new(e.to_string()))
                }
                KeyInput::Read(_) => e.into(),
            })?;
        let user_id = user_id(&api_base, key.clone()).await?.map_err(|e| {
            if e.is_auth() {
                AuthError::refused(format!("the API key was rejected by {api_base}: {e}")).into()
            } else {
                anyhow::Error::new(e).context("verifying the API key")
            }
        })?;
        let cred = StoredCredential::ApiKey {
            api_base: api_base.clone(),
            key,
        };
        (cred, user_id)
    } else {
        let tokens = oauth::browser_login(&oauth::BrowserLogin {
            api_base: &api_base,
            client_id: &args.client_id,
            redirect_uri: &args.redirect_uri,
            timeout: Duration::from_secs(args.timeout),
            no_browser: args.no_browser,
            notices: &ctx.notices,
        })
        .await?;
        let user_id = user_id(&api_base, tokens.access_token.clone())
            .await?
            .context("verifying the new access token")?;
        (StoredCredential::OAuth(tokens), user_id)
    };

    let backend = store.backend();
    {
        let store = store.clone();
        keyring(move || store.save(&cred)).await?;
    }
    let workspace = args.workspace.clone();
    let base_for_config = api_base.clone();
    config::update_profile(&profile, move |p| {
        p.api_base = Some(base_for_config);
        if workspace.is_some() {
            p.workspace = workspace;
        }
    })?;
    let overriding = [
        ("--token", ctx.global.token.is_some()),
        ("FASTIO_TOKEN", ctx.settings.env_token.is_some()),
        ("FASTIO_API_KEY", ctx.settings.env_api_key.is_some()),
    ]
    .into_iter()
    .find_map(|(name, set)| set.then_some(name));
    let done = LoggedIn {
        api_base: &api_base,
        user_id: &user_id,
        profile: &profile,
        backend,
        overriding,
    };
    crate::output::auth::logged_in(&ctx.printer, &done);
    Ok(ExitStatus::Success)
}

pub async fn logout(ctx: &Context, _args: LogoutArgs) -> anyhow::Result<ExitStatus> {
    no_emulator(ctx, "logout")?;
    let profile = ctx.global.profile.clone();
    let store = {
        let (profile, choice) = (profile.clone(), ctx.settings.keyring.clone());
        keyring(move || Store::open_with(&profile, &choice)).await?
    };
    let stored = {
        let store = store.clone();
        keyring(move || store.load()).await?
    };
    let Some(stored) = stored else {
        crate::output::auth::logged_out(&ctx.printer, &profile, None);
        return Ok(ExitStatus::Success);
    };
    let mut revoked = false;
    if let StoredCredential::OAuth(tokens) = &stored {
        match oauth::revoke(&oauth::http_client()?, tokens).await {
            Ok(()) => revoked = tokens.refresh_token.is_some(),
            Err(e) => ctx.printer.alert(&format!(
                "warning: {e:#} (the local credentials are removed anyway)"
            )),
        }
    }
    keyring(move || store.delete()).await?;
    crate::output::auth::logged_out(&ctx.printer, &profile, Some(revoked));
    Ok(ExitStatus::Success)
}

pub async fn whoami(ctx: &Context, _args: WhoamiArgs) -> anyhow::Result<ExitStatus> {
    #[cfg(feature = "emulator")]
    let in_process = ctx.emulator.is_some();
    #[cfg(not(feature = "emulator"))]
    let in_process = false;
    let (client, source, session) = match in_process {
        true => {
            let (client, source) = ctx.client()?;
            (client, source, None)
        }
        false => {
            let resolved = auth::resolve(ctx.resolve_input())?;
            let client =
                Client::with_options(&ctx.api_base, resolved.credentials, ctx.client_options())?;
            (client, resolved.source, resolved.oauth)
        }
    };
    let payload = client.get("/user/auth/check/", &[]).await?;
    let user_id = api::envelope::string_field(&payload, "id").unwrap_or_else(|| "?".into());
    let expires_ms = match &session {
        Some(s) => s.expires_at_ms().await,
        None => None,
    };
    let expires = expires_ms.and_then(chrono::DateTime::from_timestamp_millis);
    let who = Whoami {
        source: &source,
        oauth: session.is_some(),
        user_id: &user_id,
        expires,
        api_base: client.base(),
    };
    crate::output::auth::whoami(&ctx.printer, &who);
    Ok(ExitStatus::Success)
}
