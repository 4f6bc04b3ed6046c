//! Storage wrappers (fastio-api.md §4): folder listing with keyset pagination, node details,
//! idempotent `createfolder`. Paths are for workspaces; nodes are decoded tolerantly (ids and sizes
//! may arrive as strings or numbers, the listing's collection key varies).

use serde_json::Value;

use super::envelope::string_field;
use super::{ApiError, Client};

/// One storage node (file or folder), as much as the uploader needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    pub id: String,
    pub name: String,
    /// `file`, `folder`, `note`, `link`.
    pub kind: String,
    /// Parent id or `root`.
    pub parent: Option<String>,
    /// Bytes (files only).
    pub size: Option<u64>,
    /// Server digest, only at `output=full`.
    pub hash: Option<String>,
    /// Algorithm of `hash` (e.g. `sha256`, `md5`).
    pub hash_algo: Option<String>,
    /// The current version id (files, at `output=standard` and up), when reported.
    pub version: Option<String>,
    /// Last modification (ISO 8601), when reported.
    pub modified: Option<String>,
    /// In the trash: `deleted` is truthy, `deleted_from` names where it was, or its parent is
    /// the `trash` alias.
    pub deleted: bool,
}

impl Node {
    pub fn is_folder(&self) -> bool {
        self.kind == "folder"
    }

    pub fn is_file(&self) -> bool {
        self.kind == "file"
    }

    /// Decode a node object; `None` when it has no id.
    pub fn from_json(v: &Value) -> Option<Node> {
        let id = string_field(v, "id")?;
        let size = match v.get("size") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let parent = string_field(v, "parent").or_else(|| string_field(v, "parent_id"));
        let deleted_from = v
            .get("deleted_from")
            .is_some_and(|d| !d.is_null() && d.as_str() != Some("") && d != &Value::Bool(false));
        let deleted = super::envelope::truthy(v.get("deleted"))
            || deleted_from
            || parent.as_deref() == Some("trash");
        Some(Node {
            id,
            name: string_field(v, "name").unwrap_or_default(),
            kind: string_field(v, "type").unwrap_or_default(),
            parent,
            size,
            hash: string_field(v, "hash").filter(|h| !h.is_empty()),
            hash_algo: string_field(v, "hash_algo").map(|a| a.to_ascii_lowercase()),
            version: string_field(v, "version").filter(|s| !s.is_empty()),
            modified: string_field(v, "modified").filter(|s| !s.is_empty()),
            deleted,
        })
    }

    /// The node's SHA-256 (lowercase hex) when the server reports one.
    pub fn sha256(&self) -> Option<String> {
        match (&self.hash, self.hash_algo.as_deref()) {
            (Some(h), Some("sha256" | "sha-256")) => Some(h.to_ascii_lowercase()),
            _ => None,
        }
    }
}

/// The array of children in a listing payload: `nodes`, `files`, `items` or `nodes.items`.
fn listing_items(payload: &Value) -> &[Value] {
    for key in ["nodes", "files", "items"] {
        match payload.get(key) {
            Some(Value::Array(a)) => return a,
            Some(obj @ Value::Object(_)) => {
                if let Some(Value::Array(a)) = obj.get("items") {
                    return a;
                }
            }
            _ => {}
        }
    }
    &[]
}

/// `/workspace/{workspace_id}/storage/{node}/...` (or `/share/{id}/…` for a share's key, see
/// [`super::Profile`]), both segments encoded.
pub(crate) fn storage_path(workspace_id: &str, node: &str, tail: &str) -> String {
    format!(
        "{}/storage/{}/{tail}",
        super::Profile::of(workspace_id).prefix(),
        super::segment(node)
    )
}

