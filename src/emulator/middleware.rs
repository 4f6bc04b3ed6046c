//! Request pipeline: panic catching and envelope enforcement, output switches, counters, fault
//! injection and rate limiting.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt as _;
use rand::Rng as _;
use serde_json::{Value, json};

use super::caller::principal_of;
use super::net::ConnHandle;
use super::wire::{ApiErr, flip_body};
use super::{AppState, Variant};

/// Outermost: never a panic, never a bare error; applies the output variants (`validation-400`,
/// `flip-envelopes`, `response`, `yes-no`, `string-has-more`) to JSON bodies.
pub async fn finish(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(r) => r,
        Err(_) => {
            eprintln!("emulator: handler panicked on {method} {path}");
            ApiErr::internal("internal error").into_response()
        }
    };
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_json = content_type.starts_with("application/json");
    // Framework rejections are empty or text/plain; pages a handler renders (HTML) stay as they are.
    let bare = content_type.is_empty() || content_type.starts_with("text/plain");
    let mut resp = if status.as_u16() >= 400 && bare {
        // A rejection from an extractor or the framework: wrap it in an envelope.
        let (parts, body) = resp.into_parts();
        let text = axum::body::to_bytes(body, 4096)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default();
        let code = match status.as_u16() {
            400 | 406 | 415 | 422 => 1605,
            401 => 1650,
            404 => 1609,
            405 => 1651,
            413 => 1656,
            429 => 1671,
            _ => 1654,
        };
        let status = if matches!(status.as_u16(), 400 | 415 | 422) {
            StatusCode::NOT_ACCEPTABLE
        } else {
            status
        };
        let text = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_string()
        } else {
            text
        };
        let mut r = ApiErr::new(status, code, text).into_response();
        for (k, v) in parts.headers.iter() {
            if k != CONTENT_TYPE && k != CONTENT_LENGTH {
                r.headers_mut().append(k, v.clone());
            }
        }
        r
    } else {
        resp
    };
    if state.has(Variant::Validation400) && resp.status() == StatusCode::NOT_ACCEPTABLE {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    let reshape = [
        Variant::FlipEnvelopes,
        Variant::Response,
        Variant::YesNo,
        Variant::StringHasMore,
    ]
    .into_iter()
    .any(|v| state.has(v));
    if reshape && (is_json || resp.status().as_u16() >= 400) {
        let (mut parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, 64 << 20)
            .await
            .unwrap_or_default();
        let out = match serde_json::from_slice(&bytes) {
            Ok(v) => serde_json::to_vec(&reshape_body(&state, v)).unwrap_or_default(),
            Err(_) => bytes.to_vec(),
        };
        parts.headers.remove(CONTENT_LENGTH);
        resp = Response::from_parts(parts, Body::from(out));
    }
    resp
}

/// Apply the body-shaping variants, in this order: `flip-envelopes`, `response`, `yes-no`,
/// `string-has-more`. Bodies without a `result` key (OAuth token JSON, AI cancel) keep their
/// envelope; `string-has-more` applies to every `pagination` object.
fn reshape_body(state: &AppState, mut v: Value) -> Value {
    if state.has(Variant::FlipEnvelopes) {
        v = flip_body(v);
    }
    if let Value::Object(m) = &mut v {
        let truthy = m
            .get("result")
            .is_some_and(|r| *r == Value::Bool(true) || *r == json!("yes"));
        if state.has(Variant::Response) && truthy && !m.contains_key("response") {
            let result = m.remove("result").unwrap_or(Value::Bool(true));
            let inner = std::mem::take(m);
            m.insert("result".into(), result);
            m.insert("response".into(), Value::Object(inner));
        }
        if state.has(Variant::YesNo) {
            match m.get("result") {
                Some(Value::Bool(true)) => {
                    m.insert("result".into(), json!("yes"));
                }
                Some(Value::Bool(false)) => {
                    m.insert("result".into(), json!("no"));
                }
                _ => {}
            }
        }
    }
    if state.has(Variant::StringHasMore) {
        stringify_has_more(&mut v);
    }
    v
}

/// `pagination.has_more: true` → `"true"`, anywhere in the body.
fn stringify_has_more(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(p)) = m.get_mut("pagination")
                && let Some(Value::Bool(b)) = p.get("has_more")
            {
                let s = b.to_string();
                p.insert("has_more".into(), Value::String(s));
            }
            for (_, child) in m.iter_mut() {
                stringify_has_more(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(stringify_has_more),
        _ => {}
    }
}

/// Count requests per matched route and status.
pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // RFC 3986 needs no escape for unreserved characters; a client that escapes them anyway
    // (`%2D` in an upload id) is counted, since a strict server may not accept it.
    let raw = req.uri().path().to_ascii_lowercase();
    if ["%2d", "%2e", "%5f", "%7e"].iter().any(|e| raw.contains(e)) {
        state.stats.bump("paths_with_escaped_unreserved");
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| format!("{} {}", req.method(), m.as_str()))
        .unwrap_or_else(|| format!("{} (no route)", req.method()));
    let started = state.config.log_requests.then(|| {
        (
            std::time::Instant::now(),
            req.method().clone(),
            req.uri().path().to_string(),
        )
    });
    let in_flight = super::stats::InFlight::new(&state.stats.in_flight);
    let resp = next.run(req).await;
    drop(in_flight);
    state.stats.request(&route, resp.status().as_u16());
    if let Some((t, method, path)) = started {
        eprintln!(
            "{method} {path} -> {} ({:.1} ms)",
            resp.status().as_u16(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    resp
}

/// Discard a refused request's body (bounded in size and time) so the client can read the
/// error response instead of failing mid-write.
async fn drain_body(req: Request) {
    use futures_util::StreamExt as _;
    let mut body = req.into_body().into_data_stream();
    let mut seen = 0usize;
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(d)) = body.next().await {
            seen += d.len();
            if seen > 256 << 20 {
                break;
            }
        }
    })
    .await;
}

