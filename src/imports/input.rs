//! What `fastio import-url` is given, checked before the first request: URLs (http/https,
//! well-formed), the lines of `--urls-from` (a bad one is reported with its line number) and
//! `--name`.

use std::io::BufRead;
use std::path::Path;

/// Check that `raw` is a well-formed http(s) URL with a host.
pub fn validate_url(raw: &str) -> Result<String, String> {
    let parsed = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{raw}` is not an http or https URL (scheme `{}`)",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{raw}` has no host"));
    }
    Ok(parsed.to_string())
}

/// A name the file can be stored under: not empty, no path separators, no control characters,
/// not `.`/`..`, at most 255 bytes.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("--name must not be empty".into());
    }
    if name.contains(['/', '\\']) {
        return Err(format!("--name `{name}` must be a file name, not a path"));
    }
    if name == "." || name == ".." {
        return Err(format!("--name `{name}` is not a file name"));
    }
    if name.chars().any(char::is_control) {
        return Err("--name contains control characters".into());
    }
    if name.len() > 255 {
        return Err("--name is longer than 255 bytes".into());
    }
    Ok(())
}

/// URLs from a list: one per line, blank lines and `#` comments skipped, within
/// [`crate::input::URLS_FROM`]. `origin` names the list in messages (`urls.txt`, `stdin`).
pub fn parse_url_list(reader: impl BufRead, origin: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let lines = crate::input::Records::new(reader, b'\n', crate::input::URLS_FROM);
    for (idx, line) in lines.enumerate() {
        let line = line.map_err(|e| match e.is_bound() {
            true => format!("{origin}: {e}"),
            false => format!("reading {origin}: {e}"),
        })?;
        let Ok(line) = String::from_utf8(line) else {
            return Err(format!("{origin}:{}: not UTF-8 text", idx + 1));
        };
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        out.push(validate_url(entry).map_err(|e| format!("{origin}:{}: {e}", idx + 1))?);
    }
    Ok(out)
}

/// Every URL to import, checked: the arguments, then the lines of `urls_from` (`-`: stdin).
/// `name` may only go with a single URL.
pub fn gather(
    args: &[String],
    urls_from: Option<&Path>,
    name: Option<&str>,
) -> Result<Vec<String>, String> {
    let mut urls = Vec::new();
    for raw in args {
        urls.push(validate_url(raw)?);
    }
    if let Some(list) = urls_from {
        let from_list = if list == Path::new("-") {
            parse_url_list(std::io::stdin().lock(), "stdin")
        } else {
            let file = std::fs::File::open(list)
                .map_err(|e| format!("cannot read `{}`: {e}", list.display()))?;
            parse_url_list(std::io::BufReader::new(file), &list.display().to_string())
        };
        urls.extend(from_list?);
    }
    if urls.is_empty() {
        return Err("no URLs given: pass URL... or --urls-from FILE".into());
    }
    if let Some(name) = name {
        validate_name(name)?;
        if urls.len() > 1 {
            return Err("--name can only be used with a single URL".into());
        }
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert!(validate_url("https://example.com/a.pdf").is_ok());
        assert!(validate_url("http://127.0.0.1:8080/x?y=1").is_ok());
        assert!(
            validate_url("ftp://example.com/a")
                .unwrap_err()
                .contains("not an http")
        );
        assert!(
            validate_url("example.com/a")
                .unwrap_err()
                .contains("not a valid URL")
        );
        assert!(validate_url("http://").is_err());
        assert!(validate_url("http://exa mple.com/").is_err());
    }

    #[test]
    fn url_list_reports_line_numbers() {
        let list = "# mirrors\nhttps://a.test/1\n\n  https://b.test/2  \nnot a url\n";
        let err = parse_url_list(list.as_bytes(), "urls.txt").unwrap_err();
        assert!(err.starts_with("urls.txt:5: `not a url`"), "{err}");
        let ok = parse_url_list(
            "https://a.test/1\n# x\nhttp://b.test/\n".as_bytes(),
            "stdin",
        );
        assert_eq!(ok.unwrap(), ["https://a.test/1", "http://b.test/"]);
    }

    #[test]
    fn url_lists_are_bounded() {
        let long = format!("https://a.test/{}\n", "x".repeat(70_000));
        let err = parse_url_list(long.as_bytes(), "urls.txt").unwrap_err();
        assert!(
            err.starts_with("urls.txt: entry 1 is longer than 65536 bytes"),
            "{err}"
        );
        let zeros = std::io::BufReader::new(std::io::Read::take(std::io::repeat(0), 1 << 30));
        let err = parse_url_list(zeros, "stdin").unwrap_err();
        assert!(err.contains("longer than"), "{err}");
    }

    #[test]
    fn names() {
        assert!(validate_name("report.pdf").is_ok());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name("..").is_err());
        assert!(validate_name(" ").is_err());
        assert!(validate_name("a\nb").is_err());
        assert!(validate_name(&"x".repeat(256)).is_err());
    }
}
