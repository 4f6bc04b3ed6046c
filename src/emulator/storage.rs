//! Storage calls (fastio-api.md §4): listing, details, createfolder, read, versions.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::AppState;
use super::caller::Caller;
use super::store::{Detail, SortBy};
use super::wire::{self, ApiErr, ApiResult, Fields};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workspace/{ws}/storage/{node}/list", get(list))
        .route("/workspace/{ws}/storage/{node}/details", get(details))
        .route(
            "/workspace/{ws}/storage/{node}/createfolder",
            post(create_folder),
        )
        .route(
            "/workspace/{ws}/storage/{node}/delete",
            axum::routing::delete(delete_node),
        )
        .route("/workspace/{ws}/storage/{node}/read", get(read))
        .route("/workspace/{ws}/storage/{node}/versions", get(versions))
        .route("/workspace/{ws}/storage/search", get(search))
}

fn encode_cursor(key: &str, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&json!([key, id])).unwrap_or_default())
}

fn decode_cursor(c: &str) -> Result<(String, String), ApiErr> {
    let bad = || ApiErr::invalid("cursor", "not a cursor from this server");
    let raw = URL_SAFE_NO_PAD.decode(c.trim()).map_err(|_| bad())?;
    let v: (String, String) = serde_json::from_slice(&raw).map_err(|_| bad())?;
    Ok(v)
}

/// Lock description for a node, if locked.
fn lock_json(state: &AppState, node: &str) -> Option<Value> {
    state.locks.get(node).map(|l| l.to_json())
}

async fn list(
    State(state): State<AppState>,
    _c: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let detail = Detail::parse(f.get("output"))?;
    let sort = match f.get("sort_by").unwrap_or("name") {
        "name" => SortBy::Name,
        "updated" | "modified" => SortBy::Updated,
        "created" => SortBy::Created,
        "type" => SortBy::Type,
        _ => {
            return Err(ApiErr::invalid(
                "sort_by",
                "must be name, updated, created or type",
            ));
        }
    };
    let desc = match f.get("sort_dir").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        _ => return Err(ApiErr::invalid("sort_dir", "must be asc or desc")),
    };
    // The service offers 100|250|500; smaller sizes are honoured so tests can page cheaply.
    let page_size: usize = f.parse("page_size")?.unwrap_or(100);
    if !(1..=500).contains(&page_size) {
        return Err(ApiErr::invalid("page_size", "must be 100, 250 or 500"));
    }
    let cursor = match f.get("cursor") {
        Some(c) if !c.is_empty() => Some(decode_cursor(c)?),
        _ => None,
    };
    let ws_id = ws.id.clone();
    let (nodes, next) = state
        .db(move |s| {
            // `trash` lists what was deleted (`GET …/storage/trash/list/`).
            let parent = match node.as_str() {
                "trash" => "trash".to_string(),
                _ => s.resolve_folder(&ws_id, &node)?,
            };
            Ok(s.children(&ws_id, &parent, sort, desc, page_size, cursor)?)
        })
        .await?;
    let items: Vec<Value> = nodes
        .iter()
        .map(|n| {
            super::ai::with_ai(
                &state,
                n,
                detail,
                super::hashes::node_json(&state, n, detail, lock_json(&state, &n.id)),
            )
        })
        .collect();
    wire::ok(json!({
        "nodes": items,
        "pagination": {
            "has_more": next.is_some(),
            "next_cursor": next.map(|(k, id)| encode_cursor(&k, &id)),
            "page_size": page_size,
        },
    }))
}

