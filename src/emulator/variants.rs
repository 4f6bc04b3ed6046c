//! Server behaviour variants (`fastio emulator --variant NAME`, `EmulatorConfig::variants`).
//!
//! Each variant is one documented (⚠) or inferred (◇) alternative of fastio-api.md that a real
//! server may show; a client that claims to be tolerant can be run against each of them. With no
//! variant the emulator emits the canonical shapes.
//!
//! In-process: `EmulatorConfig { variants: [Variant::YesNo].into(), ..Default::default() }`.
//!
//! Also here: [`FaultRoute`] (`--fault-route 'METHOD /path/*/pattern=STATUS'`).

use std::fmt;
use std::str::FromStr;

use axum::http::StatusCode;

use super::wire::ApiErr;

/// One alternative server behaviour. See [`Variant::describe`] and the README's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Variant {
    /// `flip-envelopes` (also `--flip-envelopes`).
    FlipEnvelopes,
    /// `legacy-rate-headers` (also `--legacy-rate-headers`).
    LegacyRateHeaders,
    /// `datetime-expiry` (also `--datetime-expiry`).
    DatetimeExpiry,
    /// `validation-400` (also `--validation-400`).
    Validation400,
    /// `omit-new-file-ids` (also `--omit-new-file-ids`).
    OmitNewFileIds,
    /// `yes-no`.
    YesNo,
    /// `response`.
    Response,
    /// `queued-states`.
    QueuedStates,
    /// `async-uploads`.
    AsyncUploads,
    /// `stored-without-id`.
    StoredWithoutId,
    /// `exact-chunks`.
    ExactChunks,
    /// `wait-ms`.
    WaitMs,
    /// `no-workspace-details`.
    NoWorkspaceDetails,
    /// `string-has-more`.
    StringHasMore,
    /// `nested-lock-token`.
    NestedLockToken,
    /// `no-folder-locks`.
    NoFolderLocks,
    /// `token-endpoint-flaky`.
    TokenEndpointFlaky,
    /// `iso-expiry`.
    IsoExpiry,
    /// `truncate-names`.
    TruncateNames,
    /// `md5-hashes`.
    Md5Hashes,
    /// `no-ai-state`.
    NoAiState,
    /// `no-stream`.
    NoStream,
    /// `caller-plan-limits`.
    CallerPlanLimits,
    /// `folded-folder-names`.
    FoldedFolderNames,
    /// `bare-folder-answers`.
    BareFolderAnswers,
    /// `stream-needs-length`.
    StreamNeedsLength,
    /// `folder-lock-binds-holder`.
    FolderLockBindsHolder,
    /// `nested-lock-status`.
    NestedLockStatus,
    /// `slow-ai-state`.
    SlowAiState,
    /// `flaky-bulk-details`.
    FlakyBulkDetails,
    /// `deleted-flags`.
    DeletedFlags,
    /// `exact-chunks-late`.
    ExactChunksLate,
    /// `fail-first-assemblies`.
    FailFirstAssemblies,
}

