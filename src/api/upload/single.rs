//! Single-call upload: `POST /upload/` with the whole file (files under 4 MiB).

use bytes::Bytes;
use reqwest::Method;
use reqwest::multipart::Form;

use super::{Target, bytes_part};
use crate::api::envelope::string_field;
use crate::api::{ApiError, Client};

/// Result of a single-call upload.
#[derive(Debug, Clone)]
pub struct SingleResult {
    pub upload_id: String,
    /// Absent when storage is asynchronous: poll [`session_details`](super::session_details).
    pub new_file_id: Option<String>,
}

/// `POST /upload/` multipart with the bytes (files < 4,194,304 bytes). `sha256` is lowercase hex.
pub async fn upload_single(
    client: &Client,
    target: &Target<'_>,
    name: &str,
    data: Bytes,
    sha256: &str,
) -> Result<SingleResult, ApiError> {
    let payload = client
        .call(Method::POST, "/upload/", |rb| {
            let form = Form::new()
                .text("name", name.to_string())
                .text("size", data.len().to_string())
                .text("action", "create")
                .text("instance_id", target.instance_id().to_string())
                .text("folder_id", target.folder_id.to_string())
                .text("profile_type", target.profile_type())
                .text("hash", sha256.to_string())
                .text("hash_algo", "sha256")
                .part("chunk", bytes_part(client, &data, name));
            rb.multipart(form)
        })
        .await?;
    Ok(SingleResult {
        upload_id: string_field(&payload, "id").unwrap_or_default(),
        new_file_id: string_field(&payload, "new_file_id").filter(|s| !s.is_empty()),
    })
}