async fn details(
    State(state): State<AppState>,
    _c: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let detail = Detail::parse(f.get("output"))?;
    // Ids are matched case-insensitively and de-duplicated (clients send `id,id` to force the
    // multi shape for one node).
    let mut ids: Vec<String> = Vec::new();
    let mut multi = false;
    for raw in node.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id = if raw == "root" {
            raw.to_string()
        } else {
            super::ids::canonical(raw)
        };
        if ids.contains(&id) {
            multi = true;
        } else {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(ApiErr::invalid("node_id", "no node id given"));
    }
    if ids.len() > 25 {
        let mut e = ApiErr::new(
            StatusCode::BAD_REQUEST,
            115519,
            "at most 25 node ids per request",
        );
        e.error_code = Some("APP_ERROR_INPUT_INVALID");
        return Err(e);
    }
    let multi = multi || ids.len() > 1;
    let ws_id = ws.id.clone();
    let found = state
        .db(move |s| {
            let mut out = Vec::new();
            for id in ids {
                let n = if id == "root" {
                    None
                } else {
                    s.node(&ws_id, &id)?
                };
                out.push((id, n));
            }
            Ok(out)
        })
        .await?;
    if !multi {
        let (id, n) = found.into_iter().next().expect("one id");
        if id == "root" {
            return wire::ok(json!({"format": "single", "node": {
                "id": "root", "type": "folder", "name": "", "parent": null, "size": 0,
            }}));
        }
        let n = n.ok_or_else(|| ApiErr::not_found("node"))?;
        let lock = lock_json(&state, &n.id);
        let node = super::ai::with_ai(
            &state,
            &n,
            detail,
            super::hashes::node_json(&state, &n, detail, lock),
        );
        return wire::ok(json!({"format": "single", "node": node}));
    }
    let requested = found.len();
    let mut nodes = Vec::new();
    let mut errors = Vec::new();
    let flaky = state
        .has(super::Variant::FlakyBulkDetails)
        .then(|| state.ext::<AskedOnce>());
    for (i, (id, n)) in found.into_iter().enumerate() {
        // `flaky-bulk-details`: the 2nd, 4th … id fails transiently the first time it is asked.
        if let Some(asked) = &flaky
            && i % 2 == 1
            && asked
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.clone())
        {
            errors.push(json!({"node_id": id, "code": 1654,
                               "message": "temporary failure, try again"}));
            continue;
        }
        match n {
            Some(n) => nodes.push(super::ai::with_ai(
                &state,
                &n,
                detail,
                super::hashes::node_json(&state, &n, detail, lock_json(&state, &n.id)),
            )),
            None => errors.push(json!({"node_id": id, "code": 1609, "message": "node not found"})),
        }
    }
    let body = json!({
        "format": "multi", "node_count": nodes.len(), "error_count": errors.len(),
        "requested_count": requested, "nodes": nodes, "errors": errors,
    });
    if body["node_count"] == 0 {
        let mut resp = axum::Json(json!({
            "result": "no",
            "error": {"code": 1609, "text": "none of the nodes were found"},
            "response": body,
            "nodes": [],
            "errors": body["errors"],
        }))
        .into_response();
        *resp.status_mut() = StatusCode::NOT_FOUND;
        return Ok(resp);
    }
    wire::ok(body)
}

/// Ids already asked for in a bulk details request (`flaky-bulk-details`).
#[derive(Default)]
struct AskedOnce(std::sync::Mutex<std::collections::HashSet<String>>);

/// Folder names: 1–255 chars, no `/`, `\` or control characters, not `.`/`..`.
pub(crate) fn check_name(field: &str, name: &str) -> Result<(), ApiErr> {
    if name.is_empty() || name.chars().count() > 255 {
        return Err(ApiErr::invalid(field, "must be 1-255 characters"));
    }
    if name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
        || name == "."
        || name == ".."
    {
        return Err(ApiErr::invalid(
            field,
            "contains a character not allowed in names",
        ));
    }
    Ok(())
}

/// A name as `folded-folder-names` compares it: trimmed, NFC, lower case.
fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    name.trim().nfc().collect::<String>().to_lowercase()
}