/// `GET /workspace/{ws}/storage/{folder_id}/list/`: every child of a folder (all pages, 500 per
/// page, `output=full` so file hashes are included). `folder_id` may be `root`.
pub async fn list_folder(
    client: &Client,
    workspace_id: &str,
    folder_id: &str,
) -> Result<Vec<Node>, ApiError> {
    let items = list_folder_raw(client, workspace_id, folder_id, "full").await?;
    Ok(items.iter().filter_map(Node::from_json).collect())
}

/// One page of a folder listing: the children as sent and the cursor of the next page.
pub async fn list_page(
    client: &Client,
    workspace_id: &str,
    folder_id: &str,
    page_size: u32,
    cursor: Option<&str>,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let path = storage_path(workspace_id, folder_id, "list/");
    let mut query = vec![
        ("page_size", page_size.to_string()),
        ("output", "full".to_string()),
    ];
    if let Some(c) = cursor {
        query.push(("cursor", c.to_string()));
    }
    let payload = client.get(&path, &query).await?;
    Ok((
        listing_items(&payload).to_vec(),
        next_cursor(&payload, cursor),
    ))
}

/// `DELETE …/storage/{node}/delete/`: move a file or folder (with its contents) to the trash.
pub async fn delete_node(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
) -> Result<(), ApiError> {
    let path = storage_path(workspace_id, node_id, "delete/");
    client.delete_form(&path, &[]).await?;
    Ok(())
}

/// Every child of a folder as the server sent it, at detail level `output`, all pages.
pub async fn list_folder_raw(
    client: &Client,
    workspace_id: &str,
    folder_id: &str,
    output: &str,
) -> Result<Vec<Value>, ApiError> {
    let path = storage_path(workspace_id, folder_id, "list/");
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![
            ("page_size", "500".to_string()),
            ("output", output.to_string()),
        ];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let payload = client.get(&path, &query).await?;
        out.extend(listing_items(&payload).iter().cloned());
        match next_cursor(&payload, cursor.as_deref()) {
            Some(n) => cursor = Some(n),
            None => return Ok(out),
        }
    }
}

/// The cursor of the next page of a keyset listing, if there is one: a non-empty
/// `next_cursor` (one that is not the cursor just used), unless `has_more` says plainly there
/// is nothing more. `has_more` may be `true`, `"true"`, `"yes"` or `1`; a server that sends a
/// cursor but no `has_more` is followed.
pub fn next_cursor(payload: &Value, current: Option<&str>) -> Option<String> {
    let pagination = payload.get("pagination").unwrap_or(payload);
    let has_more = pagination.get("has_more");
    let said_no = has_more.is_some_and(|v| !v.is_null()) && !super::envelope::truthy(has_more);
    let next = string_field(pagination, "next_cursor").filter(|n| !n.is_empty())?;
    (!said_no && current != Some(next.as_str())).then_some(next)
}

/// The node object inside a payload: under `node`, `folder`, or the payload itself.
fn node_in(payload: &Value) -> Option<Node> {
    ["node", "folder"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Node::from_json))
        .or_else(|| Node::from_json(payload))
}

/// `GET /workspace/{ws}/storage/{node_id}/details/?output=full`: one node.
pub async fn node_details(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
) -> Result<Node, ApiError> {
    let path = storage_path(workspace_id, node_id, "details/");
    let payload = client.get(&path, &[("output", "full".into())]).await?;
    node_in(&payload).ok_or_else(|| ApiError::Decode {
        method: "GET".into(),
        path,
        detail: "no node in the details payload".into(),
    })
}

/// Most node ids per bulk details request (fastio-api.md §4).
pub const DETAILS_MAX_IDS: usize = 25;

/// The answer of [`nodes_details`]: the nodes found, and an error message per id that was
/// not (ids as the caller gave them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodesDetails {
    pub nodes: Vec<Node>,
    pub errors: Vec<(String, String)>,
    /// Ids the server could not look up (a transient error code, still there after the
    /// client's retries): neither found nor known to be missing.
    pub unavailable: Vec<(String, String)>,
}