/// Fault injection and rate limiting for API routes (not `/__emulator/`).
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__emulator") {
        return next.run(req).await;
    }
    let cfg = &state.config;
    if !cfg.fault_routes.is_empty() {
        let method = req.method().as_str().to_string();
        let path = req.uri().path().to_string();
        if let Some(route) = cfg.fault_routes.iter().find(|r| r.matches(&method, &path)) {
            state.stats.fault(&format!("route_{}", route.status));
            let err = route.error();
            drain_body(req).await;
            return err.into_response();
        }
    }
    if cfg.latency_ms > 0 {
        state.stats.fault("latency");
        tokio::time::sleep(Duration::from_millis(cfg.latency_ms)).await;
    }
    if cfg.fail_rate > 0.0 || cfg.reset_rate > 0.0 {
        let (fail, reset, which) = {
            let mut rng = state.rng.lock().unwrap_or_else(|e| e.into_inner());
            let f = rng.random::<f64>() < cfg.fail_rate;
            let r = rng.random::<f64>() < cfg.reset_rate;
            (f, r, rng.random_range(0..3u8))
        };
        if reset && let Some(conn) = req.extensions().get::<ConnHandle>() {
            state.stats.fault("reset");
            conn.reset();
            return ApiErr::new(StatusCode::BAD_GATEWAY, 1654, "connection reset").into_response();
        }
        if fail {
            let (status, text) = match which {
                0 => (StatusCode::BAD_GATEWAY, "bad gateway (injected)"),
                1 => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service unavailable (injected)",
                ),
                _ => (StatusCode::GATEWAY_TIMEOUT, "gateway timeout (injected)"),
            };
            state.stats.fault(&format!("fail_{}", status.as_u16()));
            drain_body(req).await;
            return ApiErr::new(status, 1654, text).into_response();
        }
    }
    if let Some(limiter) = &state.limiter {
        let token = req
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_string()));
        let key = token
            .as_deref()
            .map(principal_of)
            .unwrap_or_else(|| "anonymous".into());
        let path = req.uri().path();
        let batch = path.ends_with("/upload/batch");
        match limiter.take(&key, batch) {
            Ok(h) => {
                let mut resp = next.run(req).await;
                h.apply(&state, resp.headers_mut());
                return resp;
            }
            Err(h) => {
                state
                    .stats
                    .rate_limited
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut resp = ApiErr::calm("rate limit exceeded; slow down").into_response();
                h.apply(&state, resp.headers_mut());
                return resp;
            }
        }
    }
    next.run(req).await
}

/// Values of the three limit headers.
#[derive(Debug, Clone, Copy)]
pub struct LimitHeaders {
    pub avail: u64,
    pub max: u64,
    /// Epoch seconds.
    pub expires: u64,
}

impl LimitHeaders {
    pub fn apply(&self, state: &AppState, h: &mut axum::http::HeaderMap) {
        let (a, m, e) = if state.has(Variant::LegacyRateHeaders) {
            (
                "x-rate-limit-available",
                "x-rate-limit-max",
                "x-rate-limit-expiry",
            )
        } else {
            ("x-ve-limit-avail", "x-ve-limit-max", "x-ve-limit-expires")
        };
        let at = || chrono::DateTime::from_timestamp(self.expires as i64, 0).unwrap_or_default();
        let expires = if state.has(Variant::IsoExpiry) {
            at().format("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else if state.has(Variant::DatetimeExpiry) {
            at().format("%Y-%m-%d %H:%M:%S UTC").to_string()
        } else {
            self.expires.to_string()
        };
        for (k, v) in [
            (a, self.avail.to_string()),
            (m, self.max.to_string()),
            (e, expires),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        }
    }

    /// Add the headers to an error.
    pub fn on(self, state: &AppState, err: ApiErr) -> ApiErr {
        let mut h = axum::http::HeaderMap::new();
        self.apply(state, &mut h);
        let mut err = err;
        for (k, v) in h.iter() {
            err.headers.push((k.clone(), v.clone()));
        }
        err
    }
}

pub fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// Token buckets per (principal, batch?) pair.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<(String, bool), (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: u32) -> RateLimiter {
        RateLimiter {
            rate,
            burst: burst.max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn take(&self, key: &str, batch: bool) -> Result<LimitHeaders, LimitHeaders> {
        let mut m = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let b = m
            .entry((key.to_string(), batch))
            .or_insert((self.burst, now));
        b.0 = (b.0 + now.duration_since(b.1).as_secs_f64() * self.rate).min(self.burst);
        b.1 = now;
        let epoch = epoch_now();
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            Ok(LimitHeaders {
                avail: b.0.floor() as u64,
                max: self.burst as u64,
                expires: (epoch + (self.burst - b.0) / self.rate).ceil() as u64,
            })
        } else {
            Err(LimitHeaders {
                avail: 0,
                max: self.burst as u64,
                expires: (epoch + (1.0 - b.0) / self.rate).ceil() as u64,
            })
        }
    }
}
