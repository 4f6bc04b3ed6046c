//! How long the server asks us to wait: the rate-limit headers (fastio-api.md §1.5:
//! `x-ve-limit-*`, the legacy `X-Rate-Limit-*`) and `Retry-After` (RFC 9110 §10.2.3), on a 429
//! or a 503.
//!
//! Every value is data, never an order: it is parsed without overflow, whatever it says, and
//! the wait it asks for is capped by the caller at `--max-wait` ([`ServerWait`]).
//!
//! * `Retry-After`: delay-seconds (any number of digits; more than fit in 64 bits means
//!   "forever", which the cap turns into `--max-wait`) or an HTTP-date in any of the three
//!   forms RFC 9110 requires a recipient to accept (IMF-fixdate `Sun, 06 Nov 1994 08:49:37
//!   GMT`, the obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime
//!   `Sun Nov  6 08:49:37 1994`). It wins over the expiry headers.
//! * The window's expiry: epoch seconds (milliseconds above 10^12; a fraction is allowed), a UTC
//!   datetime such as `2026-04-24 23:49:04 UTC`, RFC 3339 (`2026-04-24T23:49:04Z`), or an
//!   HTTP-date. An expiry in the past means "now".
//! * Anything else, or nothing at all on a 429, waits [`DEFAULT_WAIT`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// Used when a 429 carries no usable expiry.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Epoch values above this are milliseconds.
const MILLIS_ABOVE: u64 = 1_000_000_000_000;

/// What `Retry-After` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// delay-seconds (saturated at `u64::MAX`).
    Secs(u64),
    /// An HTTP-date: Unix time in seconds (dates before 1970 count as 0).
    At(u64),
}

/// What the limit headers of one response say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitInfo {
    pub available: Option<u64>,
    pub max: Option<u64>,
    /// Unix time (seconds) when the window resets.
    pub expires_epoch: Option<u64>,
    /// `Retry-After`, if sent in a form we read.
    pub retry_after: Option<RetryAfter>,
}

fn header<'a>(headers: &'a HeaderMap, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
        .map(str::trim)
}

impl LimitInfo {
    pub fn from_headers(headers: &HeaderMap) -> LimitInfo {
        let num = |names: &[&str]| header(headers, names).and_then(|v| v.parse::<u64>().ok());
        LimitInfo {
            available: num(&["x-ve-limit-avail", "x-rate-limit-available"]),
            max: num(&["x-ve-limit-max", "x-rate-limit-max"]),
            expires_epoch: header(headers, &["x-ve-limit-expires", "x-rate-limit-expiry"])
                .and_then(parse_expiry),
            retry_after: header(headers, &["retry-after"]).and_then(parse_retry_after),
        }
    }

    /// Whether the answer says anything about when to come back.
    pub fn says_when(&self) -> bool {
        self.retry_after.is_some() || self.expires_epoch.is_some()
    }

    /// How long the server asks us to wait, as of `now` (not capped; never panics, whatever
    /// the values: a time past what a [`Duration`] holds is [`Duration::MAX`]).
    pub fn wait_from(&self, now: SystemTime) -> Duration {
        let until = |epoch: u64| {
            let now = now
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64();
            Duration::try_from_secs_f64((epoch as f64 - now).max(0.0)).unwrap_or(Duration::MAX)
        };
        match (self.retry_after, self.expires_epoch) {
            (Some(RetryAfter::Secs(secs)), _) => Duration::from_secs(secs),
            (Some(RetryAfter::At(epoch)), _) | (None, Some(epoch)) => until(epoch),
            (None, None) => DEFAULT_WAIT,
        }
    }
}

/// A wait the server asked for, and the part of it this client keeps: at most `--max-wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerWait {
    /// What we wait: `asked`, capped.
    pub wait: Duration,
    /// What the server asked for.
    pub asked: Duration,
}

impl ServerWait {
    /// `asked`, capped at `max`.
    pub fn capped(asked: Duration, max: Duration) -> ServerWait {
        ServerWait {
            wait: asked.min(max),
            asked,
        }
    }

    /// The server asked for more than we wait.
    pub fn was_capped(&self) -> bool {
        self.asked > self.wait
    }
}

/// Parse a `Retry-After` value.
pub fn parse_retry_after(v: &str) -> Option<RetryAfter> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than 64 bits hold: as long as can be (the cap decides).
        return Some(RetryAfter::Secs(v.parse().unwrap_or(u64::MAX)));
    }
    // Not RFC 9110, but seen: a fraction of a second count.
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| RetryAfter::Secs(secs.ceil() as u64));
    }
    http_date(v).map(RetryAfter::At)
}

/// An HTTP-date (RFC 9110 §5.6.7) in any of its three forms, as Unix seconds (≥ 0).
pub fn http_date(v: &str) -> Option<u64> {
    let v = v.trim();
    let epoch = |t: i64| Some(t.max(0) as u64);
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(v) {
        return epoch(dt.timestamp());
    }
    // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year; chrono reads it as 19xx
    // or 20xx the POSIX way).
    for (fmt, text) in [
        (
            "%A, %d-%b-%y %H:%M:%S",
            v.strip_suffix("GMT").map(str::trim),
        ),
        ("%a %b %e %H:%M:%S %Y", Some(v)),
    ] {
        if let Some(text) = text
            && let Ok(dt) = chrono::NaiveDateTime::parse_from_str(text, fmt)
        {
            return epoch(dt.and_utc().timestamp());
        }
    }
    None
}

