//! Envelopes and errors as documented in fastio-api.md §1.3–1.4.
//!
//! Handlers return `Result<Response, ApiErr>` (alias [`ApiResult`]). Success: [`ok`] (nested,
//! `"result":"yes"`, the canonical shape for generic endpoints) or [`ok_flat`] (payload keys beside
//! `"result":true`, used by `/upload/` and `/upload/batch/`). The body-shaping variants
//! (`flip-envelopes`, `response`, `yes-no`, `string-has-more`, `validation-400`) are applied
//! afterwards by a response middleware, so handlers always emit the canonical shape.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Handler result.
pub type ApiResult = Result<Response, ApiErr>;

/// An error envelope with its HTTP status.
#[derive(Debug, Clone)]
pub struct ApiErr {
    pub status: StatusCode,
    pub code: i64,
    pub text: String,
    pub error_code: Option<&'static str>,
    /// `params` (validation details: an array of `{name, kind, code, message, expected_type}`).
    pub params: Option<Value>,
    /// Extra response headers (e.g. rate-limit headers on 429).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiErr {
    pub fn new(status: StatusCode, code: i64, text: impl Into<String>) -> ApiErr {
        ApiErr {
            status,
            code,
            text: text.into(),
            error_code: None,
            params: None,
            headers: Vec::new(),
        }
    }

    fn validation(name: &str, kind: &str, message: &str, expected: &str) -> ApiErr {
        let mut e = ApiErr::new(
            StatusCode::NOT_ACCEPTABLE,
            1605,
            format!("{name}: {message}"),
        );
        e.error_code = Some("APP_ERROR_INPUT_INVALID");
        e.params = Some(json!([{
            "name": name, "kind": kind, "code": 1605, "message": message, "expected_type": expected,
        }]));
        e
    }

    /// 406/1605: a field has a bad value.
    pub fn invalid(name: &str, message: &str) -> ApiErr {
        ApiErr::validation(name, "invalid", message, "string")
    }

    /// 406/1605: a required field is absent.
    pub fn missing(name: &str) -> ApiErr {
        ApiErr::validation(name, "missing", "is required", "string")
    }

    /// 406 with a specific code (e.g. 10522 for a size mismatch), no field.
    pub fn not_acceptable(code: i64, text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::NOT_ACCEPTABLE, code, text);
        e.error_code = Some("APP_ERROR_INPUT_INVALID");
        e
    }

    /// 404/1609.
    pub fn not_found(what: &str) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::NOT_FOUND, 1609, format!("{what} not found"));
        e.error_code = Some("APP_ERROR_NOT_FOUND");
        e
    }

    /// 401/1650.
    pub fn unauthorized(text: &str) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::UNAUTHORIZED, 1650, text);
        e.error_code = Some("APP_AUTH_INVALID");
        e
    }

    /// 423/1677: locked by someone else.
    pub fn locked(text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::LOCKED, 1677, text);
        e.error_code = Some("APP_LOCKED");
        e
    }

    /// 409/1660.
    pub fn conflict(text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::CONFLICT, 1660, text);
        e.error_code = Some("APP_CONFLICT");
        e
    }

    /// 413/1656.
    pub fn too_large(text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::PAYLOAD_TOO_LARGE, 1656, text);
        e.error_code = Some("APP_EXCEEDED_LIMIT");
        e
    }

    /// 412/1685: plan/feature limit.
    pub fn feature_limit(text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::PRECONDITION_FAILED, 1685, text);
        e.error_code = Some("APP_FEATURE_LIMIT");
        e
    }

    /// 429/1671 (add the limit headers with [`ApiErr::with_header`]).
    pub fn calm(text: impl Into<String>) -> ApiErr {
        let mut e = ApiErr::new(StatusCode::TOO_MANY_REQUESTS, 1671, text);
        e.error_code = Some("APP_ENHANCE_CALM");
        e
    }

    /// 500/1654 for a storage failure (never a bare 500).
    pub fn internal(text: impl Into<String>) -> ApiErr {
        ApiErr::new(StatusCode::INTERNAL_SERVER_ERROR, 1654, text)
    }

    pub fn db(e: rusqlite::Error) -> ApiErr {
        ApiErr::internal(format!("storage error: {e}"))
    }

    pub fn io(e: std::io::Error) -> ApiErr {
        ApiErr::internal(format!("storage I/O error: {e}"))
    }

    pub fn with_header(mut self, name: &'static str, value: impl AsRef<str>) -> ApiErr {
        if let Ok(v) = HeaderValue::from_str(value.as_ref()) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    pub fn with_params(mut self, params: Value) -> ApiErr {
        self.params = Some(params);
        self
    }

    /// The envelope body.
    pub fn body(&self) -> Value {
        let mut err = json!({
            "code": self.code,
            "text": self.text,
            "documentation_url": "https://api.fast.io/llms.txt",
        });
        if let Some(c) = self.error_code {
            err["error_code"] = json!(c);
        }
        if let Some(p) = &self.params {
            err["params"] = p.clone();
        }
        json!({"result": "no", "error": err})
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut resp = (self.status, Json(body)).into_response();
        for (k, v) in self.headers {
            resp.headers_mut().append(k, v);
        }
        resp
    }
}

impl From<rusqlite::Error> for ApiErr {
    fn from(e: rusqlite::Error) -> ApiErr {
        ApiErr::db(e)
    }
}

