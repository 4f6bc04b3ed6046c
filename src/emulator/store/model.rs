//! The store's row types ([`Workspace`], [`Org`], [`Node`], [`Blob`]), node JSON by detail
//! level, MIME guessing, and listing sort keys.

use serde_json::{Value, json};

use crate::emulator::wire::ApiErr;

/// A workspace row.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: String,
    pub folder_name: String,
    pub name: String,
    pub org_id: String,
    pub intelligence: bool,
    pub created: String,
}

/// An org row.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub domain: String,
    pub name: String,
}

/// A storage node (file or folder). `parent` is `root` for top-level nodes.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub workspace_id: String,
    pub parent: String,
    pub name: String,
    pub kind: String,
    pub size: u64,
    pub hash: Option<String>,
    pub mimetype: Option<String>,
    pub version: Option<String>,
    pub blob: Option<String>,
    pub created: String,
    pub modified: String,
    pub created_ts: i64,
    pub modified_ts: i64,
}

/// Content written to disk and not yet linked to a node.
#[derive(Debug, Clone)]
pub struct Blob {
    pub id: String,
    pub size: u64,
    pub sha256: String,
}

/// Detail level of node output (`output=terse|standard|full`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    Terse,
    Standard,
    Full,
}

impl Detail {
    /// Parse `output=`; unknown tokens are ignored, two levels are an error.
    pub fn parse(output: Option<&str>) -> Result<Detail, ApiErr> {
        let mut level = None;
        for tok in output.unwrap_or("").split(',') {
            let l = match tok.trim() {
                "terse" => Detail::Terse,
                "standard" => Detail::Standard,
                "full" => Detail::Full,
                _ => continue,
            };
            if level.is_some() {
                return Err(ApiErr::invalid(
                    "output",
                    "only one detail level may be given",
                ));
            }
            level = Some(l);
        }
        Ok(level.unwrap_or(Detail::Full))
    }
}

impl Node {
    pub fn is_folder(&self) -> bool {
        self.kind == "folder"
    }

    /// The node object as the API shows it. `lock` is the lock description (if locked).
    pub fn to_json(&self, detail: Detail, lock: Option<Value>) -> Value {
        let mut v = json!({
            "id": self.id,
            "type": self.kind,
            "name": self.name,
            "parent": self.parent,
            "modified": self.modified,
        });
        let m = v.as_object_mut().expect("object");
        if self.kind == "file" {
            m.insert("size".into(), json!(self.size));
            m.insert(
                "mimetype".into(),
                json!(self.mimetype.clone().unwrap_or_default()),
            );
        } else {
            m.insert("size".into(), json!(0));
            m.insert("mimetype".into(), Value::Null);
        }
        if detail >= Detail::Standard {
            m.insert("created".into(), json!(self.created));
            m.insert("version".into(), json!(self.version));
            m.insert("locked".into(), json!(lock.is_some()));
            if self.kind == "file" {
                m.insert("ai".into(), json!({"state": "disabled"}));
                m.insert(
                    "mimecategory".into(),
                    json!(mimecategory(self.mimetype.as_deref().unwrap_or(""))),
                );
            }
            m.insert("origin".into(), json!({"type": "upload", "creator": null}));
        }
        if detail >= Detail::Full {
            if self.kind == "file" {
                m.insert("hash".into(), json!(self.hash));
                m.insert("hash_algo".into(), json!("sha256"));
                m.insert(
                    "ai".into(),
                    json!({"state": "disabled", "attach": false, "summary": null}),
                );
            }
            m.insert("lock_info".into(), lock.unwrap_or(Value::Null));
        }
        v
    }
}

fn mimecategory(mime: &str) -> &'static str {
    match mime.split('/').next().unwrap_or("") {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        "text" => "document",
        "application" => "document",
        _ => "other",
    }
}

/// Guess a MIME type from a file name (a small table; the emulator does not sniff content).
pub fn mime_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("txt" | "log" | "rs" | "toml" | "py" | "sh" | "c" | "h" | "go" | "js" | "ts") => {
            "text/plain"
        }
        Some("md") => "text/markdown",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("zip") => "application/zip",
        Some("mp4") => "video/mp4",
        Some("mp3") => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Sort key of a folder listing.
#[derive(Debug, Clone, Copy)]
pub enum SortBy {
    Name,
    Updated,
    Created,
    Type,
}

impl SortBy {
    pub(super) fn column(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Updated => "modified_ts",
            SortBy::Created => "created_ts",
            SortBy::Type => "kind",
        }
    }
}

/// A keyset position: (sort key, node id) of the last node seen.
pub type Cursor = (String, String);