impl Variant {
    /// Every variant, in `--variant list` order.
    pub const ALL: &'static [Variant] = &[
        Variant::FlipEnvelopes,
        Variant::LegacyRateHeaders,
        Variant::DatetimeExpiry,
        Variant::Validation400,
        Variant::OmitNewFileIds,
        Variant::YesNo,
        Variant::Response,
        Variant::QueuedStates,
        Variant::AsyncUploads,
        Variant::StoredWithoutId,
        Variant::ExactChunks,
        Variant::WaitMs,
        Variant::NoWorkspaceDetails,
        Variant::StringHasMore,
        Variant::NestedLockToken,
        Variant::NoFolderLocks,
        Variant::TokenEndpointFlaky,
        Variant::IsoExpiry,
        Variant::TruncateNames,
        Variant::Md5Hashes,
        Variant::NoAiState,
        Variant::NoStream,
        Variant::CallerPlanLimits,
        Variant::FoldedFolderNames,
        Variant::BareFolderAnswers,
        Variant::StreamNeedsLength,
        Variant::FolderLockBindsHolder,
        Variant::NestedLockStatus,
        Variant::SlowAiState,
        Variant::FlakyBulkDetails,
        Variant::DeletedFlags,
        Variant::ExactChunksLate,
        Variant::FailFirstAssemblies,
    ];

    /// The command-line name (`--variant NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Variant::FlipEnvelopes => "flip-envelopes",
            Variant::LegacyRateHeaders => "legacy-rate-headers",
            Variant::DatetimeExpiry => "datetime-expiry",
            Variant::Validation400 => "validation-400",
            Variant::OmitNewFileIds => "omit-new-file-ids",
            Variant::YesNo => "yes-no",
            Variant::Response => "response",
            Variant::QueuedStates => "queued-states",
            Variant::AsyncUploads => "async-uploads",
            Variant::StoredWithoutId => "stored-without-id",
            Variant::ExactChunks => "exact-chunks",
            Variant::WaitMs => "wait-ms",
            Variant::NoWorkspaceDetails => "no-workspace-details",
            Variant::StringHasMore => "string-has-more",
            Variant::NestedLockToken => "nested-lock-token",
            Variant::NoFolderLocks => "no-folder-locks",
            Variant::TokenEndpointFlaky => "token-endpoint-flaky",
            Variant::IsoExpiry => "iso-expiry",
            Variant::TruncateNames => "truncate-names",
            Variant::Md5Hashes => "md5-hashes",
            Variant::NoAiState => "no-ai-state",
            Variant::NoStream => "no-stream",
            Variant::CallerPlanLimits => "caller-plan-limits",
            Variant::FoldedFolderNames => "folded-folder-names",
            Variant::BareFolderAnswers => "bare-folder-answers",
            Variant::StreamNeedsLength => "stream-needs-length",
            Variant::FolderLockBindsHolder => "folder-lock-binds-holder",
            Variant::NestedLockStatus => "nested-lock-status",
            Variant::SlowAiState => "slow-ai-state",
            Variant::FlakyBulkDetails => "flaky-bulk-details",
            Variant::DeletedFlags => "deleted-flags",
            Variant::ExactChunksLate => "exact-chunks-late",
            Variant::FailFirstAssemblies => "fail-first-assemblies",
        }
    }

    /// One line: what the variant changes.
    pub fn describe(self) -> &'static str {
        match self {
            Variant::FlipEnvelopes => {
                "nested envelopes become flat and flat ones nested; \"yes\"<->true; error text->message, string code"
            }
            Variant::LegacyRateHeaders => {
                "rate-limit headers named X-Rate-Limit-Available/-Max/-Expiry instead of x-ve-limit-*"
            }
            Variant::DatetimeExpiry => {
                "rate-limit expiry as a UTC datetime (`2026-12-01 08:30:00 UTC`) instead of epoch seconds"
            }
            Variant::Validation400 => "validation errors answered with HTTP 400 instead of 406",
            Variant::OmitNewFileIds => {
                "single-call answers without new_file_id; batch results with node_id null"
            }
            Variant::YesNo => {
                "every success `result` is \"yes\" and every failure \"no\" (also /upload/ and /upload/batch/)"
            }
            Variant::Response => {
                "every success payload nested under `response` (also /upload/ and /upload/batch/)"
            }
            Variant::QueuedStates => {
                "uploads pass through assemble, assembling, store, storing with >= 50 ms in each"
            }
            Variant::AsyncUploads => {
                "single-call: no new_file_id, session `storing` then `stored` a little later; batch node_id null"
            }
            Variant::StoredWithoutId => {
                "upload session details in state `stored` have no new_file_id (list the folder)"
            }
            Variant::ExactChunks => {
                "every chunk but the last must be exactly chunk_size bytes (else 406/1605 on `size`)"
            }
            Variant::WaitMs => "`wait` of /upload/{id}/details/ is read as milliseconds",
            Variant::NoWorkspaceDetails => {
                "GET /workspace/{id}/details/ is an unknown route (404/9992)"
            }
            Variant::StringHasMore => "pagination has_more sent as the string \"true\"/\"false\"",
            Variant::NestedLockToken => {
                "lock acquire answers {\"lock\": {\"token\": ...}} instead of lock_token"
            }
            Variant::NoFolderLocks => {
                "locking a folder (or root) is refused with 406/1605 on node_id; files lock as usual"
            }
            Variant::TokenEndpointFlaky => {
                "every other /oauth/token/ request (the 1st, 3rd, ...) gets 503 with an HTML body"
            }
            Variant::IsoExpiry => "rate-limit expiry in RFC 3339 form (`2026-12-01T08:30:00Z`)",
            Variant::TruncateNames => {
                "batch names over 100 characters truncated (extension kept) and echoed truncated in results"
            }
            Variant::Md5Hashes => {
                "storage nodes (and single-call sessions) report hash/hash_algo as md5 instead of sha256"
            }
            Variant::NoAiState => "storage nodes carry no `ai` object (no per-file AI state)",
            Variant::NoStream => {
                "stream uploads refused: POST /upload/ with stream=true and /upload/{id}/stream/ answer 406/1605"
            }
            Variant::CallerPlanLimits => {
                "`GET /upload/limits/` without `action` and `instance_id` answers the caller's free plan (1/8 of the file size, 1/4 of the chunks); with them, the target workspace's limits"
            }
            Variant::FoldedFolderNames => {
                "`createfolder` finds an existing folder by name case-insensitively after NFC and trimming, and answers with its stored name; new folder names are stored NFC and trimmed"
            }
            Variant::BareFolderAnswers => {
                "`createfolder` answers `{\"node\": {\"id\": ...}}`: the id, without a name"
            }
            Variant::StreamNeedsLength => {
                "`POST /upload/{id}/stream/` without Content-Length reads up to 1 MiB of the body, then answers 411/1605"
            }
            Variant::FolderLockBindsHolder => {
                "uploads into a locked folder are refused with 423/1677 for everyone, the lock's holder too"
            }
            Variant::NestedLockStatus => {
                "lock status answers `{\"lock\": {\"locked\": false}}`: `locked` inside `lock`, none at the top"
            }
            Variant::SlowAiState => {
                "a stored file's `ai.state` is `pending` for 2 s, then `ready`; a question about a file not `ready` yet ends `errored`"
            }
            Variant::FlakyBulkDetails => {
                "bulk node details: the 2nd, 4th ... id of each request gets a transient error entry (code 1654) the first time it is asked"
            }
            Variant::DeletedFlags => {
                "a trashed node keeps its `parent` and says `deleted: true`, `deleted_from`: never `parent: \"trash\"`"
            }
            Variant::ExactChunksLate => {
                "the exact chunk rule is checked at `/complete/`: chunks of another size are accepted, then `complete` answers 406/1605 on `chunk_size`"
            }
            Variant::FailFirstAssemblies => {
                "the 1st chunked session of each file name ends `assembly_failed`, the 2nd `store_failed`; later ones are stored"
            }
        }
    }

    /// The clap value parser of `--variant`: every name (with its description) and `list`.
    pub fn value_parser() -> clap::builder::PossibleValuesParser {
        let mut values: Vec<clap::builder::PossibleValue> = Variant::ALL
            .iter()
            .map(|v| clap::builder::PossibleValue::new(v.name()).help(v.describe()))
            .collect();
        values.push(clap::builder::PossibleValue::new("list").help("print every variant and exit"));
        clap::builder::PossibleValuesParser::new(values)
    }

    /// `name  description` lines for `--variant list`.
    pub fn list_text() -> String {
        let width = Variant::ALL
            .iter()
            .map(|v| v.name().len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for v in Variant::ALL {
            out.push_str(&format!("{:width$}  {}\n", v.name(), v.describe()));
        }
        out
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Variant, String> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Variant::ALL
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown variant `{s}` (one of: {}; or `list`)",
                    Variant::ALL
                        .iter()
                        .map(|v| v.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// `--fault-route 'METHOD /path/pattern=STATUS'`: every matching request is answered with
/// `status` and an error envelope (text "injected fault"). The path is matched without the
/// `/current` prefix and without a trailing slash; `*` matches exactly one segment; the method
/// `*` matches any method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRoute {
    /// Upper-case method, or `*`.
    pub method: String,
    /// Path segments (`*` = any one segment).
    pub segments: Vec<String>,
    pub status: u16,
}

impl FaultRoute {
    fn split(path: &str) -> Vec<&str> {
        let p = path.strip_prefix("/current").unwrap_or(path);
        p.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// Does a request with this method and path match?
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self.method != "*" && !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let segs = FaultRoute::split(path);
        segs.len() == self.segments.len()
            && segs
                .iter()
                .zip(&self.segments)
                .all(|(s, p)| p == "*" || p == s)
    }

    /// The injected answer: code 1654 for 5xx, 1680 for 403, 1609 for 404, else 1605.
    pub fn error(&self) -> ApiErr {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match self.status {
            500..=599 => 1654,
            403 => 1680,
            404 => 1609,
            _ => 1605,
        };
        ApiErr::new(status, code, "injected fault")
    }
}

impl fmt::Display for FaultRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} /{}={}",
            self.method,
            self.segments.join("/"),
            self.status
        )
    }
}