impl From<std::io::Error> for ApiErr {
    fn from(e: std::io::Error) -> ApiErr {
        ApiErr::io(e)
    }
}

/// Nested success: `{"result":"yes","response":payload}`.
pub fn ok(payload: Value) -> ApiResult {
    Ok(Json(json!({"result": "yes", "response": payload})).into_response())
}

/// Flat success: payload keys beside `"result":true`.
pub fn ok_flat(payload: Value) -> ApiResult {
    let mut body = match payload {
        Value::Object(m) => Value::Object(m),
        Value::Null => json!({}),
        other => json!({"value": other}),
    };
    body["result"] = json!(true);
    Ok(Json(body).into_response())
}

/// Request fields: the query string merged with a form-urlencoded body (the query wins when a
/// name appears in both). Works for GET, POST and DELETE-with-body.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub HashMap<String, String>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A present, non-empty field or 406 `missing`.
    pub fn req(&self, name: &str) -> Result<&str, ApiErr> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiErr::missing(name)),
        }
    }

    /// An optional field parsed as `T`; a bad value is 406 `invalid`.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiErr> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiErr::invalid(name, "not a valid value")),
        }
    }

    /// A required field parsed as `T`.
    pub fn req_parse<T: std::str::FromStr>(&self, name: &str) -> Result<T, ApiErr> {
        self.parse(name)?.ok_or_else(|| ApiErr::missing(name))
    }

    /// `true`/`false` (also 1/0/yes/no); absent = `default`.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ApiErr> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(_) => Err(ApiErr::invalid(name, "must be true or false")),
        }
    }
}

fn parse_pairs(s: &str, into: &mut HashMap<String, String>, overwrite: bool) {
    for (k, v) in url::form_urlencoded::parse(s.as_bytes()) {
        if overwrite {
            into.insert(k.into_owned(), v.into_owned());
        } else {
            into.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
    }
}

/// Query-only fields (for handlers that also take a multipart body).
#[derive(Debug, Default, Clone)]
pub struct QueryFields(pub Fields);

impl<S: Send + Sync> FromRequestParts<S> for QueryFields {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiErr> {
        let mut map = HashMap::new();
        if let Some(q) = parts.uri.query() {
            parse_pairs(q, &mut map, true);
        }
        Ok(QueryFields(Fields(map)))
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = ApiErr;
    async fn from_request(req: Request, _: &S) -> Result<Self, ApiErr> {
        let mut map = HashMap::new();
        if let Some(q) = req.uri().query() {
            parse_pairs(q, &mut map, true);
        }
        let ct = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.starts_with("multipart/") {
            return Err(ApiErr::invalid(
                "content-type",
                "this endpoint takes application/x-www-form-urlencoded",
            ));
        }
        let body = axum::body::to_bytes(req.into_body(), 16 << 20)
            .await
            .map_err(|_| ApiErr::too_large("form body too large"))?;
        if !body.is_empty() {
            if ct.starts_with("application/json") {
                if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&body) {
                    for (k, v) in m {
                        let s = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        map.entry(k).or_insert(s);
                    }
                }
            } else {
                let s =
                    std::str::from_utf8(&body).map_err(|_| ApiErr::invalid("body", "not UTF-8"))?;
                parse_pairs(s, &mut map, false);
            }
        }
        Ok(Fields(map))
    }
}

/// The 404/9992 error of an unknown route.
pub fn route_not_found() -> ApiErr {
    let mut e = ApiErr::new(StatusCode::NOT_FOUND, 9992, "no such API route");
    e.error_code = Some("APP_ERROR_NOT_FOUND");
    e
}

/// 404/9992 for an unknown route.
pub async fn no_route() -> Response {
    route_not_found().into_response()
}

/// 405/1651 for a known route called with the wrong method.
pub async fn wrong_method() -> Response {
    ApiErr::new(StatusCode::METHOD_NOT_ALLOWED, 1651, "method not allowed").into_response()
}

/// Turn a response into the alternative shape (`--flip-envelopes`): nested ↔ flat, `"yes"` ↔
/// `true`, error `text` → `message` and a string `code`.
pub fn flip_body(body: Value) -> Value {
    let Value::Object(mut m) = body else {
        return body;
    };
    let Some(result) = m.get("result").cloned() else {
        return Value::Object(m);
    };
    let truthy = matches!(result, Value::Bool(true)) || result == json!("yes");
    if !truthy {
        if let Some(Value::Object(err)) = m.get_mut("error") {
            if let Some(t) = err.remove("text") {
                err.insert("message".into(), t);
            }
            if let Some(c) = err.get("code").cloned() {
                err.insert("code".into(), json!(c.to_string().trim_matches('"')));
            }
        }
        m.insert(
            "result".into(),
            if result.is_boolean() {
                json!("no")
            } else {
                json!(false)
            },
        );
        return Value::Object(m);
    }
    if let Some(inner) = m.remove("response") {
        // nested → flat
        let mut out = match inner {
            Value::Object(o) => o,
            other => {
                let mut o = serde_json::Map::new();
                o.insert("value".into(), other);
                o
            }
        };
        out.insert("result".into(), json!(true));
        Value::Object(out)
    } else {
        // flat → nested
        m.remove("result");
        json!({"result": "yes", "response": Value::Object(m)})
    }
}
