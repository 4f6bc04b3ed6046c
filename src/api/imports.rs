//! URL imports, "web uploads" (fastio-api.md §5): submit a job, read its status, cancel it.
//!
//! Jobs run on the server and can fail without any error at submit time, so a submitted job
//! proves nothing until its status is `complete`.

use serde_json::Value;

use super::envelope::string_field;
use super::{ApiError, Client};

/// Status of an import job. `Other` keeps a value this client does not know (non-terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    Pending,
    Queued,
    Downloading,
    Uploading,
    Complete,
    Failed,
    Canceled,
    Other(String),
}

impl ImportStatus {
    pub fn parse(s: &str) -> ImportStatus {
        match s.trim().to_ascii_lowercase().as_str() {
            "pending" => ImportStatus::Pending,
            "queued" => ImportStatus::Queued,
            "downloading" => ImportStatus::Downloading,
            "uploading" => ImportStatus::Uploading,
            "complete" | "completed" => ImportStatus::Complete,
            "failed" | "error" | "errored" => ImportStatus::Failed,
            "canceled" | "cancelled" => ImportStatus::Canceled,
            other => ImportStatus::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ImportStatus::Pending => "pending",
            ImportStatus::Queued => "queued",
            ImportStatus::Downloading => "downloading",
            ImportStatus::Uploading => "uploading",
            ImportStatus::Complete => "complete",
            ImportStatus::Failed => "failed",
            ImportStatus::Canceled => "canceled",
            ImportStatus::Other(s) => s,
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ImportStatus::Complete | ImportStatus::Failed | ImportStatus::Canceled
        )
    }
}

/// One import job as `GET /web_upload/{id}/details/` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportJob {
    pub id: String,
    pub status: ImportStatus,
    pub status_message: Option<String>,
    pub file_name: Option<String>,
    /// The stored file, once complete (not every server sends it).
    pub new_file_id: Option<String>,
    pub size: Option<u64>,
}

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub source_url: &'a str,
    pub workspace_id: &'a str,
    /// Folder node id or `root`.
    pub folder_id: &'a str,
    pub file_name: Option<&'a str>,
}

/// `POST /web_upload/`: returns the job id (payload `id` or `upload_id`, possibly under `upload`).
pub async fn submit(client: &Client, req: &ImportRequest<'_>) -> Result<String, ApiError> {
    let mut form = vec![
        ("source_url", req.source_url.to_string()),
        ("profile_id", req.workspace_id.to_string()),
        ("profile_type", "workspace".to_string()),
        ("folder_id", req.folder_id.to_string()),
    ];
    if let Some(name) = req.file_name {
        form.push(("file_name", name.to_string()));
    }
    let payload = client.post_form("/web_upload/", &form).await?;
    job_id(&payload).ok_or_else(|| ApiError::Decode {
        method: "POST".into(),
        path: "/web_upload/".into(),
        detail: "the answer carries no job id (`id` or `upload_id`)".into(),
    })
}

/// `GET /web_upload/{id}/details/`.
pub async fn details(client: &Client, id: &str) -> Result<ImportJob, ApiError> {
    let path = format!("/web_upload/{}/details/", super::segment(id));
    let payload = client.get(&path, &[]).await?;
    parse_job(&payload, id).ok_or_else(|| ApiError::Decode {
        method: "GET".into(),
        path,
        detail: "the answer carries no `status`".into(),
    })
}

/// `DELETE /web_upload/?id={id}`.
pub async fn cancel(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .call(reqwest::Method::DELETE, "/web_upload/", |rb| {
            rb.query(&[("id", id)])
        })
        .await?;
    Ok(())
}

fn job_id(payload: &Value) -> Option<String> {
    let scopes = [
        payload.get("upload"),
        payload.get("web_upload"),
        Some(payload),
    ];
    scopes.into_iter().flatten().find_map(|v| {
        string_field(v, "upload_id")
            .or_else(|| string_field(v, "id"))
            .or_else(|| string_field(v, "web_upload_id"))
    })
}

/// Read a job from a details payload: under `upload`, `web_upload` or `job`, else flat.
pub fn parse_job(payload: &Value, id: &str) -> Option<ImportJob> {
    let job = ["upload", "web_upload", "job"]
        .iter()
        .find_map(|k| payload.get(*k).filter(|v| v.is_object()))
        .unwrap_or(payload);
    let status = string_field(job, "status")?;
    let size = job.get("size").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    Some(ImportJob {
        id: string_field(job, "id")
            .or_else(|| string_field(job, "upload_id"))
            .unwrap_or_else(|| id.to_string()),
        status: ImportStatus::parse(&status),
        status_message: ["status_message", "error", "message"]
            .iter()
            .find_map(|k| job.get(*k).and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        file_name: string_field(job, "file_name").or_else(|| string_field(job, "name")),
        new_file_id: ["new_file_id", "node_id", "file_id"]
            .iter()
            .find_map(|k| string_field(job, k))
            .filter(|s| !s.is_empty()),
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_id_spellings() {
        assert_eq!(
            job_id(&json!({"id": "a", "upload_id": "b"})).as_deref(),
            Some("b")
        );
        assert_eq!(job_id(&json!({"id": "a"})).as_deref(), Some("a"));
        assert_eq!(
            job_id(&json!({"upload": {"id": "c"}})).as_deref(),
            Some("c")
        );
        assert_eq!(job_id(&json!({"other": 1})), None);
    }

    #[test]
    fn details_nested_and_flat() {
        let nested = json!({"upload": {"id": "j1", "status": "complete", "status_message": "",
                                       "file_name": "a.bin", "new_file_id": "n1"}});
        let job = parse_job(&nested, "j1").unwrap();
        assert_eq!(job.status, ImportStatus::Complete);
        assert!(job.status.is_terminal());
        assert_eq!(job.status_message, None);
        assert_eq!(job.new_file_id.as_deref(), Some("n1"));

        let flat = json!({"status": "Downloading"});
        let job = parse_job(&flat, "j2").unwrap();
        assert_eq!(job.id, "j2");
        assert_eq!(job.status, ImportStatus::Downloading);
        assert!(!job.status.is_terminal());
        assert_eq!(
            ImportStatus::parse("cancelled"),
            ImportStatus::Canceled,
            "both spellings of canceled"
        );
        assert!(parse_job(&json!({"upload": {"id": "x"}}), "x").is_none());
    }
}
