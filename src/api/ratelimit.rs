//! Rate-limit headers (fastio-api.md §1.5): `x-ve-limit-*`, the legacy `X-Rate-Limit-*`, and an
//! optional `Retry-After`. The expiry is epoch seconds (milliseconds above 10^12), a UTC
//! datetime such as `2026-04-24 23:49:04 UTC`, or RFC 3339; anything else falls back to 60 s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// Used when a 429 carries no usable expiry.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// What the limit headers of one response say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitInfo {
    pub available: Option<u64>,
    pub max: Option<u64>,
    /// Unix time (seconds) when the window resets.
    pub expires_epoch: Option<u64>,
    /// `Retry-After` in seconds, if sent.
    pub retry_after: Option<u64>,
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
            retry_after: num(&["retry-after"]),
        }
    }

    /// How long to wait before the next request, as of `now`.
    pub fn wait_from(&self, now: SystemTime) -> Duration {
        if let Some(secs) = self.retry_after {
            return Duration::from_secs(secs);
        }
        match self.expires_epoch {
            Some(epoch) => {
                let now = now
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs_f64();
                Duration::from_secs_f64((epoch as f64 - now).max(0.0))
            }
            None => DEFAULT_WAIT,
        }
    }
}

/// Parse an expiry value into epoch seconds.
pub fn parse_expiry(v: &str) -> Option<u64> {
    if let Ok(n) = v.parse::<u64>() {
        return Some(if n > 1_000_000_000_000 { n / 1000 } else { n });
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(v.trim()) {
        return Some(dt.timestamp().max(0) as u64);
    }
    let trimmed = v.trim_end_matches("UTC").trim();
    chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|dt| dt.and_utc().timestamp().max(0) as u64)
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
        assert_eq!(parse_expiry("2026-04-24 23:49:04 UTC"), Some(1_777_074_544));
        // Rule 14: the RFC 3339 form too.
        assert_eq!(parse_expiry("2026-04-24T23:49:04Z"), Some(1_777_074_544));
        assert_eq!(
            parse_expiry("2026-04-25T01:49:04+02:00"),
            Some(1_777_074_544)
        );
        assert_eq!(parse_expiry("soon"), None);
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
        let retry = LimitInfo::from_headers(&headers(&[
            ("Retry-After", "2"),
            ("x-ve-limit-expires", "1100"),
        ]));
        assert_eq!(retry.wait_from(now), Duration::from_secs(2));
    }
}
