//! The emulator's OAuth endpoints on the wire, spelled out by hand (fastio-api.md 2.3).

use std::time::Duration;

use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;

use crate::support::oauth::{
    approve_by_hand, authorize_query, challenge, code_exchange_form, no_redirects,
};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT: &str = "http://localhost:19836/callback";

fn http() -> reqwest::Client {
    no_redirects()
}

fn emulator(ttl_secs: u64) -> RunningEmulator {
    start(EmulatorConfig {
        token_ttl: Duration::from_secs(ttl_secs),
        ..Default::default()
    })
    .unwrap()
}

/// Start a request and approve it on the display-code page: the code.
async fn code_for(emu: &RunningEmulator, verifier: &str) -> String {
    let r = http()
        .get(format!("{}/oauth/authorize/", emu.base_url))
        .query(&authorize_query(
            &challenge(verifier),
            Some("0123456789abcdef0123456789abcdef"),
            REDIRECT,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"], "yes");
    let id = body["response"]["auth_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    approve_by_hand(emu, &id).await
}

/// A form POST to `/oauth/{what}/` (`token`, `revoke`).
async fn post_oauth<F: serde::Serialize + ?Sized>(
    emu: &RunningEmulator,
    what: &str,
    form: &F,
) -> reqwest::Response {
    http()
        .post(format!("{}/oauth/{what}/", emu.base_url))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn token(emu: &RunningEmulator, form: &[(&str, &str)]) -> (u16, Value) {
    let r = post_oauth(emu, "token", form).await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn check(emu: &RunningEmulator, token: &str) -> (u16, Value) {
    let r = http()
        .get(format!("{}/user/auth/check/", emu.base_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn authorize_wants_s256_and_answers_json_or_redirects() {
    let emu = emulator(3600);
    let url = format!("{}/oauth/authorize/", emu.base_url);
    let base = [
        ("client_id", "fastio-cli"),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("response_format", "json"),
    ];
    let c = challenge(VERIFIER);
    let plain = http()
        .get(&url)
        .query(&base)
        .query(&[
            ("code_challenge", c.as_str()),
            ("code_challenge_method", "plain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 406);
    let body: Value = plain.json().await.unwrap();
    assert_eq!(body["result"], "no");
    assert_eq!(body["error"]["params"][0]["name"], "code_challenge_method");

    let missing = http().get(&url).query(&base).send().await.unwrap();
    assert_eq!(missing.status(), 406);

    // Without response_format=json: a redirect to the consent page.
    let r = http()
        .get(&url)
        .query(&base[..3])
        .query(&[
            ("code_challenge", c.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(loc.starts_with("/connect?auth_request_id="), "{loc}");
}

/// Start a request (JSON form) with `state=s-123` and a loopback redirect: its id.
async fn request_id(emu: &RunningEmulator) -> String {
    let r = http()
        .get(format!("{}/oauth/authorize/", emu.base_url))
        .query(&authorize_query(
            &challenge(VERIFIER),
            Some("s-123"),
            "http://127.0.0.1:5555/cb",
        ))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["response"]["auth_request_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Submit the consent form with `api_key`.
async fn consent(emu: &RunningEmulator, id: &str, api_key: &str) -> reqwest::Response {
    http()
        .post(format!("{}/connect", emu.root_url()))
        .form(&[("auth_request_id", id), ("api_key", api_key)])
        .send()
        .await
        .unwrap()
}

fn assert_code_redirect(r: &reqwest::Response) {
    assert!(r.status().is_redirection(), "{}", r.status());
    let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(loc.port(), Some(5555));
    assert_eq!(loc.path(), "/cb");
    let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s-123");
    assert!(q["code"].len() >= 20);
}

#[tokio::test]
async fn consent_needs_the_api_key_then_redirects_with_code_and_state() {
    let emu = emulator(3600);
    let id = request_id(&emu).await;
    let connect = format!("{}/connect?auth_request_id={id}", emu.root_url());

    // Opening the page approves nothing: it is a form asking for the key.
    let r = http().get(&connect).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("name=\"api_key\""), "{page}");
    assert!(page.contains(&format!("value=\"{id}\"")), "{page}");
    assert_eq!(emu.stats()["counters"]["oauth_codes"], Value::Null);

    // A wrong key (or none) is refused and the request stays pending.
    for key in ["fio_emu_not-the-key", ""] {
        let r = consent(&emu, &id, key).await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("name=\"api_key\""));
    }
    // An OAuth access token is not an API key either.
    emu.state().tokens.insert(
        "fio_at_someone",
        fastio::emulator::caller::TokenInfo {
            user_id: "u1".into(),
            kind: fastio::emulator::caller::TokenKind::OAuth,
            expires_at: None,
            scope: "user".into(),
        },
    );
    assert_eq!(consent(&emu, &id, "fio_at_someone").await.status(), 401);
    assert_eq!(emu.stats()["counters"]["oauth_consent_refused"], 3);

    let r = consent(&emu, &id, &emu.api_key).await;
    assert_code_redirect(&r);
    assert_eq!(emu.stats()["counters"]["oauth_codes"], 1);
    // The request is used up.
    let again = http().get(&connect).send().await.unwrap();
    assert_eq!(again.status(), 404);
    assert_eq!(consent(&emu, &id, &emu.api_key).await.status(), 404);
}

#[tokio::test]
async fn consent_deny_needs_no_key() {
    let emu = emulator(3600);
    let id = request_id(&emu).await;
    let r = http()
        .post(format!("{}/connect", emu.root_url()))
        .form(&[("auth_request_id", id.as_str()), ("deny", "true")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(
        loc.contains("error=access_denied") && loc.contains("state=s-123"),
        "{loc}"
    );
}

#[tokio::test]
async fn auto_approve_approves_on_opening_the_page() {
    let emu = start(EmulatorConfig {
        auto_approve: true,
        ..Default::default()
    })
    .unwrap();
    let id = request_id(&emu).await;
    let r = http()
        .get(format!("{}/connect?auth_request_id={id}", emu.root_url()))
        .send()
        .await
        .unwrap();
    assert_code_redirect(&r);
    // The display-code page too, no key asked.
    let id = request_id(&emu).await;
    let page = http()
        .get(format!(
            "{}/connect?auth_request_id={id}&display_code=true",
            emu.root_url()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<code id=\"code\">"), "{page}");
    assert!(!page.contains("name=\"api_key\""), "{page}");
}

#[tokio::test]
async fn code_exchange_verifies_pkce_and_is_single_use() {
    let emu = emulator(3600);
    let code = code_for(&emu, VERIFIER).await;
    let wrong = "x".repeat(43);
    let (status, body) = token(&emu, &code_exchange_form(&code, &wrong, REDIRECT)).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    // A failed attempt burns the code too.
    let (status, _) = token(&emu, &code_exchange_form(&code, VERIFIER, REDIRECT)).await;
    assert_eq!(status, 400);

    let code = code_for(&emu, VERIFIER).await;
    let (status, body) = token(
        &emu,
        &code_exchange_form(&code, VERIFIER, "http://localhost:1/other"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let code = code_for(&emu, VERIFIER).await;
    let mut form = code_exchange_form(&code, VERIFIER, REDIRECT).to_vec();
    form.extend([("device_name", "fastio-cli"), ("device_type", "cli")]);
    let (status, body) = token(&emu, &form).await;
    assert_eq!(status, 200, "{body}");
    // Plain OAuth JSON at top level, with both scope spellings.
    assert!(body.get("response").is_none());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["scope"].is_string());
    let scopes: Vec<String> = serde_json::from_str(body["scopes"].as_str().unwrap()).unwrap();
    assert_eq!(scopes.len(), 1);
    let access = body["access_token"].as_str().unwrap();
    let (status, who) = check(&emu, access).await;
    assert_eq!(status, 200);
    assert_eq!(who["response"]["id"], emu.state().default_user_id.as_str());
    // Second use of the same code.
    let (status, _) = token(&emu, &form).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn tokens_expire_refresh_rotates_and_revoke_ends_the_session() {
    let emu = emulator(1);
    let code = code_for(&emu, VERIFIER).await;
    let (_, body) = token(&emu, &code_exchange_form(&code, VERIFIER, REDIRECT)).await;
    let access = body["access_token"].as_str().unwrap().to_string();
    let refresh = body["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(check(&emu, &access).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, err) = check(&emu, &access).await;
    assert_eq!(status, 401);
    assert_eq!(err["error"]["code"], 1650);

    let refresh_form = |rt: &str| {
        vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            ("refresh_token".to_string(), rt.to_string()),
            ("client_id".to_string(), "fastio-cli".to_string()),
        ]
    };
    let r = post_oauth(&emu, "token", &refresh_form(&refresh)).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let access2 = body["access_token"].as_str().unwrap().to_string();
    let refresh2 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(refresh2, refresh);
    assert_eq!(check(&emu, &access2).await.0, 200);
    assert_eq!(emu.stats()["counters"]["oauth_refreshes"], 1);

    // The old refresh token was rotated away: a replay is refused and counted.
    let r = post_oauth(&emu, "token", &refresh_form(&refresh)).await;
    assert_eq!(r.status(), 400);
    assert_eq!(emu.stats()["counters"]["oauth_refresh_replays"], 1);

    let r = post_oauth(
        &emu,
        "revoke",
        &[
            ("token", refresh2.as_str()),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(check(&emu, &access2).await.0, 401);
    let r = post_oauth(&emu, "token", &refresh_form(&refresh2)).await;
    assert_eq!(r.status(), 400);
    // API keys are not revocable through this endpoint.
    let r = post_oauth(&emu, "revoke", &[("token", emu.api_key.as_str())]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(check(&emu, &emu.api_key).await.0, 200);
}
