//! Batch upload: `POST /upload/batch/` with many small files, and matching its results to them.

use bytes::Bytes;
use reqwest::Method;
use reqwest::multipart::Form;
use serde_json::Value;

use super::{Target, bytes_part, u64_field};
use crate::api::envelope::{parse_code, string_field};
use crate::api::{ApiError, Client};

/// One file of a batch.
#[derive(Debug, Clone)]
pub struct BatchFile {
    pub filename: String,
    /// The folder under the batch's `folder_id` (`a/b/`; created by the server when missing);
    /// `None`: the file goes into `folder_id` itself.
    pub relative_path: Option<String>,
    pub data: Bytes,
    /// Lowercase hex SHA-256 of `data`.
    pub sha256: String,
}

/// The outcome of one batch entry, matched by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Stored (or storing): the node id when already known, and the name the server gave the
    /// file when it says (it truncates long names).
    Ok {
        node_id: Option<String>,
        filename: Option<String>,
        /// The upload session the server made for the entry, when it says.
        upload_id: Option<String>,
    },
    /// Refused: the server's code and message.
    Failed { code: i64, message: String },
}

/// `POST /upload/batch/`: all `files` into `folder_id` (or their `relative_path` under it). Returns one outcome per input file, in
/// input order; an entry the server did not report on becomes `Failed` with code 0.
pub async fn upload_batch(
    client: &Client,
    target: &Target<'_>,
    files: &[BatchFile],
) -> Result<Vec<BatchOutcome>, ApiError> {
    let manifest: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut entry = serde_json::json!({"index": i, "filename": f.filename,
                "hash": f.sha256, "hash_algo": "sha256"});
            // Left out rather than sent empty (the documented rule).
            if let Some(rel) = &f.relative_path {
                entry["relative_path"] = Value::String(rel.clone());
            }
            entry
        })
        .collect();
    let manifest = Value::Array(manifest).to_string();
    let payload = client
        .call(Method::POST, "/upload/batch/", |rb| {
            let mut form = Form::new()
                .text("instance_id", target.instance_id().to_string())
                .text("folder_id", target.folder_id.to_string())
                .text("manifest", manifest.clone());
            for (i, f) in files.iter().enumerate() {
                form = form.part(
                    format!("file_{i}"),
                    bytes_part(client, &f.data, &f.filename),
                );
            }
            rb.multipart(form)
        })
        .await?;
    Ok(batch_outcomes(&payload, files.len()))
}

/// Match batch results to inputs by `index`, guarding against missing, duplicate and
/// out-of-range indices.
pub fn batch_outcomes(payload: &Value, n: usize) -> Vec<BatchOutcome> {
    let mut out: Vec<Option<BatchOutcome>> = vec![None; n];
    let results = payload
        .get("results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for r in results {
        let Some(i) = u64_field(r, "index").map(|i| i as usize) else {
            continue;
        };
        if i >= n || out[i].is_some() {
            continue;
        }
        let status = string_field(r, "status").unwrap_or_default();
        out[i] = Some(if status == "ok" || status == "success" {
            BatchOutcome::Ok {
                node_id: string_field(r, "node_id").filter(|s| !s.is_empty()),
                filename: string_field(r, "filename").filter(|s| !s.is_empty()),
                upload_id: string_field(r, "upload_id").filter(|s| !s.is_empty()),
            }
        } else {
            BatchOutcome::Failed {
                code: r.get("error_code").map(parse_code).unwrap_or(0),
                message: string_field(r, "error_message")
                    .or_else(|| string_field(r, "message"))
                    .unwrap_or_else(|| format!("status `{status}`")),
            }
        });
    }
    out.into_iter()
        .map(|o| {
            o.unwrap_or(BatchOutcome::Failed {
                code: 0,
                message: "no result for this file in the batch response".into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_results_matched_by_index() {
        let p = json!({"results": [
            {"index": 1, "status": "error", "error_code": "1605", "error_message": "bad"},
            {"index": 0, "status": "ok", "node_id": null, "upload_id": "5abc"},
            {"index": 0, "status": "error"},
            {"index": 7, "status": "ok"}]});
        let o = batch_outcomes(&p, 3);
        assert_eq!(
            o[0],
            BatchOutcome::Ok {
                node_id: None,
                filename: None,
                upload_id: Some("5abc".into()),
            }
        );
        assert_eq!(
            o[1],
            BatchOutcome::Failed {
                code: 1605,
                message: "bad".into()
            }
        );
        assert!(matches!(o[2], BatchOutcome::Failed { code: 0, .. }));
    }
}