/// `folded-folder-names`: an existing folder matches by its folded name (NFC, trimmed, any
/// case), and new names are stored NFC and trimmed. Batch entries' `relative_path` folders
/// are made the same way.
pub(super) fn folded_folder(
    s: &super::store::Store,
    ws: &str,
    parent: &str,
    name: &str,
    force: bool,
) -> rusqlite::Result<super::store::Node> {
    let want = fold_name(name);
    let existing = s
        .find_nodes(ws, |n| fold_name(n) == want)?
        .into_iter()
        .find(|n| n.parent == parent && n.is_folder());
    match existing {
        Some(n) if !force => Ok(n),
        _ => {
            use unicode_normalization::UnicodeNormalization as _;
            let stored: String = name.trim().nfc().collect();
            s.create_folder(ws, parent, &stored, force)
        }
    }
}

async fn create_folder(
    State(state): State<AppState>,
    _c: Caller,
    Path((ws, parent)): Path<(String, String)>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let name = f.req("name")?.to_string();
    check_name("name", &name)?;
    let force = f.flag("force", false)?;
    let ws_id = ws.id.clone();
    let folded = state.has(super::Variant::FoldedFolderNames);
    let node = state
        .db(move |s| {
            let parent = s.resolve_folder(&ws_id, &parent)?;
            if !folded {
                return Ok(s.create_folder(&ws_id, &parent, &name, force)?);
            }
            Ok(folded_folder(s, &ws_id, &parent, &name, force)?)
        })
        .await?;
    state.activity.bump(format!("storage:{}", node.id));
    if state.has(super::Variant::BareFolderAnswers) {
        return wire::ok(json!({"node": {"id": node.id}}));
    }
    wire::ok(json!({"node": node.to_json(Detail::Full, None)}))
}

/// `DELETE …/storage/{node}/delete/`: move a file or folder (with its contents) to the trash.
/// A node locked by someone else is refused (423); `root` cannot be deleted.
async fn delete_node(
    State(state): State<AppState>,
    caller: Caller,
    Path((ws, node)): Path<(String, String)>,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    if node == "root" || node == "trash" {
        return Err(ApiErr::invalid(
            "node_id",
            "the root folder cannot be deleted",
        ));
    }
    let ws_id = ws.id.clone();
    let id = node.clone();
    let found = state.db(move |s| Ok(s.node(&ws_id, &id)?)).await?;
    let Some(found) = found else {
        return Err(ApiErr::not_found("node"));
    };
    state.locks.check_write(&found.id, &caller, None)?;
    let ws_id = ws.id.clone();
    let id = found.id.clone();
    state.db(move |s| Ok(s.trash_node(&ws_id, &id)?)).await?;
    state.activity.bump(format!("storage:{}", found.id));
    wire::ok(json!({}))
}

async fn read(
    State(state): State<AppState>,
    _c: Caller,
    Path((ws, node)): Path<(String, String)>,
    f: Fields,
) -> Result<Response, ApiErr> {
    let ws = state.workspace_for(&ws).await?;
    let ws_id = ws.id.clone();
    let version = f.get("version_id").map(str::to_string);
    let (blob, mime) = state
        .db(move |s| {
            let n = s
                .node(&ws_id, &node)?
                .ok_or_else(|| ApiErr::not_found("node"))?;
            if n.is_folder() {
                return Err(ApiErr::invalid("node_id", "a folder has no content"));
            }
            let blob = match version {
                Some(v) if Some(&v) != n.version.as_ref() => {
                    return Err(ApiErr::not_found("version"));
                }
                _ => n.blob.clone().ok_or_else(|| ApiErr::not_found("content"))?,
            };
            Ok((s.blob_path(&blob), n.mimetype.unwrap_or_default()))
        })
        .await?;
    let file = tokio::fs::File::open(&blob).await?;
    let len = file.metadata().await?.len();
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 << 10);
    Response::builder()
        .header(
            CONTENT_TYPE,
            if mime.is_empty() {
                "application/octet-stream".into()
            } else {
                mime
            },
        )
        .header(CONTENT_LENGTH, len)
        .body(Body::from_stream(stream))
        .map_err(|e| ApiErr::internal(e.to_string()))
}

