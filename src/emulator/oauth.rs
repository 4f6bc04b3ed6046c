//! OAuth 2.0 + PKCE endpoints of the emulator (fastio-api.md 2.3).
//!
//! * `GET /current/oauth/authorize/?client_id&response_type=code&code_challenge&
//!   code_challenge_method=S256&state&redirect_uri[&scope|scope_type]&response_format=json` →
//!   `{"result":"yes","response":{"auth_request_id":…}}`; without `response_format=json` a 302 to
//!   the consent page. Only S256 is accepted (`plain` → 406). Requests live 10 minutes.
//! * `GET /connect?auth_request_id=…[&display_code=true]` (outside `/current/`, like go.fast.io):
//!   the consent page. The emulator has no web login, so the page is a form that asks for one of
//!   the emulator's API keys: `POST /connect` with the form fields `auth_request_id`, `api_key`
//!   (and `display_code=true` when the page was opened with it) approves the request as that
//!   key's user; a wrong key shows the form again with 401 and the request stays pending. With
//!   `EmulatorConfig::auto_approve` (`--auto-approve`) opening the page approves at once as the
//!   default user (the owner of the first API key), as before. Once approved: with
//!   `display_code=true` the page shows the code (in `<code id="code">`) for pasting; otherwise
//!   it redirects (303) to `redirect_uri?code=…&state=…`. `deny=true` (GET or POST, no key
//!   needed) redirects with `error=access_denied`. Counter `oauth_consent_refused`.
//!   `token-endpoint-flaky` (variant): the 1st, 3rd, 5th … token request gets 503 with an HTML
//!   body (fault `token_503`).
//! * `POST /current/oauth/token/` (form): `authorization_code` (S256-verified, single-use codes
//!   valid 5 minutes, `client_id` and `redirect_uri` must match) and `refresh_token` (rotating:
//!   each refresh token works once; a replay is refused and counted). Answers plain OAuth JSON at
//!   top level with both `scope` and `scopes`; errors are RFC 6749 JSON (`error`,
//!   `error_description`) with HTTP 400.
//! * `POST /current/oauth/revoke/` (form `token`, optional `token_type_hint`): revokes a refresh
//!   token (and the access token issued with it) or an access token; 200 for unknown tokens too.
//!
//! Access tokens go into the shared token table with `--token-ttl` as lifetime, so an expired
//! token gets 401/1650 from every authenticated route. Counters in `/__emulator/stats`:
//! `oauth_codes`, `oauth_refreshes`, `oauth_refresh_replays`, `oauth_revocations`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::caller::{TokenInfo, TokenKind};
use super::ids;
use super::wire::{self, ApiErr, ApiResult, Fields};
use super::{AppState, Variant};

const REQUEST_LIFETIME: Duration = Duration::from_secs(600);
const CODE_LIFETIME: Duration = Duration::from_secs(300);

struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    state: Option<String>,
    scope: String,
    created: Instant,
}

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scope: String,
    user_id: String,
    expires: Instant,
}

struct Grant {
    client_id: String,
    user_id: String,
    scope: String,
    /// The access token issued together with this refresh token.
    access_token: String,
}

#[derive(Default)]
struct Tables {
    requests: HashMap<String, AuthRequest>,
    codes: HashMap<String, IssuedCode>,
    /// Live refresh tokens.
    grants: HashMap<String, Grant>,
    /// Refresh tokens already exchanged (rotation), to tell a replay from garbage.
    spent: std::collections::HashSet<String>,
}

#[derive(Default)]
struct OAuthState(Mutex<Tables>);

impl OAuthState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Routes under `/current`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
}

/// Routes at the server root (the consent page, like `https://go.fast.io/connect`).
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/connect", get(connect).post(connect_submit))
}

fn is_allowed_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
        _ => false,
    }
}