impl NodesDetails {
    /// The node for `id`, matched case-insensitively and with or without hyphens.
    pub fn get(&self, id: &str) -> Option<&Node> {
        let want = id_key(id);
        self.nodes.iter().find(|n| id_key(&n.id) == want)
    }
}

/// Opaque ids compare case-insensitively, hyphens ignored (some answers drop them).
pub fn id_key(id: &str) -> String {
    id.chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `GET /workspace/{ws}/storage/{id1},{id2},…/details/?output=full`: many nodes at once, at most
/// [`DETAILS_MAX_IDS`] per request (more are split), ids joined with literal commas, each id
/// segment-encoded. The answer (`nodes` + `errors`, HTTP 200 when at least one resolved, 404
/// with the same arrays when none did) is matched by id, and each id is judged by its own
/// entry: a transient error code (a server or rate-limit error) is asked again, with backoff,
/// up to the client's retry count, and then reported as unavailable, never as missing; an id
/// in neither list is reported as not in the answer. A 404 without per-id entries is
/// confirmed with a single-node request for the first id: a server that did not understand
/// the comma form is then asked one id at a time, as is one without the multi route (404,
/// code 9992).
pub async fn nodes_details(
    client: &Client,
    workspace_id: &str,
    ids: &[String],
) -> Result<NodesDetails, ApiError> {
    let mut out = NodesDetails::default();
    for group in ids.chunks(DETAILS_MAX_IDS) {
        let mut pending = group.to_vec();
        let mut attempt = 0u32;
        loop {
            let part = details_group(client, workspace_id, &pending).await?;
            out.nodes.extend(part.nodes);
            out.errors.extend(part.errors);
            if part.unavailable.is_empty() {
                break;
            }
            attempt += 1;
            if attempt > client.options().retries {
                out.unavailable.extend(part.unavailable);
                break;
            }
            tokio::time::sleep(super::retry::backoff(attempt)).await;
            pending = part.unavailable.into_iter().map(|(id, _)| id).collect();
        }
    }
    Ok(out)
}

/// An `errors[].code` of bulk details that says "try again": a server error (1654, 1664) or a
/// rate limit (1667, 1671), or the HTTP status itself (429, 5xx).
fn transient_code(code: i64) -> bool {
    matches!(code, 1654 | 1664 | 1667 | 1671 | 429 | 500..=504)
}

async fn details_group(
    client: &Client,
    workspace_id: &str,
    ids: &[String],
) -> Result<NodesDetails, ApiError> {
    if ids.len() == 1 {
        return one_by_one(client, workspace_id, ids).await;
    }
    let joined = ids
        .iter()
        .map(|id| super::segment(id))
        .collect::<Vec<_>>()
        .join(",");
    let path = format!(
        "{}/storage/{joined}/details/",
        super::Profile::of(workspace_id).prefix()
    );
    let (status, body) = match client
        .get_keeping(&path, &[("output", "full".into())], &[404])
        .await
    {
        Ok(answer) => answer,
        Err(e) if e.is_no_route() => return one_by_one(client, workspace_id, ids).await,
        Err(e) => return Err(e),
    };
    if status != 404 {
        return Ok(match_answer(&body, ids));
    }
    // "None of them": each id has its own entry …
    let inner = body
        .get("response")
        .filter(|r| r.get("errors").is_some_and(Value::is_array));
    let payload = inner.unwrap_or(&body);
    if payload
        .get("errors")
        .is_some_and(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        return Ok(match_answer(payload, ids));
    }
    if super::envelope::error_details(&body).0 == 9992 {
        return one_by_one(client, workspace_id, ids).await;
    }
    // … or, with no entries, unless the server read the commas as part of one id.
    match node_details(client, workspace_id, &ids[0]).await {
        Ok(_) => one_by_one(client, workspace_id, ids).await,
        Err(e) if e.is_not_found() => Ok(NodesDetails {
            errors: ids
                .iter()
                .map(|id| (id.clone(), "node not found".to_string()))
                .collect(),
            ..NodesDetails::default()
        }),
        Err(e) => Err(e),
    }
}

/// Match a bulk details payload to the ids asked for.
fn match_answer(payload: &Value, ids: &[String]) -> NodesDetails {
    let mut nodes: Vec<Node> = match payload.get("nodes") {
        Some(Value::Array(a)) => a.iter().filter_map(Node::from_json).collect(),
        _ => node_in(payload).into_iter().collect(),
    };
    let mut reported: Vec<(String, String, bool)> = Vec::new();
    if let Some(Value::Array(errs)) = payload.get("errors") {
        for e in errs {
            let id = string_field(e, "node_id")
                .or_else(|| string_field(e, "id"))
                .unwrap_or_default();
            let msg = string_field(e, "message")
                .or_else(|| string_field(e, "text"))
                .unwrap_or_else(|| "not found".into());
            let code = e.get("code").map(super::envelope::parse_code).unwrap_or(0);
            reported.push((id_key(&id), msg, transient_code(code)));
        }
    }
    let wanted: Vec<String> = ids.iter().map(|i| id_key(i)).collect();
    nodes.retain(|n| wanted.contains(&id_key(&n.id)));
    let mut errors = Vec::new();
    let mut unavailable = Vec::new();
    for id in ids {
        let k = id_key(id);
        if nodes.iter().any(|n| id_key(&n.id) == k) {
            continue;
        }
        match reported.iter().find(|(rid, _, _)| *rid == k) {
            Some((_, m, true)) => unavailable.push((id.clone(), m.clone())),
            Some((_, m, false)) => errors.push((id.clone(), m.clone())),
            None => errors.push((id.clone(), "not in the server's answer".into())),
        }
    }
    NodesDetails {
        nodes,
        errors,
        unavailable,
    }
}

async fn one_by_one(
    client: &Client,
    workspace_id: &str,
    ids: &[String],
) -> Result<NodesDetails, ApiError> {
    let mut out = NodesDetails::default();
    for id in ids {
        match node_details(client, workspace_id, id).await {
            Ok(n) => out.nodes.push(n),
            Err(e) if e.is_not_found() && !e.is_no_route() => {
                out.errors.push((id.clone(), "node not found".into()))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// `POST /workspace/{ws}/storage/{parent_id}/createfolder/` with `name`: idempotent (returns the
/// existing same-named folder). Returns the folder node.
pub async fn create_folder(
    client: &Client,
    workspace_id: &str,
    parent_id: &str,
    name: &str,
) -> Result<Node, ApiError> {
    let path = storage_path(workspace_id, parent_id, "createfolder/");
    let payload = client
        .post_form(&path, &[("name", name.to_string())])
        .await?;
    node_in(&payload).ok_or_else(|| ApiError::Decode {
        method: "POST".into(),
        path,
        detail: "no folder node in the createfolder payload".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_decode_tolerantly() {
        let n = Node::from_json(&json!({"id": "2abc", "name": "a b.txt", "type": "file",
            "parent": "root", "size": "12", "hash": "AB", "hash_algo": "SHA256"}))
        .unwrap();
        assert_eq!(n.size, Some(12));
        assert_eq!(n.sha256().as_deref(), Some("ab"));
        assert!(n.is_file());
        assert!(Node::from_json(&json!({"name": "x"})).is_none());
        let md5 = Node::from_json(&json!({"id": 1, "hash": "x", "hash_algo": "md5"})).unwrap();
        assert_eq!(md5.sha256(), None);
        assert_eq!(md5.id, "1");
        for trashed in [
            json!({"id": "2a", "parent": "trash"}),
            json!({"id": "2a", "parent": "2f", "deleted": true}),
            json!({"id": "2a", "parent": "2f", "deleted": "yes"}),
            json!({"id": "2a", "parent": "2f", "deleted_from": "2f"}),
        ] {
            assert!(Node::from_json(&trashed).unwrap().deleted, "{trashed}");
        }
        for kept in [
            json!({"id": "2a", "parent": "2f", "deleted": false, "deleted_from": null}),
            json!({"id": "2a", "parent": "root", "deleted_from": ""}),
        ] {
            assert!(!Node::from_json(&kept).unwrap().deleted, "{kept}");
        }
    }

    /// Rule 11: pages continue while `next_cursor` is non-empty or `has_more` is truthy in any
    /// spelling; a repeated cursor or a plain "no" ends the listing.
    #[test]
    fn pagination_in_every_spelling() {
        for more in [json!(true), json!("true"), json!("yes"), json!(1)] {
            let p = json!({"pagination": {"has_more": more, "next_cursor": "c2"}});
            assert_eq!(next_cursor(&p, Some("c1")).as_deref(), Some("c2"), "{more}");
        }
        let no_flag = json!({"pagination": {"next_cursor": "c2"}});
        assert_eq!(next_cursor(&no_flag, None).as_deref(), Some("c2"));
        for done in [
            json!({"pagination": {"has_more": false, "next_cursor": "c2"}}),
            json!({"pagination": {"has_more": "false", "next_cursor": "c2"}}),
            json!({"pagination": {"has_more": true, "next_cursor": ""}}),
            json!({"pagination": {"has_more": true, "next_cursor": "c1"}}),
            json!({"pagination": {"has_more": true}}),
        ] {
            assert_eq!(next_cursor(&done, Some("c1")), None, "{done}");
        }
    }

    #[test]
    fn bulk_details_are_matched_by_id() {
        let p = json!({"format": "multi", "nodes": [
            {"id": "2ABCD-EFGHI", "type": "file", "size": 3},
            {"id": "2zzzz", "type": "file"}],
            "errors": [{"node_id": "2miss-ing00", "code": 1609, "message": "node not found"}]});
        let ids = vec![
            "2abcdefghi".to_string(),
            "2miss-ing00".to_string(),
            "2gone".to_string(),
        ];
        let d = match_answer(&p, &ids);
        assert_eq!(d.nodes.len(), 1, "only asked-for nodes are kept");
        assert_eq!(d.get("2abcd-efghi").unwrap().size, Some(3));
        assert_eq!(
            d.errors,
            vec![
                ("2miss-ing00".to_string(), "node not found".to_string()),
                (
                    "2gone".to_string(),
                    "not in the server's answer".to_string()
                ),
            ]
        );
        let single = json!({"format": "single", "node": {"id": "2abcdefghi", "type": "file"}});
        assert!(match_answer(&single, &ids).get("2abcdefghi").is_some());
        // Each id by its own entry: a transient code is not "missing".
        let all_failed = json!({"nodes": [], "errors": [
            {"node_id": "2abcdefghi", "code": 1609, "message": "node not found"},
            {"node_id": "2miss-ing00", "code": "1654", "message": "try again"}]});
        let d = match_answer(&all_failed, &ids[..2]);
        assert_eq!(
            d.errors,
            vec![("2abcdefghi".to_string(), "node not found".to_string())]
        );
        assert_eq!(
            d.unavailable,
            vec![("2miss-ing00".to_string(), "try again".to_string())]
        );
    }

    #[test]
    fn listing_collection_keys() {
        for payload in [
            json!({"nodes": [{"id": "a"}]}),
            json!({"files": [{"id": "a"}]}),
            json!({"items": [{"id": "a"}]}),
            json!({"nodes": {"items": [{"id": "a"}]}}),
        ] {
            assert_eq!(listing_items(&payload).len(), 1, "{payload}");
        }
        assert!(node_in(&json!({"node": {"id": "d1", "type": "folder"}})).is_some());
        assert!(node_in(&json!({"id": "d1", "type": "folder"})).is_some());
    }
}
