//! OAuth 2.0 authorization code + PKCE (S256) against Fast.io, built on the `oauth2` crate.
//!
//! The flow (see `fastio-api.md` 2.3): `GET /oauth/authorize/?…&response_format=json` returns an
//! `auth_request_id`; the user approves on the consent page (`https://go.fast.io/connect?…` for
//! the real service, `{origin}/connect?…` for any other API base, which the emulator serves);
//! the code comes back either to a loopback listener on 127.0.0.1 at the redirect URI's port
//! (with `state` checked) or, with `--no-browser`, is shown on the page and pasted back. The code
//! is exchanged with the verifier at `/oauth/token/`, whose answer is plain OAuth JSON.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::store::OAuthTokens;
use super::{AuthError, Notice, Notices};
use crate::api::envelope;

/// Fields of the token response beyond RFC 6749's: Fast.io may send `scopes` (a JSON-encoded
/// list of `type:id:mode`) beside or instead of `scope`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FastioTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Value>,
}
impl ExtraTokenFields for FastioTokenFields {}

pub type TokenResponse = StandardTokenResponse<FastioTokenFields, BasicTokenType>;

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub use crate::api::error::TokenError;

fn endpoints(api_base: &str, client_id: &str) -> anyhow::Result<OAuthClient> {
    let base = api_base.trim_end_matches('/');
    let url = |path: &str| format!("{base}{path}");
    Ok(oauth2::Client::new(ClientId::new(client_id.to_string()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::new(url("/oauth/authorize/")).context("bad API base URL")?)
        .set_token_uri(TokenUrl::new(url("/oauth/token/")).context("bad API base URL")?))
}

/// An HTTP client for the OAuth endpoints: never follows redirects (RFC 6749 10.6).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("fastio/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// Why a token request got no OAuth answer worth reading: no connection, or an answer that is
/// not the token endpoint's (a 5xx or 429, a body that is not JSON). Worth retrying.
#[derive(Debug, thiserror::Error)]
pub enum TokenTransport {
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("HTTP {status}: {detail}")]
    Unusable { status: u16, detail: String },
}

/// The HTTP client the `oauth2` crate calls for token requests: answers that cannot be an
/// OAuth answer become [`TokenTransport`] errors, so they are retried instead of read as a
/// refusal (which would end the login).
async fn token_http(
    http: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, TokenTransport> {
    let request: reqwest::Request = request.try_into()?;
    let resp = http.execute(request).await?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await?;
    let json = serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok();
    if status.is_server_error() || status.as_u16() == 429 || !json {
        return Err(TokenTransport::Unusable {
            status: status.as_u16(),
            detail: envelope::body_excerpt(&body),
        });
    }
    let mut out = oauth2::http::Response::builder().status(status);
    for (name, value) in headers.iter() {
        out = out.header(name, value);
    }
    out.body(body.to_vec())
        .map_err(|e| TokenTransport::Unusable {
            status: status.as_u16(),
            detail: e.to_string(),
        })
}

/// [`token_http`] as the `oauth2` crate's client type.
struct TokenHttp(reqwest::Client);

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp {
    type Error = TokenTransport;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, TokenTransport>>
                + Send
                + Sync
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(token_http(&self.0, request))
    }
}

/// Attempts of one token request when the endpoint is unreachable or answers garbage.
const TOKEN_ATTEMPTS: u32 = 5;

