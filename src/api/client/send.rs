//! Sending requests: the HTTP verbs, the idempotent retry wrapper, the stall-watched send with
//! auth and refresh-on-401 through the rate-limit gate, and envelope and error decoding.

use std::time::{Duration, SystemTime};

use reqwest::{Method, RequestBuilder, Response};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::{ANNOUNCE_WAIT, Client, WaitNotice};
use crate::api::RateGate;

/// The token check every Fast.io API answers (with 401 when the token is wrong).
const AUTH_CHECK: &str = "/user/auth/check/";
use crate::api::error::ApiError;
use crate::api::ratelimit::{LimitInfo, ServerWait};
use crate::api::stall::{PROGRESS, Progress, note_progress, watch};
use crate::api::{envelope, retry};

impl Client {
    /// GET: idempotent, retried after transient failures.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call_idempotent(Method::GET, path, |rb| rb.query(query))
            .await
    }

    /// A form POST that may create or change something: sent once (a retry could duplicate it).
    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<Value, ApiError> {
        self.call(Method::POST, path, |rb| rb.form(form)).await
    }

    /// A form POST whose repetition is harmless (idempotent `createfolder`, lock heartbeat):
    /// retried after transient failures like a GET.
    pub async fn post_form_idempotent(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call_idempotent(Method::POST, path, |rb| rb.form(form))
            .await
    }

    /// DELETE with a form body (lock release); deleting twice is harmless, so it is retried.
    pub async fn delete_form(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.call_idempotent(Method::DELETE, path, |rb| rb.form(form))
            .await
    }

    /// [`Client::call`] retried (up to [`ClientOptions::retries`] times, backing off with full
    /// jitter) after 5xx, timeouts, stalls and connection errors; 429s wait at the gate.
    ///
    /// [`ClientOptions::retries`]: super::ClientOptions::retries
    pub async fn call_idempotent(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        retry::idempotent(self.opts.retries, self.opts.wait_throttled, || {
            self.call(method.clone(), path, &build)
        })
        .await
    }

    /// Send one request through the gate with auth, refresh once on 401, and decode the
    /// envelope into its payload. `build` may be called twice (after a refresh), so it must
    /// be able to rebuild the body. A 429 closes the gate and is returned to the caller, who
    /// decides whether to retry. Sent once: see [`Client::call_idempotent`] for retries.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, ApiError> {
        let progress = Progress::new();
        let limit = self.opts.stall_timeout;
        let fut = async {
            let resp = self.send_inner(method.clone(), path, &build, &[]).await?;
            self.decode(&method, path, resp).await
        };
        let r = match watch(&progress, limit, PROGRESS.scope(progress.clone(), fut)).await {
            Ok(r) => r,
            Err(idle) => Err(self.stalled(&method, path, idle)),
        };
        match r {
            Err(e) if e.is_no_route() && path != AUTH_CHECK && !self.answers_as_api().await => {
                Err(self.not_the_api(
                    &method,
                    path,
                    404,
                    format!(
                        "\"no such route\" (code 9992), as it does for {AUTH_CHECK}, which every \
                         Fast.io API has"
                    ),
                ))
            }
            other => other,
        }
    }

    /// Does the server answer `/user/auth/check/` as an API would (any answer but "no such
    /// route" or a page that is not the API's)? Asked once per client (and its clones); a
    /// server that cannot be reached counts as yes (that error shows elsewhere).
    async fn answers_as_api(&self) -> bool {
        *self
            .api_answers
            .get_or_init(|| async {
                let probe = self.send_inner(Method::GET, AUTH_CHECK, &|rb| rb, &[]);
                match tokio::time::timeout(self.opts.stall_timeout, probe).await {
                    Ok(Err(e)) => !(e.is_no_route() || matches!(e, ApiError::NotTheApi { .. })),
                    _ => true,
                }
            })
            .await
    }

    fn not_the_api(&self, method: &Method, path: &str, status: u16, what: String) -> ApiError {
        ApiError::NotTheApi {
            method: method.to_string(),
            path: path.to_string(),
            detail: format!(
                "{} answered HTTP {status} with {what}: not the Fast.io API; {}",
                self.origin(),
                self.base_hint()
            ),
        }
    }

    fn stalled(&self, method: &Method, path: &str, idle: Duration) -> ApiError {
        ApiError::Stalled {
            method: method.to_string(),
            path: path.to_string(),
            server: self.origin(),
            idle,
        }
    }

    /// `scheme://host:port` of the API, for messages.
    pub fn origin(&self) -> String {
        url::Url::parse(&self.base)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| self.base.to_string())
    }

    /// Like [`Client::call`] but returns the raw response of a success status (for bodies that
    /// are not envelopes, such as file reads). The answer's headers must come within the stall
    /// limit; reading the body is the caller's business.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let progress = Progress::new();
        let fut = self.send_inner(method.clone(), path, &build, &[]);
        match watch(
            &progress,
            self.opts.stall_timeout,
            PROGRESS.scope(progress.clone(), fut),
        )
        .await
        {
            Ok(r) => r,
            Err(idle) => Err(self.stalled(&method, path, idle)),
        }
    }

    /// A GET whose error answers with these statuses are answers too: `(status, payload)`
    /// for a success envelope, `(status, body)` (the whole JSON body, `result: "no"` and all)
    /// for a kept status. Bulk node details answer 404 with the per-id `errors` when every id
    /// failed (fastio-api.md §1.3, partial variant). Retried like [`Client::get`].
    pub async fn get_keeping(
        &self,
        path: &str,
        query: &[(&str, String)],
        keep: &[u16],
    ) -> Result<(u16, Value), ApiError> {
        retry::idempotent(self.opts.retries, self.opts.wait_throttled, || async {
            let progress = Progress::new();
            let fut = async {
                let build = |rb: RequestBuilder| rb.query(query);
                let resp = self.send_inner(Method::GET, path, &build, keep).await?;
                let status = resp.status().as_u16();
                if resp.status().is_success() {
                    return Ok((status, self.decode(&Method::GET, path, resp).await?));
                }
                let headers = resp.headers().clone();
                let body = read_body(resp)
                    .await
                    .map_err(|source| ApiError::Transport {
                        method: "GET".into(),
                        path: path.to_string(),
                        source,
                    })?;
                self.observe(&Method::GET, path, status, &headers, &body);
                match serde_json::from_slice::<Value>(&body) {
                    Ok(v) => Ok((status, v)),
                    Err(_) => {
                        let (code, text) = (0, envelope::body_excerpt(&body));
                        Err(ApiError::Status {
                            method: "GET".into(),
                            path: path.to_string(),
                            status,
                            code,
                            text,
                            retry_after: None,
                        })
                    }
                }
            };
            match watch(
                &progress,
                self.opts.stall_timeout,
                PROGRESS.scope(progress.clone(), fut),
            )
            .await
            {
                Ok(r) => r,
                Err(idle) => Err(self.stalled(&Method::GET, path, idle)),
            }
        })
        .await
    }

    async fn send_inner(
        &self,
        method: Method,
        path: &str,
        build: &impl Fn(RequestBuilder) -> RequestBuilder,
        keep: &[u16],
    ) -> Result<Response, ApiError> {
        let transport = |source| ApiError::Transport {
            method: method.to_string(),
            path: path.to_string(),
            source,
        };
        let gate = self.gates.for_path(path);
        let mut refreshed = false;
        loop {
            gate.wait_open().await;
            gate.wait_turn().await;
            note_progress();
            let token = self
                .creds
                .bearer()
                .await
                .map_err(|source| ApiError::Credential {
                    method: method.to_string(),
                    path: path.to_string(),
                    source,
                })?;
            let mut rb = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token.expose_secret());
            if let Some(p) = &self.share_password {
                rb = rb.header("x-ve-password", p.clone());
            }
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let resp = crate::logging::request(&method, path, build(rb).send())
                .await
                .map_err(transport)?;
            note_progress();
            let status = resp.status().as_u16();
            if resp.status().is_redirection() {
                let location = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                return Err(ApiError::Redirected {
                    method: method.to_string(),
                    path: path.to_string(),
                    status,
                    location: redact_location(&location),
                });
            }
            if status == 401 && !refreshed {
                refreshed = true;
                if self.creds.refresh(&token).await.unwrap_or(false) {
                    continue;
                }
            }
            let limits = LimitInfo::from_headers(resp.headers());
            // A 429, or a 503 that says when to come back: nobody sends until then (capped at
            // --max-wait); the caller decides whether to try again.
            if status == 429 || (status == 503 && limits.says_when()) {
                let wait = self.server_wait(gate, status, &limits);
                return Err(match self.error_from(&method, path, resp).await {
                    ApiError::Status {
                        method,
                        path,
                        status,
                        code,
                        text,
                        ..
                    } => ApiError::Status {
                        method,
                        path,
                        status,
                        code,
                        text,
                        retry_after: Some(wait),
                    },
                    other => other,
                });
            }
            if !resp.status().is_success() {
                if keep.contains(&status) {
                    return Ok(resp);
                }
                return Err(self.error_from(&method, path, resp).await);
            }
            gate.note(&limits, SystemTime::now());
            return Ok(resp);
        }
    }

    /// Close `gate` for what the server asked (429: counted as throttled, and pacing slows
    /// down), capped at `--max-wait`; a long wait (or one cut to `--max-wait`) is announced
    /// once, as it starts.
    fn server_wait(&self, gate: &RateGate, status: u16, limits: &LimitInfo) -> ServerWait {
        let now = SystemTime::now();
        let wait = ServerWait::capped(limits.wait_from(now), self.opts.max_wait);
        let extended = if status == 429 {
            gate.note_refused();
            gate.pause(wait.wait)
        } else {
            gate.hold(wait.wait)
        };
        if extended
            && (wait.wait >= ANNOUNCE_WAIT || wait.was_capped())
            && let Some(hook) = &self.on_wait
        {
            hook(WaitNotice {
                status,
                wait,
                until: now.checked_add(wait.wait).unwrap_or(now),
            });
        }
        wait
    }

    async fn error_from(&self, method: &Method, path: &str, resp: Response) -> ApiError {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.unwrap_or_default();
        self.observe(method, path, status, &headers, &body);
        let (code, text) = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => envelope::error_details(&v),
            // What a plain web server says for a path or method it does not have: not the API.
            Err(_) if matches!(status, 404 | 405 | 501) => {
                return self.not_the_api(method, path, status, envelope::body_excerpt(&body));
            }
            Err(_) => (0, envelope::body_excerpt(&body)),
        };
        let text = if text.is_empty() {
            reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error")
                .to_string()
        } else {
            text
        };
        ApiError::Status {
            method: method.to_string(),
            path: path.to_string(),
            status,
            code,
            text,
            retry_after: None,
        }
    }

    /// Decode a 2xx response: it must be a JSON success envelope.
    pub async fn decode(
        &self,
        method: &Method,
        path: &str,
        resp: Response,
    ) -> Result<Value, ApiError> {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = read_body(resp)
            .await
            .map_err(|source| ApiError::Transport {
                method: method.to_string(),
                path: path.to_string(),
                source,
            })?;
        self.observe(method, path, status, &headers, &body);
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) if envelope::body_excerpt(&body) == envelope::HTML_PAGE => {
                return Err(self.not_the_api(method, path, status, envelope::HTML_PAGE.into()));
            }
            Err(e) => {
                return Err(ApiError::Decode {
                    method: method.to_string(),
                    path: path.to_string(),
                    detail: format!("not JSON ({e}): {}", envelope::body_excerpt(&body)),
                });
            }
        };
        if envelope::result_is_truthy(&value) {
            return Ok(envelope::payload(value));
        }
        let (code, text) = envelope::error_details(&value);
        Err(ApiError::Status {
            method: method.to_string(),
            path: path.to_string(),
            status,
            code,
            text: if text.is_empty() {
                "request refused".into()
            } else {
                text
            },
            retry_after: None,
        })
    }
}

/// Read a whole answer body. Not counted as progress: an envelope is small, so the whole body
/// must arrive within the stall limit after the headers (a server trickling it is stalled).
async fn read_body(resp: Response) -> Result<bytes::Bytes, reqwest::Error> {
    resp.bytes().await
}

/// A redirect target for messages: scheme, host and path only (a query could carry a secret).
fn redact_location(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_password(None);
            let _ = u.set_username("");
            u.to_string()
        }
        Err(_) => location.split('?').next().unwrap_or("").to_string(),
    }
}
