//! Workspace resolution (fastio-api.md §8): a command-line `--workspace` value may be a numeric id,
//! a `folder_name` or a display name.

use serde_json::Value;

use super::envelope::string_field;
use super::error::WorkspaceError;
use super::{ApiError, Client, segment};

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
        let payload = client.get(path, &query).await?;
        let items = payload
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let n = items.len();
        out.extend(items);
        let has_more =
            super::envelope::truthy(payload.get("pagination").and_then(|p| p.get("has_more")));
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
        Err(e) if e.is_not_found() || e.is_no_route() => {}
        Err(e) => return Err(e),
    }
    let mut orgs = list_all(client, "/orgs/list/", "orgs").await?;
    match list_all(client, "/orgs/list/external/", "orgs").await {
        Ok(ext) => orgs.extend(ext),
        Err(e) if e.is_not_found() || e.is_no_route() => {}
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

/// Is this `--workspace` value a numeric profile id (used as it is, with no request)?
pub fn is_numeric_id(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

/// Resolve a `--workspace` value to a workspace, per fastio-api.md §8:
/// all digits → that id, with no request (a wrong id surfaces at the first real call);
/// otherwise details by `folder_name`; if that 404s (or the server has no such route), list
/// every reachable workspace and match `folder_name` exactly, then `name` case-insensitively.
///
/// Errors are [`WorkspaceError`]s (what `exit.rs` maps: not found → 4, several matches or no
/// lookup → 2) or the API's own.
pub async fn resolve_workspace(client: &Client, id_or_name: &str) -> anyhow::Result<Workspace> {
    let wanted = id_or_name.trim();
    if wanted.is_empty() {
        return Err(WorkspaceError::EmptyName.into());
    }
    if is_numeric_id(wanted) {
        return Ok(Workspace {
            id: wanted.to_string(),
            ..Workspace::default()
        });
    }
    let mut no_routes = false;
    match workspace_details(client, wanted).await {
        Ok(w) => return Ok(w),
        Err(e) if e.is_not_found() => {}
        Err(e) if e.is_no_route() => no_routes = true,
        Err(e) => return Err(e.into()),
    }
    let all = match list_workspaces(client).await {
        Ok(all) => all,
        Err(e) if e.is_no_route() && no_routes => {
            return Err(WorkspaceError::NoLookup(wanted.to_string()).into());
        }
        Err(e) => return Err(e.into()),
    };
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
        [] => Err(WorkspaceError::NotFound(wanted.to_string()).into()),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|w| format!("{} ({})", w.id, w.folder_name))
                .collect();
            Err(WorkspaceError::Ambiguous {
                name: wanted.to_string(),
                candidates: ids.join(", "),
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_digit_values_are_ids() {
        assert!(is_numeric_id("1234567890123456789"));
        assert!(!is_numeric_id("team-2026"));
        assert!(!is_numeric_id(""));
    }

    /// Rule 1: an all-digits workspace is used as the id without any request (the client
    /// here points at a closed port, so any request would fail).
    #[tokio::test]
    async fn numeric_workspace_needs_no_request() {
        let creds = std::sync::Arc::new(super::super::StaticToken("k".to_string().into()));
        let client = Client::new("http://127.0.0.1:9/current", creds).unwrap();
        let w = resolve_workspace(&client, "1234567890123456789")
            .await
            .unwrap();
        assert_eq!(w.id, "1234567890123456789");
    }
}
