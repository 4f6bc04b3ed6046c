//! Decoding the Fast.io response envelope (fastio-api.md §1.3).
//!
//! Success comes nested (`{"result":"yes","response":{...}}`) or flat (payload keys beside
//! `result`); `result` is `"yes"`/`"no"`, `true`/`false` or `0`. Errors carry `error.code` as an
//! integer or a numeric string and the text under `text` or `message`.

use serde_json::{Map, Value};

/// Is `result` truthy? Accepts `"yes"`, `true`, `"true"` and non-zero numbers.
pub fn result_is_truthy(body: &Value) -> bool {
    match body.get("result") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "yes" | "true"),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

/// The payload of a success envelope: `response` if present, else the body minus bookkeeping keys.
pub fn payload(body: Value) -> Value {
    match body {
        Value::Object(mut map) => {
            if let Some(inner) = map.remove("response") {
                return inner;
            }
            map.remove("result");
            map.remove("current_api_version");
            Value::Object(map)
        }
        other => other,
    }
}

/// The error details of a failure envelope: (code, text). Handles the nested `error` object and
/// the flat `error_message`/`error_id` variant.
pub fn error_details(body: &Value) -> (i64, String) {
    if let Some(err) = body.get("error").and_then(Value::as_object) {
        let code = err.get("code").map(parse_code).unwrap_or(0);
        let text = text_of(err).unwrap_or_default();
        return (code, text);
    }
    let code = body.get("error_id").map(parse_code).unwrap_or(0);
    let text = body
        .get("error_message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default();
    (code, text)
}

fn text_of(err: &Map<String, Value>) -> Option<String> {
    ["text", "message"]
        .iter()
        .find_map(|k| err.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// `error.code` is an integer or a numeric string; anything else is 0.
pub fn parse_code(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// What [`body_excerpt`] says of an HTML page.
pub const HTML_PAGE: &str = "an HTML page";

/// A short, printable excerpt of a body that is not the JSON we expected: an HTML page is named
/// as such, other text is cut to 120 characters with control characters escaped.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let t = text.trim_start();
    if t.is_empty() {
        return "empty body".into();
    }
    let lower: String = t.chars().take(15).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return HTML_PAGE.into();
    }
    let cut: String = t.chars().take(120).collect();
    let mut out = cut.escape_debug().to_string();
    if t.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// A value is "truthy" the way the API's booleans arrive: `true`, `"true"`, `"yes"`, `"1"`, or a
/// non-zero number.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1")
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

/// A string field that may arrive as a JSON string or a number (ids, counts).
pub fn string_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_success_shapes_unwrap_to_the_payload() {
        let nested = json!({"result": "yes", "response": {"id": "5a"}});
        let flat = json!({"result": true, "id": "5a", "current_api_version": "1"});
        assert!(result_is_truthy(&nested) && result_is_truthy(&flat));
        assert_eq!(payload(nested), json!({"id": "5a"}));
        assert_eq!(payload(flat), json!({"id": "5a"}));
    }

    #[test]
    fn truthy_values_in_every_spelling() {
        for v in [
            json!(true),
            json!("true"),
            json!("yes"),
            json!(1),
            json!("1"),
        ] {
            assert!(truthy(Some(&v)), "{v}");
        }
        for v in [
            json!(false),
            json!("false"),
            json!("no"),
            json!(0),
            json!(null),
        ] {
            assert!(!truthy(Some(&v)), "{v}");
        }
        assert!(!truthy(None));
    }

    #[test]
    fn excerpts_name_html_and_escape_control_characters() {
        assert_eq!(body_excerpt(b"<!DOCTYPE html><p>hi"), "an HTML page");
        assert_eq!(body_excerpt(b"  "), "empty body");
        assert_eq!(body_excerpt(b"bad\x1b[31m"), "bad\\u{1b}[31m");
        assert!(body_excerpt(&[b'a'; 500]).ends_with('…'));
    }

    #[test]
    fn falsy_results() {
        for body in [
            json!({"result": "no"}),
            json!({"result": false}),
            json!({"result": 0}),
            json!({}),
        ] {
            assert!(!result_is_truthy(&body), "{body}");
        }
    }

    #[test]
    fn error_code_as_int_or_string_and_text_or_message() {
        let a = json!({"result": "no", "error": {"code": 1605, "text": "bad"}});
        let b = json!({"result": false, "error": {"code": "400", "message": "worse"}});
        let c = json!({"result": false, "error_message": "flat", "error_id": 123});
        assert_eq!(error_details(&a), (1605, "bad".into()));
        assert_eq!(error_details(&b), (400, "worse".into()));
        assert_eq!(error_details(&c), (123, "flat".into()));
    }
}