/// Parse an expiry value into epoch seconds.
pub fn parse_expiry(v: &str) -> Option<u64> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let n = v.parse::<u64>().unwrap_or(u64::MAX);
        return Some(if n > MILLIS_ABOVE { n / 1000 } else { n });
    }
    if let Ok(f) = v.parse::<f64>() {
        if !f.is_finite() || f < 0.0 {
            return None;
        }
        let f = if f > MILLIS_ABOVE as f64 {
            f / 1000.0
        } else {
            f
        };
        return Some(f.ceil().min(u64::MAX as f64) as u64);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(dt.timestamp().max(0) as u64);
    }
    let trimmed = v
        .strip_suffix("UTC")
        .or_else(|| v.strip_suffix("GMT"))
        .or_else(|| v.strip_suffix('Z'))
        .unwrap_or(v)
        .trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(trimmed, fmt) {
            return Some(dt.and_utc().timestamp().max(0) as u64);
        }
    }
    http_date(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn expiry_formats() {
        assert_eq!(parse_expiry("1777000000"), Some(1_777_000_000));
        assert_eq!(parse_expiry("1777000000123"), Some(1_777_000_000));
        assert_eq!(parse_expiry("1777000000.4"), Some(1_777_000_001));
        assert_eq!(parse_expiry("2026-04-24 23:49:04 UTC"), Some(1_777_074_544));
        assert_eq!(parse_expiry("2026-04-24 23:49:04"), Some(1_777_074_544));
        // Rule 14: the RFC 3339 form too.
        assert_eq!(parse_expiry("2026-04-24T23:49:04Z"), Some(1_777_074_544));
        assert_eq!(
            parse_expiry("2026-04-25T01:49:04+02:00"),
            Some(1_777_074_544)
        );
        assert_eq!(
            parse_expiry("Fri, 24 Apr 2026 23:49:04 GMT"),
            Some(1_777_074_544)
        );
        assert_eq!(parse_expiry("soon"), None);
        assert_eq!(parse_expiry("-5"), None);
        // Beyond 64 bits: as far as can be, no panic.
        assert_eq!(
            parse_expiry("99999999999999999999999999"),
            Some(u64::MAX / 1000)
        );
    }

    #[test]
    fn retry_after_in_both_rfc_forms_and_absurd_values() {
        assert_eq!(parse_retry_after("120"), Some(RetryAfter::Secs(120)));
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(RetryAfter::Secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("184467440737095516150000"),
            Some(RetryAfter::Secs(u64::MAX))
        );
        let date = Some(RetryAfter::At(784_111_777));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), date);
        assert_eq!(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT"), date);
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:37 1994"), date);
        assert_eq!(parse_retry_after("later"), None);
        assert_eq!(parse_retry_after("-1"), None);
        let now = UNIX_EPOCH + Duration::from_secs(784_111_700);
        let info = LimitInfo {
            retry_after: date,
            ..Default::default()
        };
        assert_eq!(info.wait_from(now), Duration::from_secs(77));
        // Every absurd value is a finite wait, which the cap then bounds.
        for v in ["18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            let info = LimitInfo::from_headers(&headers(&[("Retry-After", v)]));
            let asked = info.wait_from(SystemTime::now());
            assert!(asked > Duration::from_secs(1 << 30), "{v}");
            let w = ServerWait::capped(asked, Duration::from_secs(300));
            assert_eq!(w.wait, Duration::from_secs(300));
            assert!(w.was_capped());
        }
        let info =
            LimitInfo::from_headers(&headers(&[("x-ve-limit-expires", &u64::MAX.to_string())]));
        assert!(info.wait_from(SystemTime::now()) > Duration::from_secs(1 << 40));
    }

    #[test]
    fn current_and_legacy_names_case_insensitive() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let cur = LimitInfo::from_headers(&headers(&[
            ("X-VE-Limit-Expires", "1003"),
            ("x-ve-limit-avail", "0"),
        ]));
        assert_eq!(cur.wait_from(now), Duration::from_secs(3));
        assert_eq!(cur.available, Some(0));
        let legacy = LimitInfo::from_headers(&headers(&[("X-Rate-Limit-Expiry", "1005")]));
        assert_eq!(legacy.wait_from(now), Duration::from_secs(5));
        let none = LimitInfo::from_headers(&HeaderMap::new());
        assert_eq!(none.wait_from(now), DEFAULT_WAIT);
        assert!(!none.says_when());
        let retry = LimitInfo::from_headers(&headers(&[
            ("Retry-After", "2"),
            ("x-ve-limit-expires", "1100"),
        ]));
        assert_eq!(retry.wait_from(now), Duration::from_secs(2));
        let past = LimitInfo::from_headers(&headers(&[("x-ve-limit-expires", "10")]));
        assert_eq!(past.wait_from(now), Duration::ZERO);
    }
}