async fn authorize(State(state): State<AppState>, f: Fields) -> ApiResult {
    let client_id = f.req("client_id")?.to_string();
    if f.req("response_type")? != "code" {
        return Err(ApiErr::invalid("response_type", "only `code` is supported"));
    }
    match f.get("code_challenge_method") {
        Some("S256") => {}
        Some("plain") => {
            return Err(ApiErr::invalid(
                "code_challenge_method",
                "`plain` is not allowed: use S256",
            ));
        }
        Some(_) => return Err(ApiErr::invalid("code_challenge_method", "must be S256")),
        None => return Err(ApiErr::missing("code_challenge_method")),
    }
    let challenge = f.req("code_challenge")?.to_string();
    if !(43..=128).contains(&challenge.len())
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiErr::invalid(
            "code_challenge",
            "must be base64url(SHA-256(verifier)) without padding",
        ));
    }
    let redirect_uri = f.req("redirect_uri")?.to_string();
    if !is_allowed_redirect(&redirect_uri) {
        return Err(ApiErr::invalid(
            "redirect_uri",
            "must be https or a loopback http URL",
        ));
    }
    let scope = f
        .get("scope")
        .or(f.get("scope_type"))
        .filter(|s| !s.is_empty())
        .unwrap_or("user")
        .to_string();
    let id = ids::random_alnum(32);
    let tables = state.ext::<OAuthState>();
    {
        let mut t = tables.lock();
        t.requests
            .retain(|_, r| r.created.elapsed() < REQUEST_LIFETIME);
        t.requests.insert(
            id.clone(),
            AuthRequest {
                client_id,
                redirect_uri,
                challenge,
                state: f.get("state").map(str::to_owned),
                scope,
                created: Instant::now(),
            },
        );
    }
    if f.get("response_format") == Some("json") {
        wire::ok(json!({ "auth_request_id": id }))
    } else {
        Ok(Redirect::to(&format!("/connect?auth_request_id={id}")).into_response())
    }
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1>{body}<p><small>fastio emulator: there is no web login here; \
             approving takes one of the emulator's API keys (the FASTIO_API_KEY it printed at \
             start-up) and approves as that key's user, unless the emulator runs with \
             --auto-approve.</small></p></body></html>"
        )),
    )
        .into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(uri).expect("validated at authorize");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

/// The consent form: the user pastes an API key into the `api_key` field and approves.
fn consent_form(status: StatusCode, id: &str, display_code: bool, note: &str) -> Response {
    let dc = if display_code {
        "<input type=\"hidden\" name=\"display_code\" value=\"true\">"
    } else {
        ""
    };
    page(
        status,
        "Approve access",
        &format!(
            "{note}<form method=\"post\" action=\"/connect\">\
             <input type=\"hidden\" name=\"auth_request_id\" value=\"{}\">{dc}\
             <p><label>Emulator API key: <input type=\"password\" name=\"api_key\" id=\"api_key\" \
             autocomplete=\"off\"></label></p>\
             <p><button type=\"submit\">Approve</button> \
             <button type=\"submit\" name=\"deny\" value=\"true\">Deny</button></p></form>",
            html_escape(id)
        ),
    )
}

/// Look up a pending request: the page to show instead when it is unknown or expired.
fn pending_problem(t: &Tables, id: Option<&str>) -> Option<Response> {
    let Some(id) = id else {
        return Some(page(
            StatusCode::BAD_REQUEST,
            "Missing request",
            "<p>No <code>auth_request_id</code>.</p>",
        ));
    };
    match t.requests.get(id) {
        None => Some(page(
            StatusCode::NOT_FOUND,
            "Unknown request",
            "<p>This authorization request is unknown, used or expired.</p>",
        )),
        Some(r) if r.created.elapsed() >= REQUEST_LIFETIME => Some(page(
            StatusCode::GONE,
            "Expired request",
            "<p>This authorization request expired.</p>",
        )),
        Some(_) => None,
    }
}

/// `GET /connect`: with `--auto-approve` approves at once as the default user; otherwise shows
/// the consent form (approval is `POST /connect`). `deny=true` refuses without a key.
async fn connect(State(state): State<AppState>, f: Fields) -> Response {
    let tables = state.ext::<OAuthState>();
    let mut t = tables.lock();
    if let Some(problem) = pending_problem(&t, f.get("auth_request_id")) {
        return problem;
    }
    let id = f.get("auth_request_id").unwrap_or_default().to_string();
    let display_code = f.get("display_code") == Some("true");
    if f.get("deny") == Some("true") {
        let req = t.requests.remove(&id).expect("checked above");
        return deny(req);
    }
    if !state.config.auto_approve {
        return consent_form(StatusCode::OK, &id, display_code, "");
    }
    let req = t.requests.remove(&id).expect("checked above");
    drop(t);
    approve(&state, req, state.default_user_id.clone(), display_code)
}