async fn versions(
    State(state): State<AppState>,
    _c: Caller,
    Path((ws, node)): Path<(String, String)>,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let ws_id = ws.id.clone();
    let st = state.clone();
    let all = state
        .db(move |s| {
            let current = s
                .node(&ws_id, &node)?
                .ok_or_else(|| ApiErr::not_found("node"))?;
            let mut older = s.versions(&current.id)?;
            let (hash, algo) =
                super::hashes::reported(&st, current.hash.as_deref(), current.blob.as_deref());
            let mut all = vec![json!({
                "id": current.version, "size": current.size, "hash": hash,
                "hash_algo": algo, "created": current.modified, "current": true,
            })];
            if st.has(super::Variant::Md5Hashes) {
                for v in &mut older {
                    let id = v["id"].as_str().unwrap_or_default().to_string();
                    let blob = s.version_blob(&id)?;
                    let (hash, algo) =
                        super::hashes::reported(&st, v["hash"].as_str(), blob.as_deref());
                    v["hash"] = hash;
                    v["hash_algo"] = json!(algo);
                }
            }
            all.extend(older);
            Ok(all)
        })
        .await?;
    wire::ok(json!({"versions": all}))
}

/// `GET …/storage/search/?search=…` — file-name search only (no content or semantic search).
async fn search(
    State(state): State<AppState>,
    _c: Caller,
    Path(ws): Path<String>,
    f: Fields,
) -> ApiResult {
    let ws = state.workspace_for(&ws).await?;
    let q = f.req("search")?.to_string();
    if q.chars().count() < 2 || q.chars().count() > 1000 {
        return Err(ApiErr::invalid("search", "must be 2-1000 characters"));
    }
    match f.get("search_in").unwrap_or("both") {
        "filename" | "both" | "content" => {}
        _ => {
            return Err(ApiErr::invalid(
                "search_in",
                "must be filename, content or both",
            ));
        }
    }
    let mode = f.get("name_match").unwrap_or("auto").to_string();
    if !matches!(
        mode.as_str(),
        "auto" | "exact" | "prefix" | "contains" | "glob"
    ) {
        return Err(ApiErr::invalid(
            "name_match",
            "must be auto, exact, prefix, contains or glob",
        ));
    }
    let case = f.flag("case_sensitive", false)?;
    let limit: usize = f.parse("limit")?.unwrap_or(100).clamp(1, 500);
    let offset: usize = f.parse("offset")?.unwrap_or(0);
    let glob = if mode == "glob" {
        Some(
            globset::GlobBuilder::new(&q)
                .case_insensitive(!case)
                .build()
                .map_err(|_| ApiErr::invalid("search", "not a valid glob"))?
                .compile_matcher(),
        )
    } else {
        None
    };
    let norm = move |s: &str| {
        if case {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let needle = norm(&q);
    let ws_id = ws.id.clone();
    let nodes = state
        .db(move |s| {
            Ok(s.find_nodes(&ws_id, |name| {
                let hay = norm(name);
                match mode.as_str() {
                    "exact" => hay == needle,
                    "prefix" => hay.starts_with(&needle),
                    "glob" => glob.as_ref().is_some_and(|g| g.is_match(name)),
                    _ => hay.contains(&needle),
                }
            })?)
        })
        .await?;
    let total = nodes.len();
    let page: Vec<_> = nodes.into_iter().skip(offset).take(limit).collect();
    let mut files = serde_json::Map::new();
    let mut results = Vec::new();
    for n in &page {
        let node = super::hashes::node_json(&state, n, Detail::Full, lock_json(&state, &n.id));
        files.insert(
            n.id.clone(),
            json!({
                "name": n.name, "parent_id": n.parent, "type": n.kind,
                "mimetype": n.mimetype, "match_source": "filename",
                "relevance_score": 1.0, "content_snippet": null, "node": node,
            }),
        );
        results.push(json!({"content": null, "score": 1.0, "node": node}));
    }
    wire::ok(json!({
        "files": files,
        "results": results,
        "search_metadata": {"total": total, "search_in": "filename"},
        "pagination": {"total": total, "limit": limit, "offset": offset,
                        "has_more": offset + limit < total},
    }))
}