impl FromStr for FaultRoute {
    type Err = String;
    fn from_str(s: &str) -> Result<FaultRoute, String> {
        let bad = || {
            format!("`{s}` is not `METHOD /path/pattern=STATUS` (e.g. `POST /upload/batch=403`)")
        };
        let (route, status) = s.trim().rsplit_once('=').ok_or_else(bad)?;
        let status: u16 = status.trim().parse().map_err(|_| bad())?;
        if !(400..=599).contains(&status) {
            return Err(format!("`{s}`: the status must be between 400 and 599"));
        }
        let (method, path) = route
            .trim()
            .split_once(char::is_whitespace)
            .ok_or_else(bad)?;
        let path = path.trim();
        if !path.starts_with('/') || method.is_empty() {
            return Err(bad());
        }
        if method != "*" && !method.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        Ok(FaultRoute {
            method: method.to_ascii_uppercase(),
            segments: FaultRoute::split(path)
                .into_iter()
                .map(str::to_string)
                .collect(),
            status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_name() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>().unwrap(), *v);
            assert!(!v.describe().is_empty());
        }
        assert_eq!(Variant::ALL.len(), 33);
        assert!("nope".parse::<Variant>().is_err());
        assert_eq!("YES_NO".parse::<Variant>().unwrap(), Variant::YesNo);
        let names: std::collections::BTreeSet<_> = Variant::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(names.len(), Variant::ALL.len());
    }

