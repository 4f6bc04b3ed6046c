//! `fastio login` / `whoami` / `logout` through the binary against the emulator, with the real OS
//! keyring (Secret Service under `.ci/keyring-env`, the kernel keyutils store otherwise).

use std::process::Stdio;
use std::time::Duration;

use crate::support::auth::World;
use crate::support::oauth::{approve_and_return, blocking_get, read_until_url, wait_for_file};
use fastio::auth::store::StoredCredential;
use secrecy::ExposeSecret;

fn stored_oauth(world: &World) -> fastio::auth::store::OAuthTokens {
    match world.store().load().unwrap() {
        Some(StoredCredential::OAuth(t)) => t,
        other => panic!("expected OAuth tokens in the keyring, got {other:?}"),
    }
}

#[test]
fn pkce_login_with_scripted_browser_then_upload() {
    let world = World::new(Duration::from_secs(3600));
    let (child, url_file) = world.spawn_browser_login(&["--workspace", &world.emu.workspace_id]);

    // The "browser": open the consent page (with `display_code=true`, as the service expects),
    // paste the emulator's API key and approve; the page shows the code and links back to the
    // loopback listener with code and state; follow that link.
    let url = wait_for_file(&url_file);
    assert!(url.starts_with(&world.emu.root_url()), "{url}");
    let location = approve_and_return(&url, &world.emu.api_key);
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    assert!(location.contains("code=") && location.contains("state="));
    let (status, body, _) = blocking_get(&location);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Logged in"));

    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Logged in to"), "{stderr}");
    assert_eq!(world.counter("oauth_codes"), 1);

    // Tokens are in the OS keyring, the api base in the profile's config file, no secret there.
    let tokens = stored_oauth(&world);
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at_ms.is_some());
    let config = std::fs::read_to_string(world.home.path().join("config/fastio/config.json"))
        .expect("the profile config is written");
    assert!(config.contains(&world.emu.base_url), "{config}");
    assert!(!config.contains(tokens.access_token.expose_secret()));

    // An authenticated command with the stored credentials, without --api-base this time: the
    // profile's config supplies it.
    let out = world
        .cmd_no_base()
        .args(["whoami", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["v"].as_u64(), v["type"].as_str()),
        (Some(1), Some("whoami"))
    );
    assert_eq!(v["source"], "keyring");
    assert_eq!(v["kind"], "oauth");
    assert_eq!(v["profile"], world.profile.as_str());
    assert_eq!(v["user_id"], world.emu.state().default_user_id.as_str());
    assert!(v["expires_at"].is_string());
    assert_eq!(v["api_base"], world.emu.base_url.as_str());

    // Precedence: the environment's API base beats the profile's, and the stored credential is
    // never sent to a server it was not issued by.
    let out = world
        .cmd_no_base()
        .env("FASTIO_API_BASE", "http://127.0.0.1:9/current")
        .arg("whoami")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("not http://127.0.0.1:9/current"),
        "{stderr}"
    );

    // An upload with the stored credentials; API base and workspace from the profile's config.
    let dir = world.home.path().join("up");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.txt"), "uploaded with an OAuth login\n").unwrap();
    let out = world
        .cmd_no_base()
        .arg("upload")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = &world.emu.state().store;
    let files = store.files(&world.emu.workspace_id).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "hello.txt");
    let blob = store.blob_path(files[0].blob.as_deref().unwrap());
    assert_eq!(
        std::fs::read_to_string(blob).unwrap(),
        "uploaded with an OAuth login\n"
    );

    // Logout revokes the refresh token and removes the keyring entry.
    let out = world.cmd().arg("logout").output().unwrap();
    assert!(out.status.success());
    assert_eq!(world.counter("oauth_revocations"), 1);
    assert!(world.store().load().unwrap().is_none());
    let out = world.cmd().arg("whoami").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn paste_back_login() {
    let world = World::new(Duration::from_secs(3600));
    let stderr = world.paste_login(&[]);
    assert!(stderr.contains("Authorization code:"), "{stderr}");
    let tokens = stored_oauth(&world);
    assert_eq!(tokens.api_base, world.emu.base_url);
    let out = world.cmd().arg("whoami").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("keyring profile `{}`", world.profile)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&world.emu.state().default_user_id),
        "{stdout}"
    );
}

#[test]
fn callback_with_wrong_state_is_refused() {
    let world = World::new(Duration::from_secs(3600));
    let (mut child, url_file) = world.spawn_browser_login(&[]);
    let url = wait_for_file(&url_file);
    let location = approve_and_return(&url, &world.emu.api_key);
    let location = url::Url::parse(&location).unwrap();
    let mut forged = location.clone();
    let pairs: Vec<(String, String)> = location
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("{v}x")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let (status, body, _) = blocking_get(forged.as_str());
    assert_eq!(status, 400, "a callback with a wrong state must be refused");
    assert!(body.contains("state"), "{body}");
    // The login is still waiting; no token was requested for the forged callback.
    assert!(child.try_wait().unwrap().is_none());
    assert!(world.store().load().unwrap().is_none());

    let (status, _, _) = blocking_get(location.as_str());
    assert_eq!(status, 200);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("does not match"), "{stderr}");
}

