//! The life of a chunked upload session: open it, complete it (start assembly), cancel it.

use reqwest::Method;

use super::Target;
use crate::api::envelope::string_field;
use crate::api::{ApiError, Client, segment};

/// `POST /upload/` form: open a chunked session for `name` of `size` bytes. Returns its id.
pub async fn create_session(
    client: &Client,
    target: &Target<'_>,
    name: &str,
    size: u64,
) -> Result<String, ApiError> {
    let form = [
        ("name", name.to_string()),
        ("size", size.to_string()),
        ("action", "create".to_string()),
        ("instance_id", target.instance_id().to_string()),
        ("folder_id", target.folder_id.to_string()),
        ("profile_type", target.profile_type().to_string()),
    ];
    let payload = client.post_form("/upload/", &form).await?;
    string_field(&payload, "id")
        .or_else(|| payload.get("session").and_then(|s| string_field(s, "id")))
        .ok_or_else(|| ApiError::Decode {
            method: "POST".into(),
            path: "/upload/".into(),
            detail: "no session id in the response".into(),
        })
}

/// `POST /upload/{id}/complete/` (empty form): start assembly.
pub async fn complete_session(client: &Client, upload_id: &str) -> Result<(), ApiError> {
    let path = format!("/upload/{}/complete/", segment(upload_id));
    client.post_form(&path, &[]).await?;
    Ok(())
}

/// `DELETE /upload/{id}/`: cancel a session.
pub async fn cancel_session(client: &Client, upload_id: &str) -> Result<(), ApiError> {
    let path = format!("/upload/{}/", segment(upload_id));
    client
        .call_idempotent(Method::DELETE, &path, |rb| rb)
        .await?;
    Ok(())
}
