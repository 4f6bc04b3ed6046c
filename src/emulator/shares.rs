//! Shares (fastio-api.md §1.1 "Contexts", §4): `--share NAME[:PASSWORD]`
//! (`EmulatorConfig::shares`) makes a share backed by the folder `NAME` at the root of the
//! first workspace, as folder-backed shares are: its `root` is that folder.
//!
//! * `/share/{id or name}/storage/…` are the twins of the workspace routes: the request is
//!   rewritten to `/workspace/{ws}/storage/…` before routing (`root` → the share's folder), so
//!   listing, details, `createfolder`, reading, versions, trash and locks behave alike.
//! * Uploads name a share by its id as `instance_id` (`profile_type=share`; the batch endpoint
//!   takes the id alone); their `folder_id` `root` is the share's folder.
//! * A share with a password wants it in `x-ve-password` on every call; missing or wrong is
//!   401/1650, which the official CLI reads as a link-password failure on a share call.
//! * `GET /share/{id or name}/details/` → `{"share": {id, name, custom_name, folder_id,
//!   password_protected}}`. Ids are stable across restarts.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::routing::{any, get};
use serde_json::json;

use super::AppState;
use super::caller::Caller;
use super::store::Store;
use super::wire::{self, ApiErr, ApiResult};

/// The header that carries a share's password.
pub const PASSWORD_HEADER: &str = "x-ve-password";

/// One share.
#[derive(Clone)]
pub struct Share {
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    /// The folder that is the share's `root`.
    pub folder_id: String,
    password: Option<String>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("folder_id", &self.folder_id)
            .field("password_protected", &self.password.is_some())
            .finish()
    }
}

impl Share {
    /// Does `given` (the request's `x-ve-password`) open this share?
    pub fn admits(&self, given: Option<&str>) -> bool {
        self.password.as_deref().is_none_or(|p| given == Some(p))
    }

    /// [`Share::admits`], or 401/1650.
    pub fn admit(&self, given: Option<&str>) -> Result<(), ApiErr> {
        match self.admits(given) {
            true => Ok(()),
            false => Err(denied()),
        }
    }
}

fn denied() -> ApiErr {
    ApiErr::unauthorized("this share needs its password (x-ve-password): missing or wrong")
}

/// The emulator's shares (fixed at start).
#[derive(Default)]
pub struct Shares(std::sync::RwLock<Arc<Vec<Share>>>);

impl Shares {
    pub fn all(&self) -> Arc<Vec<Share>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn set(&self, list: Arc<Vec<Share>>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = list;
    }
}

/// The share with this id or name.
pub fn find<'a>(shares: &'a [Share], id_or_name: &str) -> Option<&'a Share> {
    shares
        .iter()
        .find(|s| s.id == id_or_name || s.name == id_or_name)
}

/// Create (or find again) the shares of `specs` (`NAME` or `NAME:PASSWORD`) in workspace `ws`.
pub(super) fn create(store: &Store, ws: &str, specs: &[String]) -> anyhow::Result<Vec<Share>> {
    let mut out = Vec::new();
    for spec in specs {
        let (name, password) = match spec.split_once(':') {
            Some((n, p)) => (n.to_string(), Some(p.to_string()).filter(|p| !p.is_empty())),
            None => (spec.clone(), None),
        };
        anyhow::ensure!(
            !name.is_empty() && !name.contains('/'),
            "share `{spec}`: give NAME or NAME:PASSWORD"
        );
        let id = store.meta_get_or(&format!("share_id:{name}"), super::ids::numeric_id)?;
        let folder = store.create_folder(ws, "root", &name, false)?;
        out.push(Share {
            id,
            name,
            workspace_id: ws.to_string(),
            folder_id: folder.id,
            password,
        });
    }
    Ok(out)
}

/// Rewrite a share's storage call to its workspace twin (before routing). A wrong or missing
/// password sends it to a route that answers 401 instead.
pub(super) fn rewrite(shares: &[Share], req: &mut Request) {
    let path = req.uri().path().to_string();
    let Some(rest) = path.strip_prefix("/current/share/") else {
        return;
    };
    let mut segs = rest.splitn(4, '/');
    let (Some(sid), Some("storage"), Some(node)) = (segs.next(), segs.next(), segs.next()) else {
        return;
    };
    let tail = segs.next();
    let sid = percent_decode(sid);
    let Some(share) = find(shares, &sid) else {
        return;
    };
    let given = req
        .headers()
        .get(PASSWORD_HEADER)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok());
    let new_path = if !share.admits(given) {
        "/current/__share_denied".to_string()
    } else {
        let node = if node == "root" {
            share.folder_id.as_str()
        } else {
            node
        };
        let mut p = format!("/current/workspace/{}/storage/{node}", share.workspace_id);
        if let Some(t) = tail {
            p.push('/');
            p.push_str(t);
        }
        p
    };
    let pq = match req.uri().query() {
        Some(q) => format!("{new_path}?{q}"),
        None => new_path,
    };
    if let Ok(pq) = pq.parse::<axum::http::uri::PathAndQuery>() {
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = Some(pq);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/share/{share}/details", get(details))
        .route("/__share_denied", any(|| async { Err::<(), _>(denied()) }))
}

/// `GET /share/{id or name}/details/`.
async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(share): Path<String>,
) -> ApiResult {
    let shares = state.ext::<Shares>().all();
    let s = find(&shares, &share).ok_or_else(|| ApiErr::not_found("share"))?;
    s.admit(caller.share_password.as_deref())?;
    wire::ok(json!({"share": {
        "id": s.id, "name": s.name, "custom_name": s.name, "folder_id": s.folder_id,
        "workspace_id": s.workspace_id, "share_type": "receive",
        "password_protected": s.password.is_some(),
    }}))
}