#[test]
fn login_times_out_with_a_clear_message() {
    let world = World::new(Duration::from_secs(3600));
    let mut child = world
        .cmd()
        .args(["login", "--no-browser", "--timeout", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_url, stderr) = read_until_url(&mut child);
    // Keep stdin open and say nothing.
    let stdin = child.stdin.take();
    let status = child.wait().unwrap();
    drop(stdin);
    let stderr = stderr.join().unwrap();
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("login timed out"), "{stderr}");
}

#[test]
fn wrong_and_revoked_credentials_exit_3_naming_the_source() {
    let world = World::new(Duration::from_secs(3600));

    let out = world
        .cmd()
        .env("FASTIO_API_KEY", "fio_wrong_key")
        .arg("whoami")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("FASTIO_API_KEY"), "{stderr}");

    // A wrong key offered to `login --api-key` is refused before anything is stored.
    let out = world.login_with_key(&[], &[], "fio_wrong_key");
    assert_eq!(out.status.code(), Some(3));
    assert!(world.store().load().unwrap().is_none());

    // A revoked OAuth login: the access token given with --token is refused, and the keyring
    // profile (whose refresh token was revoked) tells the user to log in again.
    world.paste_login(&[]);
    let tokens = stored_oauth(&world);
    let resp = blocking_post_form(
        &format!("{}/oauth/revoke/", world.emu.base_url),
        &[
            (
                "token",
                tokens.refresh_token.as_ref().unwrap().expose_secret(),
            ),
            ("token_type_hint", "refresh_token"),
        ],
    );
    assert_eq!(resp, 200);
    let out = world
        .cmd()
        .args(["--token", tokens.access_token.expose_secret(), "whoami"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--token"), "{stderr}");

    let out = world.cmd().arg("whoami").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("keyring profile `{}`", world.profile)),
        "{stderr}"
    );
    assert!(stderr.contains("fastio login"), "{stderr}");
}

fn blocking_post_form(url: &str, form: &[(&str, &str)]) -> u16 {
    let url = url.to_string();
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    crate::support::wire::block(async {
        reqwest::Client::new()
            .post(&url)
            .form(&form)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

#[test]
fn verbose_output_contains_no_secret() {
    // Short tokens so the -vvv run also refreshes.
    let world = World::new(Duration::from_secs(1));
    let mut all = String::new();
    let mut secrets = vec![world.emu.api_key.clone()];

    all.push_str(&world.paste_login(&["-vvv"]));
    let first = stored_oauth(&world);
    secrets.push(first.access_token.expose_secret().to_string());
    secrets.push(
        first
            .refresh_token
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_string(),
    );

    std::thread::sleep(Duration::from_millis(1200));
    let out = world.cmd().args(["-vvv", "whoami"]).output().unwrap();
    assert!(out.status.success());
    all.push_str(&String::from_utf8_lossy(&out.stdout));
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("refreshed the access token"), "{all}");
    let second = stored_oauth(&world);
    secrets.push(second.access_token.expose_secret().to_string());
    secrets.push(
        second
            .refresh_token
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_string(),
    );
    assert_ne!(
        secrets[1], secrets[3],
        "the refresh produced a new access token"
    );

    for args in [
        vec!["-vvv", "whoami"],
        vec!["-vvv", "--token", "fio_wrong", "whoami"],
    ] {
        let out = world
            .cmd()
            .env("FASTIO_API_KEY", &world.emu.api_key)
            .args(&args)
            .output()
            .unwrap();
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let out = world.login_with_key(&[], &["-vvv"], &world.emu.api_key);
    assert!(out.status.success());
    all.push_str(&String::from_utf8_lossy(&out.stdout));
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    let out = world.cmd().args(["-vvv", "logout"]).output().unwrap();
    all.push_str(&String::from_utf8_lossy(&out.stderr));

    for secret in &secrets {
        assert!(secret.len() >= 16);
        assert!(
            !all.contains(secret.as_str()),
            "a secret leaked into: {all}"
        );
    }
}

/// Issue 9 rule 6: a token endpoint answering 503 with an HTML body to every other request
/// (`token-endpoint-flaky`) is retried, for the code exchange and for a later refresh; only an
/// OAuth error answer would end the login.
#[test]
fn login_and_refresh_survive_a_flaky_token_endpoint() {
    let world = World::with(fastio::emulator::EmulatorConfig {
        variants: [fastio::emulator::Variant::TokenEndpointFlaky].into(),
        token_ttl: Duration::from_secs(2),
        ..Default::default()
    });
    world.paste_login(&[]);
    // The access token lapses; whoami refreshes it through the flaky endpoint.
    std::thread::sleep(Duration::from_millis(2500));
    let out = world.cmd().arg("whoami").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(world.counter("oauth_refreshes") >= 1);
}
