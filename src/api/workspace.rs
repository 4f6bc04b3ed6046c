//! Workspace resolution (fastio-api.md §8): a command-line `--workspace` value may be a numeric id,
//! a `folder_name` or a display name.

use serde_json::Value;

use super::envelope::string_field;
use super::{ApiError, Client};
use crate::exit::Fatal;

/// A workspace, as much as commands need of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workspace {
    /// Numeric id (opaque string).
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL-safe name, usable in paths instead of the id.
    pub folder_name: String,
    pub org_domain: Option<String>,
}

impl Workspace {
    fn from_json(v: &Value) -> Option<Workspace> {
        Some(Workspace {
            id: string_field(v, "id")?,
            name: string_field(v, "name").unwrap_or_default(),
            folder_name: string_field(v, "folder_name").unwrap_or_default(),
            org_domain: string_field(v, "org_domain"),
        })
    }
}

/// Percent-encode one path segment.
pub(crate) fn segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `GET /workspace/{id or folder_name}/details/` → the workspace (payload key `workspace`, or the
/// payload itself).
pub async fn workspace_details(client: &Client, id_or_name: &str) -> Result<Workspace, ApiError> {
    let path = format!("/workspace/{}/details/", segment(id_or_name));
    let payload = client.get(&path, &[]).await?;
    payload
        .get("workspace")
        .and_then(Workspace::from_json)
        .or_else(|| Workspace::from_json(&payload))
        .ok_or_else(|| ApiError::Decode {
            method: "GET".into(),
            path,
            detail: "no workspace in the details payload".into(),
        })
}

/// All pages of an offset-paginated list (`limit`/`offset`, `pagination.has_more`).
async fn list_all(client: &Client, path: &str, key: &str) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    loop {
        let query = [("limit", "500".to_string()), ("offset", offset.to_string())];
        let payload = super::retry::idempotent(|| client.get(path, &query)).await?;
        let items = payload
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let n = items.len();
        out.extend(items);
        let has_more = payload
            .get("pagination")
            .and_then(|p| p.get("has_more"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !has_more || n == 0 {
            return Ok(out);
        }
        offset += n;
    }
}

/// Every workspace the caller can reach: `/workspaces/all/`, or when that route is missing, both
/// org lists (member and external) and each org's workspace list.
pub async fn list_workspaces(client: &Client) -> Result<Vec<Workspace>, ApiError> {
    match list_all(client, "/workspaces/all/", "workspaces").await {
        Ok(v) => return Ok(v.iter().filter_map(Workspace::from_json).collect()),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    let mut orgs = list_all(client, "/orgs/list/", "orgs").await?;
    match list_all(client, "/orgs/list/external/", "orgs").await {
        Ok(ext) => orgs.extend(ext),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    let mut out: Vec<Workspace> = Vec::new();
    for org in &orgs {
        let Some(org_id) = string_field(org, "id") else {
            continue;
        };
        let path = format!("/org/{}/list/workspaces/", segment(&org_id));
        for w in list_all(client, &path, "workspaces").await? {
            if let Some(w) = Workspace::from_json(&w)
                && !out.iter().any(|o| o.id == w.id)
            {
                out.push(w);
            }
        }
    }
    Ok(out)
}

/// Resolve a `--workspace` value to a workspace, per fastio-api.md §8:
/// all digits → details by id; otherwise details by `folder_name`; if that 404s, list every
/// reachable workspace and match `folder_name` exactly, then `name` case-insensitively.
///
/// Errors carry their exit status ([`Fatal`]): no such workspace → 4 (unavailable), several
/// matches → 2 (usage, naming the candidates' ids); API errors keep their own status (401/403 → 3).
pub async fn resolve_workspace(client: &Client, id_or_name: &str) -> anyhow::Result<Workspace> {
    let wanted = id_or_name.trim();
    if wanted.is_empty() {
        return Err(Fatal::usage("empty workspace name").into());
    }
    match super::retry::idempotent(|| workspace_details(client, wanted)).await {
        Ok(w) => return Ok(w),
        Err(e) if e.is_not_found() && !wanted.bytes().all(|b| b.is_ascii_digit()) => {}
        Err(e) if e.is_not_found() => {
            return Err(Fatal::unavailable(format!("workspace `{wanted}` not found")).into());
        }
        Err(e) => return Err(e.into()),
    }
    let all = list_workspaces(client).await?;
    let by_folder: Vec<&Workspace> = all.iter().filter(|w| w.folder_name == wanted).collect();
    let matches = if by_folder.is_empty() {
        all.iter()
            .filter(|w| w.name.to_lowercase() == wanted.to_lowercase())
            .collect()
    } else {
        by_folder
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Fatal::unavailable(format!("workspace `{wanted}` not found")).into()),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|w| format!("{} ({})", w.id, w.folder_name))
                .collect();
            Err(Fatal::usage(format!(
                "workspace name `{wanted}` matches several workspaces: {}; pass the id",
                ids.join(", ")
            ))
            .into())
        }
    }
}