/// `POST /connect` (form `auth_request_id`, `api_key`, optional `display_code`, `deny`): the
/// consent step. A wrong or missing key shows the form again (401) and the request stays
/// pending; a right one approves as the key's user.
async fn connect_submit(State(state): State<AppState>, f: Fields) -> Response {
    let tables = state.ext::<OAuthState>();
    let mut t = tables.lock();
    if let Some(problem) = pending_problem(&t, f.get("auth_request_id")) {
        return problem;
    }
    let id = f.get("auth_request_id").unwrap_or_default().to_string();
    let display_code = f.get("display_code") == Some("true");
    if f.get("deny") == Some("true") {
        let req = t.requests.remove(&id).expect("checked above");
        return deny(req);
    }
    let key = f.get("api_key").unwrap_or("").trim();
    let user = state
        .tokens
        .lookup(key)
        .filter(|i| !key.is_empty() && i.kind == TokenKind::ApiKey)
        .map(|i| i.user_id);
    let Some(user_id) = user else {
        drop(t);
        state.stats.bump("oauth_consent_refused");
        return consent_form(
            StatusCode::UNAUTHORIZED,
            &id,
            display_code,
            "<p id=\"error\">That is not one of this emulator's API keys.</p>",
        );
    };
    let req = t.requests.remove(&id).expect("checked above");
    drop(t);
    approve(&state, req, user_id, display_code)
}

fn deny(req: AuthRequest) -> Response {
    let state_pair = req.state.clone().unwrap_or_default();
    let mut pairs = vec![("error", "access_denied")];
    if req.state.is_some() {
        pairs.push(("state", &state_pair));
    }
    Redirect::to(&with_query(&req.redirect_uri, &pairs)).into_response()
}

/// Issue a code for `req` as `user_id`: the display-code page, or a redirect to
/// `redirect_uri?code=…&state=…`.
fn approve(state: &AppState, req: AuthRequest, user_id: String, display_code: bool) -> Response {
    let tables = state.ext::<OAuthState>();
    let state_pair = req.state.clone().unwrap_or_default();
    let code = ids::random_alnum(40);
    {
        let mut t = tables.lock();
        t.codes.retain(|_, c| c.expires > Instant::now());
        t.codes.insert(
            code.clone(),
            IssuedCode {
                client_id: req.client_id,
                redirect_uri: req.redirect_uri.clone(),
                challenge: req.challenge,
                scope: req.scope,
                user_id,
                expires: Instant::now() + CODE_LIFETIME,
            },
        );
    }
    state.stats.bump("oauth_codes");
    let mut pairs = vec![("code", code.as_str())];
    if req.state.is_some() {
        pairs.push(("state", &state_pair));
    }
    let back = with_query(&req.redirect_uri, &pairs);
    if display_code {
        // The code to paste, and (for a client that also listens on its redirect URI) a link
        // back to it: either way of receiving the code works.
        let link = if req.redirect_uri.is_empty() {
            String::new()
        } else {
            format!(
                "<p>Or <a id=\"return\" href=\"{}\">return to the application</a>.</p>",
                html_escape(&back)
            )
        };
        return page(
            StatusCode::OK,
            "Authorization code",
            &format!(
                "<p>Paste this code into the terminal (valid 5 minutes):</p><p><code id=\"code\">{code}</code></p>{link}"
            ),
        );
    }
    Redirect::to(&back).into_response()
}

