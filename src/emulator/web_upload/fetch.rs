//! The emulator's server-side URL fetcher for `/web_upload/` jobs: streams the body to a file,
//! enforces a size cap and a timeout, follows redirects by hand so every hop is checked, and
//! like the real service refuses private, loopback and link-local addresses unless allowed.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    pub allow_private: bool,
    pub max_bytes: u64,
    /// Whole fetch, headers and body.
    pub timeout: Duration,
    pub max_redirects: u32,
}

/// Why a fetch failed; the Display text becomes the job's `status_message`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("invalid source URL: {0}")]
    BadUrl(String),
    #[error("refused: {0} resolves to a private or loopback address")]
    PrivateAddress(String),
    #[error("could not resolve {0}")]
    Resolve(String),
    #[error("source answered HTTP {0}")]
    Status(u16),
    #[error("source is larger than the {0}-byte limit")]
    TooLarge(u64),
    #[error("source did not finish within {0} s")]
    Timeout(u64),
    #[error("too many redirects")]
    Redirects,
    #[error("fetch failed: {0}")]
    Transport(String),
    #[error("storing the download failed: {0}")]
    Io(String),
}

/// What was fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// From Content-Disposition, else the last URL path segment, else `download`.
    pub suggested_name: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes written.
    pub sha256: String,
    pub content_type: Option<String>,
}

/// Addresses a server-side fetcher must not reach on the caller's behalf.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // CGNAT 100.64/10
                || o[0] >= 224
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let seg0 = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // unique local
                || (seg0 & 0xffc0) == 0xfe80 // link local
        }
    }
}

/// Resolve `url`'s host and check every address; returns the address to connect to.
async fn vet(url: &url::Url, allow_private: bool) -> Result<SocketAddr, FetchError> {
    let host = url
        .host_str()
        .ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| FetchError::Resolve(host.to_string()))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(FetchError::Resolve(host.to_string()));
    }
    if !allow_private && addrs.iter().any(|a| is_private(a.ip())) {
        return Err(FetchError::PrivateAddress(host.to_string()));
    }
    Ok(addrs[0])
}

/// Fetch `source` into `dest` (created or truncated). On error the partial file is removed.
pub async fn fetch(source: &str, dest: &Path, limits: &FetchLimits) -> Result<Fetched, FetchError> {
    let secs = limits.timeout.as_secs().max(1);
    match tokio::time::timeout(limits.timeout, fetch_inner(source, dest, limits)).await {
        Ok(Ok(f)) => Ok(f),
        Ok(Err(e)) => {
            let _ = tokio::fs::remove_file(dest).await;
            Err(e)
        }
        Err(_) => {
            let _ = tokio::fs::remove_file(dest).await;
            Err(FetchError::Timeout(secs))
        }
    }
}

async fn fetch_inner(
    source: &str,
    dest: &Path,
    limits: &FetchLimits,
) -> Result<Fetched, FetchError> {
    let mut url = url::Url::parse(source).map_err(|_| FetchError::BadUrl(source.to_string()))?;
    let mut hops = 0;
    let resp = loop {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(FetchError::BadUrl(url.to_string()));
        }
        let addr = vet(&url, limits.allow_private).await?;
        let host = url.host_str().unwrap_or_default().to_string();
        // Pin the vetted address so a second DNS answer cannot point somewhere else.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(&host, addr)
            .user_agent("fastio-emulator-web-import")
            .build()
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        let resp = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| FetchError::Transport(without_url(&e)))?;
        if resp.status().is_redirection() {
            hops += 1;
            if hops > limits.max_redirects {
                return Err(FetchError::Redirects);
            }
            let loc = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(FetchError::Status(resp.status().as_u16()))?;
            url = url
                .join(loc)
                .map_err(|_| FetchError::BadUrl(loc.to_string()))?;
            continue;
        }
        break resp;
    };
    if !resp.status().is_success() {
        return Err(FetchError::Status(resp.status().as_u16()));
    }
    if resp.content_length().is_some_and(|n| n > limits.max_bytes) {
        return Err(FetchError::TooLarge(limits.max_bytes));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let suggested_name = resp
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(disposition_filename)
        .or_else(|| name_from_url(resp.url()))
        .unwrap_or_else(|| "download".to_string());
    let mut file = tokio::fs::File::create(dest)
        .await
        .map_err(|e| FetchError::Io(e.to_string()))?;
    let mut size = 0u64;
    let mut hasher = Sha256::new();
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| FetchError::Transport(without_url(&e)))?;
        size += chunk.len() as u64;
        if size > limits.max_bytes {
            return Err(FetchError::TooLarge(limits.max_bytes));
        }
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| FetchError::Io(e.to_string()))?;
    }
    file.flush()
        .await
        .map_err(|e| FetchError::Io(e.to_string()))?;
    Ok(Fetched {
        suggested_name,
        size,
        sha256: hex::encode(hasher.finalize()),
        content_type,
    })
}

fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(&format!(" for url ({u})"), "");
    }
    s
}

/// `filename*=UTF-8''…` (percent-decoded) wins over `filename="…"`; the result is sanitised.
pub fn disposition_filename(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for part in header.split(';').map(str::trim) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let v = v.trim().trim_matches('"');
                let encoded = v.split_once("''").map(|(_, e)| e).unwrap_or(v);
                extended = percent_encoding::percent_decode_str(encoded)
                    .decode_utf8()
                    .ok()
                    .map(|c| c.into_owned());
            }
            "filename" => plain = Some(v.trim().trim_matches('"').to_string()),
            _ => {}
        }
    }
    extended.or(plain).and_then(|n| sanitize_name(&n))
}

fn name_from_url(url: &url::Url) -> Option<String> {
    let last = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_encoding::percent_decode_str(last)
        .decode_utf8()
        .ok()?;
    sanitize_name(&decoded)
}

/// Keep the last path component, drop control characters; `None` when nothing usable is left.
pub fn sanitize_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean == "." || clean == ".." {
        None
    } else {
        Some(clean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn names_from_disposition_and_url() {
        assert_eq!(
            disposition_filename("attachment; filename=\"report.pdf\"").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            disposition_filename(
                "attachment; filename=\"a.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt"
            )
            .as_deref(),
            Some("résumé.txt")
        );
        assert_eq!(
            disposition_filename("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(disposition_filename("inline"), None);
        let u = url::Url::parse("https://x.test/a/b%20c.bin?x=1").unwrap();
        assert_eq!(name_from_url(&u).as_deref(), Some("b c.bin"));
        let root = url::Url::parse("https://x.test/").unwrap();
        assert_eq!(name_from_url(&root), None);
    }

    #[tokio::test]
    async fn loopback_is_refused_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let limits = FetchLimits {
            allow_private: false,
            max_bytes: 1024,
            timeout: Duration::from_secs(5),
            max_redirects: 3,
        };
        let err = fetch("http://127.0.0.1:9/x", &dir.path().join("f"), &limits)
            .await
            .unwrap_err();
        assert_eq!(err, FetchError::PrivateAddress("127.0.0.1".into()));
        let err = fetch("ftp://example.com/x", &dir.path().join("f"), &limits)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::BadUrl(_)));
    }
}
