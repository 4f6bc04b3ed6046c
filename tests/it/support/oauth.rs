//! The scripted browser on the emulator's consent page, and the OAuth dance by hand.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use fastio::emulator::RunningEmulator;

/// Read the child's stderr until a line with a consent URL; return the URL and a handle that
/// yields the whole stderr once the child closes it.
pub fn read_until_url(child: &mut Child) -> (String, std::thread::JoinHandle<String>) {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let all = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            seen.push_str(&line);
            if let Some(pos) = line.find("http://") {
                let url = line[pos..].trim().to_string();
                if url.contains("/connect?") {
                    let _ = tx.send(url);
                }
            }
            line.clear();
        }
        seen
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(url) => (url, all),
        Err(_) => panic!("no consent URL printed: {}", all.join().unwrap()),
    }
}

/// Approve on the consent page opened with `display_code=true` and read the code it shows.
pub fn displayed_code(url: &str, api_key: &str) -> String {
    assert!(url.contains("display_code=true"), "{url}");
    let (status, html, _) = approve(url, api_key);
    assert_eq!(status, 200, "{html}");
    let start = html.find("<code id=\"code\">").expect("page shows a code") + 16;
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end].to_string()
}

/// The scripted browser on the consent page: open it (a form that asks for the emulator's API
/// key), paste `api_key` into its `api_key` field and submit. Returns the submit's (status,
/// body, Location header).
pub fn approve(url: &str, api_key: &str) -> (u16, String, Option<String>) {
    let (status, page, _) = blocking_get(url);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("name=\"api_key\""),
        "the consent page asks for the API key: {page}"
    );
    let parsed = url::Url::parse(url).unwrap();
    let mut form: Vec<(String, String)> = parsed
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k == "auth_request_id" || k == "display_code")
        .collect();
    form.push(("api_key".into(), api_key.into()));
    let action = parsed.join("/connect").unwrap();
    blocking_send(action.as_str(), Some(form))
}

/// The scripted browser on a consent URL opened with `display_code=true`: approve with
/// `api_key`; the page shows the code and a link back to the client's redirect URI. Returns that
/// link (what a browser user clicking "return to the application" would open).
pub fn approve_and_return(url: &str, api_key: &str) -> String {
    assert!(url.contains("display_code=true"), "{url}");
    let (status, html, _) = approve(url, api_key);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("<code id=\"code\">"),
        "the page shows the code: {html}"
    );
    let start = html
        .find("id=\"return\" href=\"")
        .expect("the page links back to the redirect URI")
        + "id=\"return\" href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

/// A GET from a plain thread (the tests are synchronous): (status, body, Location header).
pub fn blocking_get(url: &str) -> (u16, String, Option<String>) {
    blocking_send(url, None)
}

/// A GET, or a form POST when `form` is given, from a plain thread.
fn blocking_send(url: &str, form: Option<Vec<(String, String)>>) -> (u16, String, Option<String>) {
    super::wire::block(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = match &form {
            Some(f) => client.post(url).form(f).send().await.unwrap(),
            None => client.get(url).send().await.unwrap(),
        };
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        (status, r.text().await.unwrap_or_default(), location)
    })
}

/// Wait for a file to appear (the scripted browser writes it).
pub fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(s) = std::fs::read_to_string(path)
            && !s.is_empty()
        {
            return s;
        }
        assert!(Instant::now() < deadline, "the browser was never opened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The PKCE S256 challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// A client that follows no redirect (a redirect is an answer to look at).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The consent form by hand: paste the emulator's API key into it, approve the authorization
/// request `auth_request_id` on the display-code page, and read the code the page shows.
pub async fn approve_by_hand(emu: &RunningEmulator, auth_request_id: &str) -> String {
    let page = no_redirects()
        .post(format!("{}/connect", emu.root_url()))
        .form(&[
            ("auth_request_id", auth_request_id),
            ("display_code", "true"),
            ("api_key", emu.api_key.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("<code id=\"code\">").unwrap() + 16;
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

/// The query of `GET /oauth/authorize/` asking for a JSON answer: the CLI's client id, an S256
/// `challenge`, `state` when given, and `redirect`.
pub fn authorize_query<'a>(
    challenge: &'a str,
    state: Option<&'a str>,
    redirect: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut q = vec![
        ("client_id", "fastio-cli"),
        ("response_type", "code"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(state) = state {
        q.push(("state", state));
    }
    q.extend([("redirect_uri", redirect), ("response_format", "json")]);
    q
}

/// The form of `POST /oauth/token/` exchanging `code` with `verifier` for `redirect`.
pub fn code_exchange_form<'a>(
    code: &'a str,
    verifier: &'a str,
    redirect: &'a str,
) -> [(&'static str, &'a str); 5] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("code_verifier", verifier),
        ("client_id", "fastio-cli"),
        ("redirect_uri", redirect),
    ]
}

/// The OAuth dance by hand, as a browser would do it: authorize, approve on the display-code
/// page with the emulator's key, exchange the code with `verifier`. The token JSON.
pub async fn oauth_tokens_by_hand(emu: &RunningEmulator, verifier: &str) -> serde_json::Value {
    let http = no_redirects();
    let redirect = "http://localhost:19836/callback";
    let body: serde_json::Value = http
        .get(format!("{}/oauth/authorize/", emu.base_url))
        .query(&authorize_query(&challenge(verifier), None, redirect))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = body["response"]["auth_request_id"].as_str().unwrap();
    let code = approve_by_hand(emu, id).await;
    http.post(format!("{}/oauth/token/", emu.base_url))
        .form(&code_exchange_form(&code, verifier, redirect))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Token JSON from the emulator as the client's tokens, said to expire in `lifetime_ms`.
pub fn tokens_of(
    emu: &RunningEmulator,
    t: &serde_json::Value,
    lifetime_ms: i64,
) -> fastio::auth::store::OAuthTokens {
    use secrecy::SecretString;
    fastio::auth::store::OAuthTokens {
        api_base: emu.base_url.clone(),
        client_id: "fastio-cli".into(),
        access_token: SecretString::from(t["access_token"].as_str().unwrap().to_string()),
        refresh_token: Some(SecretString::from(
            t["refresh_token"].as_str().unwrap().to_string(),
        )),
        expires_at_ms: Some(fastio::auth::oauth::now_ms() + lifetime_ms),
        lifetime_ms: Some(lifetime_ms),
    }
}