/// Run a token request, retrying with backoff while the endpoint is unreachable or answers
/// something that is not OAuth JSON; an OAuth error answer (`invalid_grant`, …) is final.
async fn with_token_retries<T, F, Fut>(mut f: F) -> Result<T, TokenError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, TokenError>>,
{
    let mut attempt = 1;
    loop {
        match f().await {
            Err(TokenError::Unreachable(_)) if attempt < TOKEN_ATTEMPTS => {
                tokio::time::sleep(crate::api::retry::backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn token_error<RE: std::error::Error + 'static>(
    err: RequestTokenError<RE, BasicErrorResponse>,
) -> TokenError {
    match err {
        RequestTokenError::ServerResponse(resp) => {
            let mut text = resp.error().to_string();
            if let Some(desc) = resp.error_description() {
                text = format!("{text}: {desc}");
            }
            TokenError::Refused(text)
        }
        // A non-OAuth error body (a Fast.io error envelope), or a success body we cannot read.
        // The body of an error holds no secret; a success body might, so only errors are shown.
        RequestTokenError::Parse(_, body) => match serde_json::from_slice::<Value>(&body) {
            Ok(v) if v.get("access_token").is_none() => {
                let (code, text) = envelope::error_details(&v);
                TokenError::Refused(if code != 0 {
                    format!("{text} (code {code})")
                } else if text.is_empty() {
                    "request refused".into()
                } else {
                    text
                })
            }
            _ => TokenError::Refused("unexpected response body".into()),
        },
        RequestTokenError::Request(e) => TokenError::Unreachable(e.to_string()),
        RequestTokenError::Other(text) => TokenError::Unreachable(text),
    }
}

/// Keep what the token endpoint returned; a missing `refresh_token` keeps the previous one.
fn tokens_from(
    resp: &TokenResponse,
    api_base: &str,
    client_id: &str,
    previous_refresh: Option<SecretString>,
) -> OAuthTokens {
    // The server's `expires_in` is data: any value saturates, none overflows.
    let expires_in = resp
        .expires_in()
        .map(|d| d.as_millis().min(i64::MAX as u128) as i64);
    OAuthTokens {
        api_base: api_base.trim_end_matches('/').to_string(),
        client_id: client_id.to_string(),
        access_token: SecretString::from(resp.access_token().secret().clone()),
        refresh_token: resp
            .refresh_token()
            .map(|r| SecretString::from(r.secret().clone()))
            .or(previous_refresh),
        expires_at_ms: expires_in.map(|ms| now_ms().saturating_add(ms)),
        lifetime_ms: expires_in,
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Trade a refresh token for new tokens (persisting them is the caller's job).
pub async fn refresh(
    http: &reqwest::Client,
    tokens: &OAuthTokens,
) -> Result<OAuthTokens, TokenError> {
    let Some(refresh) = &tokens.refresh_token else {
        return Err(TokenError::Refused("no refresh token was stored".into()));
    };
    let client = endpoints(&tokens.api_base, &tokens.client_id)
        .map_err(|e| TokenError::Unreachable(e.to_string()))?;
    let rt = RefreshToken::new(refresh.expose_secret().to_string());
    let call = TokenHttp(http.clone());
    let resp = with_token_retries(|| async {
        client
            .exchange_refresh_token(&rt)
            .request_async(&call)
            .await
            .map_err(token_error)
    })
    .await?;
    Ok(tokens_from(
        &resp,
        &tokens.api_base,
        &tokens.client_id,
        tokens.refresh_token.clone(),
    ))
}

/// Revoke the refresh token: `POST /oauth/revoke/` with the RFC 7009 form (`token`,
/// `token_type_hint`, `client_id`). Sent by hand: the `oauth2` crate insists on HTTPS here,
/// which a loopback emulator does not have.
pub async fn revoke(http: &reqwest::Client, tokens: &OAuthTokens) -> anyhow::Result<()> {
    let Some(refresh) = &tokens.refresh_token else {
        return Ok(());
    };
    let url = format!("{}/oauth/revoke/", tokens.api_base.trim_end_matches('/'));
    let form = [
        ("token", refresh.expose_secret()),
        ("token_type_hint", "refresh_token"),
        ("client_id", tokens.client_id.as_str()),
    ];
    let resp = http
        .post(&url)
        .form(&form)
        .send()
        .await
        .with_context(|| format!("revoking the refresh token at {url}"))?;
    let status = resp.status();
    if !status.is_success() {
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        let (_, text) = envelope::error_details(&body);
        bail!(
            "revoking the refresh token at {url}: HTTP {}: {text}",
            status.as_u16()
        );
    }
    Ok(())
}

/// Options of one browser login.
pub struct BrowserLogin<'a> {
    pub api_base: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub timeout: Duration,
    /// Print the URL and read the code pasted back instead of opening a browser.
    pub no_browser: bool,
    /// Where the login's prompts and warnings go.
    pub notices: &'a Notices,
}

/// The page where the user approves: go.fast.io for the real API, `{origin}/connect` otherwise.
pub fn consent_url(
    api_base: &str,
    auth_request_id: &str,
    display_code: bool,
) -> anyhow::Result<Url> {
    let base = Url::parse(api_base).with_context(|| format!("bad API base URL `{api_base}`"))?;
    let origin = match base.host_str() {
        Some("api.fast.io") => "https://go.fast.io".to_string(),
        _ => base.origin().ascii_serialization(),
    };
    let mut url = Url::parse(&format!("{origin}/connect"))?;
    url.query_pairs_mut()
        .append_pair("auth_request_id", auth_request_id);
    if display_code {
        url.query_pairs_mut().append_pair("display_code", "true");
    }
    Ok(url)
}

/// Run the whole browser login and return the tokens.
pub async fn browser_login(opts: &BrowserLogin<'_>) -> anyhow::Result<OAuthTokens> {
    let http = http_client()?;
    let mut redirect = Url::parse(opts.redirect_uri)
        .with_context(|| format!("bad --redirect-uri `{}`", opts.redirect_uri))?;

    // Bind the loopback listener first: the redirect URI sent to the server must name its port.
    let mut listener = None;
    if !opts.no_browser {
        match bind_loopback(&redirect).await {
            Ok((l, port)) => {
                if redirect.port_or_known_default() == Some(0) {
                    let _ = redirect.set_port(Some(port));
                }
                listener = Some(l);
            }
            Err(e) => opts.notices.send(Notice::Warning(format!(
                "{e:#}; falling back to pasting the code"
            ))),
        }
    }

    let client = endpoints(opts.api_base, opts.client_id)?
        .set_redirect_uri(RedirectUrl::new(redirect.to_string()).context("bad --redirect-uri")?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = CsrfToken::new(hex::encode(rand::random::<[u8; 16]>()));
    let state_value = state.secret().clone();
    let (authorize, _) = client
        .authorize_url(move || state)
        .set_pkce_challenge(challenge)
        .add_extra_param("response_format", "json")
        .url();
    let auth_request_id = start_authorization(&http, &authorize).await?;

    let wait = async {
        if let Some(listener) = listener {
            // `display_code=true`, as the service expects: the page shows the code to paste,
            // and a redirect to the loopback listener is taken too when the server sends one.
            let url = consent_url(opts.api_base, &auth_request_id, true)?;
            let opened = {
                let url = url.to_string();
                tokio::task::spawn_blocking(move || webbrowser::open(&url))
                    .await
                    .map_err(|e| anyhow!("{e}"))?
            };
            match opened {
                Ok(()) => {
                    opts.notices.send(Notice::Prompt(format!(
                        "Opened the browser to log in. If it did not open, visit:\n  {url}"
                    )));
                    let callback =
                        wait_for_callback(listener, redirect.path(), &state_value, opts.notices);
                    if std::io::stdin().is_terminal() {
                        opts.notices.send(Notice::Ask(
                            "Waiting for the browser (or paste the code it shows): ".into(),
                        ));
                    }
                    // The code comes back to the listener, or is pasted (a piped stdin counts
                    // too); an empty or closed stdin leaves the listener to it.
                    let pasted = async {
                        match read_code_line().await {
                            Ok(code) => Ok(code),
                            Err(_) => std::future::pending().await,
                        }
                    };
                    return tokio::select! {
                        code = callback => code,
                        code = pasted => code,
                    };
                }
                Err(e) => opts.notices.send(Notice::Warning(format!(
                    "cannot open a browser ({e}); paste the code instead"
                ))),
            }
        }
        let url = consent_url(opts.api_base, &auth_request_id, true)?;
        read_pasted_code(&url, opts.notices).await
    };
    let code = tokio::time::timeout(opts.timeout, wait)
        .await
        .map_err(|_| {
            AuthError::refused(format!(
                "login timed out: no authorization code within {} s; run `fastio login` again \
                 (or `fastio login --no-browser` to paste the code)",
                opts.timeout.as_secs()
            ))
        })??;

    let call = TokenHttp(http.clone());
    let verifier = verifier.secret().clone();
    let resp = with_token_retries(|| async {
        client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_string()))
            .set_pkce_verifier(oauth2::PkceCodeVerifier::new(verifier.clone()))
            .add_extra_param("device_name", "fastio-cli")
            .add_extra_param("device_type", "cli")
            .request_async(&call)
            .await
            .map_err(token_error)
    })
    .await
    .map_err(|e| match e {
        e @ TokenError::Refused(_) => AuthError::refused(format!("login failed: {e}")),
        e @ TokenError::Unreachable(_) => AuthError::unreachable(format!("login failed: {e}")),
    })?;
    Ok(tokens_from(&resp, opts.api_base, opts.client_id, None))
}

/// `GET /oauth/authorize/?…&response_format=json` → `auth_request_id` (string or number).
async fn start_authorization(http: &reqwest::Client, url: &Url) -> anyhow::Result<String> {
    let path = "/oauth/authorize/";
    let resp = http.get(url.clone()).send().await.map_err(|e| {
        AuthError::unreachable(format!(
            "GET {path}: cannot reach {}: {:#}",
            url.origin().ascii_serialization(),
            anyhow::Error::new(e.without_url())
        ))
    })?;
    let status = resp.status();
    let body: Value = resp
        .json()
        .await
        .with_context(|| format!("GET {path}: HTTP {status}, not JSON"))?;
    if !status.is_success() || !envelope::result_is_truthy(&body) {
        let (code, text) = envelope::error_details(&body);
        let fatal = AuthError::refused(format!(
            "GET {path}: HTTP {}{}: {}",
            status.as_u16(),
            if code != 0 {
                format!(" (code {code})")
            } else {
                String::new()
            },
            if text.is_empty() {
                "authorization refused"
            } else {
                &text
            }
        ));
        return Err(fatal.into());
    }
    envelope::string_field(&envelope::payload(body), "auth_request_id")
        .ok_or_else(|| anyhow!("GET {path}: the answer has no `auth_request_id`"))
}

/// Bind 127.0.0.1 at the redirect URI's port (0 = any free port). Returns the bound port.
async fn bind_loopback(redirect: &Url) -> anyhow::Result<(TcpListener, u16)> {
    match redirect.host_str() {
        Some("localhost" | "127.0.0.1" | "[::1]") if redirect.scheme() == "http" => {}
        _ => bail!("the redirect URI `{redirect}` is not a loopback http URL"),
    }
    let port = redirect.port_or_known_default().unwrap_or(80);
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the login callback"))?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

const PAGE_OK: &str = "<!doctype html><title>fastio</title><p>Logged in. You can close this tab and return to the terminal.</p>";

/// Accept connections until one brings the code with the right `state`. Requests with a wrong
/// `state` or no code are answered 400 and ignored (they may come from another page).
async fn wait_for_callback(
    listener: TcpListener,
    path: &str,
    state: &str,
    notices: &Notices,
) -> anyhow::Result<SecretString> {
    loop {
        let (mut sock, _) = listener.accept().await.context("login callback listener")?;
        let request =
            match tokio::time::timeout(Duration::from_secs(10), read_head(&mut sock)).await {
                Ok(Ok(head)) => head,
                _ => continue,
            };
        let target = request
            .lines()
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap_or("/");
        let Ok(url) = Url::parse(&format!("http://localhost{target}")) else {
            respond(&mut sock, 400, "bad request").await;
            continue;
        };
        if url.path() != path {
            respond(&mut sock, 404, "not found").await;
            continue;
        }
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if param("state").as_deref() != Some(state) {
            respond(&mut sock, 400, "state does not match this login; ignored").await;
            notices.send(Notice::Warning(
                "ignored a login callback whose `state` does not match".into(),
            ));
            continue;
        }
        if let Some(error) = param("error") {
            let desc = param("error_description").unwrap_or_default();
            respond(&mut sock, 400, "login refused").await;
            return Err(AuthError::refused(
                format!("login refused by the server: {error} {desc}")
                    .trim_end()
                    .to_string(),
            )
            .into());
        }
        let Some(code) = param("code").filter(|c| !c.is_empty()) else {
            respond(&mut sock, 400, "no code").await;
            continue;
        };
        respond(&mut sock, 200, PAGE_OK).await;
        return Ok(SecretString::from(code));
    }
}

async fn read_head(sock: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

async fn respond(sock: &mut tokio::net::TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(msg.as_bytes()).await;
    let _ = sock.shutdown().await;
}

/// Print the consent URL and read the code the page displays.
async fn read_pasted_code(url: &Url, notices: &Notices) -> anyhow::Result<SecretString> {
    notices.send(Notice::Prompt(format!(
        "Open this URL in a browser, approve, and paste the code it shows:\n  {url}"
    )));
    notices.send(Notice::Ask("Authorization code: ".into()));
    read_code_line().await
}

/// One line from stdin: the authorization code.
async fn read_code_line() -> anyhow::Result<SecretString> {
    let line = tokio::task::spawn_blocking(|| {
        crate::input::line_at_most(std::io::stdin().lock(), crate::input::SECRET_MAX)
    })
    .await
    .map_err(|e| anyhow!("{e}"))?
    .context("reading the authorization code from stdin")?;
    let code = line.trim();
    if code.is_empty() {
        return Err(AuthError::refused("no authorization code was entered").into());
    }
    Ok(SecretString::from(code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_page_follows_the_api_origin() {
        let real = consent_url("https://api.fast.io/current", "r1", true).unwrap();
        assert_eq!(
            real.as_str(),
            "https://go.fast.io/connect?auth_request_id=r1&display_code=true"
        );
        let local = consent_url("http://127.0.0.1:8787/current", "r 2", false).unwrap();
        assert_eq!(
            local.as_str(),
            "http://127.0.0.1:8787/connect?auth_request_id=r+2"
        );
    }
}