    #[test]
    fn fault_routes_match_segments_and_wildcards() {
        let r: FaultRoute = "POST /workspace/*/storage/*/lock=500".parse().unwrap();
        assert!(r.matches("POST", "/current/workspace/1/storage/abc/lock"));
        assert!(r.matches("post", "/current/workspace/1/storage/abc/lock/"));
        assert!(!r.matches("GET", "/current/workspace/1/storage/abc/lock"));
        assert!(!r.matches("POST", "/current/workspace/1/storage/abc/lock/heartbeat"));
        assert!(!r.matches("POST", "/current/workspace/1/storage/lock"));
        let b: FaultRoute = "POST /upload/batch/=403".parse().unwrap();
        assert!(b.matches("POST", "/current/upload/batch"));
        assert!(!b.matches("POST", "/current/upload"));
        assert_eq!(b.error().code, 1680);
        assert_eq!(r.error().code, 1654);
        let any: FaultRoute = "* /user/auth/check=404".parse().unwrap();
        assert!(any.matches("DELETE", "/current/user/auth/check"));
        assert_eq!(any.error().code, 1609);
        assert_eq!(
            "GET /x=429".parse::<FaultRoute>().unwrap().error().code,
            1605
        );
        for bad in [
            "/upload=500",
            "POST /upload",
            "POST upload=500",
            "POST /upload=200",
            "POST /x=abc",
        ] {
            assert!(bad.parse::<FaultRoute>().is_err(), "{bad}");
        }
    }
}