/// RFC 6749 5.2 error body (plain OAuth JSON, not the API envelope).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description, "result": "no"})),
    )
        .into_response()
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Issue an access token (into the shared token table) and a refresh token.
fn issue(
    state: &AppState,
    t: &mut Tables,
    client_id: &str,
    user_id: &str,
    scope: &str,
) -> Response {
    let access = format!("fio_at_{}", ids::random_alnum(40));
    let refresh = format!("fio_rt_{}", ids::random_alnum(40));
    let ttl = state.config.token_ttl;
    state.tokens.insert(
        &access,
        TokenInfo {
            user_id: user_id.to_string(),
            kind: TokenKind::OAuth,
            expires_at: Some(SystemTime::now() + ttl),
            scope: scope.to_string(),
        },
    );
    t.grants.insert(
        refresh.clone(),
        Grant {
            client_id: client_id.to_string(),
            user_id: user_id.to_string(),
            scope: scope.to_string(),
            access_token: access.clone(),
        },
    );
    let scopes = serde_json::to_string(&[format!("{scope}:{user_id}:rw")]).unwrap_or_default();
    axum::Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl.as_secs(),
        "refresh_token": refresh,
        "scope": scope,
        "scopes": scopes,
    }))
    .into_response()
}

/// Requests seen by `/oauth/token/` (for `token-endpoint-flaky`).
#[derive(Default)]
struct TokenCalls(std::sync::atomic::AtomicU64);

async fn token(State(state): State<AppState>, f: Fields) -> Response {
    if state.has(Variant::TokenEndpointFlaky) {
        let n = state
            .ext::<TokenCalls>()
            .0
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if n % 2 == 0 {
            state.stats.fault("token_503");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(
                    "<html><head><title>503 Service Temporarily Unavailable</title></head>\
                     <body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
                ),
            )
                .into_response();
        }
    }
    let bad = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", d);
    let tables = state.ext::<OAuthState>();
    match f.get("grant_type") {
        Some("authorization_code") => {
            let (Some(code), Some(verifier), Some(client_id), Some(redirect_uri)) = (
                f.get("code"),
                f.get("code_verifier"),
                f.get("client_id"),
                f.get("redirect_uri"),
            ) else {
                return bad("code, code_verifier, client_id and redirect_uri are required");
            };
            let mut t = tables.lock();
            // Single use: the code is gone whatever the outcome.
            let Some(issued) = t.codes.remove(code) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown or used code",
                );
            };
            if issued.expires <= Instant::now() {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "code expired");
            }
            if issued.client_id != client_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "client_id mismatch",
                );
            }
            if issued.redirect_uri != redirect_uri {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri mismatch",
                );
            }
            if s256(verifier) != issued.challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "code_verifier does not match the code_challenge",
                );
            }
            issue(&state, &mut t, client_id, &issued.user_id, &issued.scope)
        }
        Some("refresh_token") => {
            let Some(refresh) = f.get("refresh_token") else {
                return bad("refresh_token is required");
            };
            let mut t = tables.lock();
            let Some(grant) = t.grants.remove(refresh) else {
                if t.spent.contains(refresh) {
                    state.stats.bump("oauth_refresh_replays");
                }
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown, used or revoked refresh token",
                );
            };
            if f.get("client_id").is_some_and(|c| c != grant.client_id) {
                t.grants.insert(refresh.to_string(), grant);
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "client_id mismatch",
                );
            }
            t.spent.insert(refresh.to_string());
            state.stats.bump("oauth_refreshes");
            issue(
                &state,
                &mut t,
                &grant.client_id,
                &grant.user_id,
                &grant.scope,
            )
        }
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
        None => bad("grant_type is required"),
    }
}

async fn revoke(State(state): State<AppState>, f: Fields) -> ApiResult {
    let token = f
        .get("token")
        .or(f.get("refresh_token"))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiErr::missing("token"))?;
    let tables = state.ext::<OAuthState>();
    let grant = tables.lock().grants.remove(token);
    match grant {
        Some(g) => {
            state.tokens.remove(&g.access_token);
        }
        None => {
            // An access token; API keys are not revoked here.
            if state
                .tokens
                .lookup(token)
                .is_some_and(|i| i.kind == TokenKind::OAuth)
            {
                state.tokens.remove(token);
            }
        }
    }
    state.stats.bump("oauth_revocations");
    wire::ok(json!({}))
}
