//! URL imports (fastio-api.md §5): `POST /web_upload/` starts a job that really fetches the URL
//! server-side (see [`fetch`]); `GET /web_upload/{id}/details/` shows its status;
//! `GET /web_upload/` lists jobs; `DELETE /web_upload/?id=` cancels one.
//!
//! A job moves pending → queued → downloading → uploading → complete, or ends `failed` (with a
//! `status_message`) or `canceled`. Like the real service, submission succeeds for any
//! well-formed http(s) URL and failures only show in the status. Private and loopback
//! addresses are refused unless the emulator runs with `--allow-private-urls`.

pub mod fetch;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;
use super::caller::Caller;
use super::ids;
use super::wire::{self, ApiErr, ApiResult, Fields};
use fetch::{FetchLimits, sanitize_name};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/web_upload", get(list).post(submit).delete(cancel))
        .route("/web_upload/{id}/details", get(details))
}

/// One import job.
#[derive(Debug, Clone)]
struct Job {
    id: String,
    user_id: String,
    workspace_id: String,
    folder_id: String,
    source_url: String,
    file_name: Option<String>,
    status: &'static str,
    status_message: String,
    new_file_id: Option<String>,
    size: Option<u64>,
    created: i64,
    updated: i64,
}

impl Job {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "upload_id": self.id,
            "status": self.status,
            "status_message": self.status_message,
            "source_url": self.source_url,
            "file_name": self.file_name,
            "new_file_id": self.new_file_id,
            "size": self.size,
            "profile_id": self.workspace_id,
            "profile_type": "workspace",
            "folder_id": self.folder_id,
            "created": self.created,
            "updated": self.updated,
        })
    }

    fn is_terminal(&self) -> bool {
        matches!(self.status, "complete" | "failed" | "canceled")
    }
}

#[derive(Default)]
struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
    tasks: Mutex<HashMap<String, tokio::task::AbortHandle>>,
}

impl Jobs {
    fn update(&self, state: &AppState, id: &str, f: impl FnOnce(&mut Job)) {
        let mut m = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(job) = m.get_mut(id) {
            if job.is_terminal() {
                return;
            }
            f(job);
            job.updated = chrono::Utc::now().timestamp();
        }
        drop(m);
        state.activity.bump(format!("web_upload:{id}"));
    }

    fn get(&self, id: &str) -> Option<Job> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&ids::canonical(id))
            .cloned()
    }
}

/// The pause between the early status steps, so clients can observe them.
const STEP: Duration = Duration::from_millis(50);

async fn submit(State(state): State<AppState>, caller: Caller, f: Fields) -> ApiResult {
    let source = f.req("source_url")?.trim().to_string();
    let parsed =
        url::Url::parse(&source).map_err(|_| ApiErr::invalid("source_url", "not a valid URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ApiErr::invalid(
            "source_url",
            "must be an http or https URL",
        ));
    }
    let profile_id = f.req("profile_id")?.to_string();
    match f.get("profile_type").unwrap_or("workspace") {
        "workspace" | "" => {}
        "share" => return Err(ApiErr::invalid("profile_type", "shares are not emulated")),
        _ => {
            return Err(ApiErr::invalid(
                "profile_type",
                "must be workspace or share",
            ));
        }
    }
    let file_name = match f.get("file_name").map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => Some(
            sanitize_name(n)
                .filter(|clean| clean == n)
                .ok_or_else(|| ApiErr::invalid("file_name", "not a valid file name"))?,
        ),
        None => None,
    };
    let ws = state.workspace_for(&profile_id).await?;
    let folder_arg = f.get("folder_id").unwrap_or("root").to_string();
    let ws_id = ws.id.clone();
    let folder_id = state
        .db(move |s| {
            let id = s.resolve_folder(&ws_id, &folder_arg)?;
            if id != "root" {
                match s.node(&ws_id, &id)? {
                    Some(n) if n.is_folder() => {}
                    _ => return Err(ApiErr::not_found("folder")),
                }
            }
            Ok(id)
        })
        .await?;
    let now = chrono::Utc::now().timestamp();
    let job = Job {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        workspace_id: ws.id.clone(),
        folder_id,
        source_url: source,
        file_name,
        status: "pending",
        status_message: String::new(),
        new_file_id: None,
        size: None,
        created: now,
        updated: now,
    };
    let jobs = state.ext::<Jobs>();
    jobs.jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(job.id.clone(), job.clone());
    let task = tokio::spawn(run_job(state.clone(), caller, job.id.clone()));
    jobs.tasks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(job.id.clone(), task.abort_handle());
    wire::ok(json!({"id": job.id, "upload_id": job.id, "upload": job.to_json()}))
}

async fn run_job(state: AppState, caller: Caller, id: String) {
    let jobs = state.ext::<Jobs>();
    tokio::time::sleep(STEP).await;
    jobs.update(&state, &id, |j| j.status = "queued");
    tokio::time::sleep(STEP).await;
    jobs.update(&state, &id, |j| j.status = "downloading");
    let result = download_and_store(&state, &caller, &jobs, &id).await;
    match result {
        Ok((node_id, name, size)) => jobs.update(&state, &id, |j| {
            j.status = "complete";
            j.new_file_id = Some(node_id);
            j.file_name = Some(name);
            j.size = Some(size);
        }),
        Err(message) => jobs.update(&state, &id, |j| {
            j.status = "failed";
            j.status_message = message;
        }),
    }
    jobs.tasks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
}

async fn download_and_store(
    state: &AppState,
    caller: &Caller,
    jobs: &Jobs,
    id: &str,
) -> Result<(String, String, u64), String> {
    let job = jobs.get(id).ok_or("job vanished")?;
    let limits = FetchLimits {
        allow_private: state.config.allow_private_urls,
        max_bytes: state.config.max_file_size,
        timeout: state.config.import_timeout,
        max_redirects: 5,
    };
    let tmp = state.store.tmp_path();
    if let Some(dir) = tmp.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| format!("storing the download failed: {e}"))?;
    }
    let fetched = fetch::fetch(&job.source_url, &tmp, &limits)
        .await
        .map_err(|e| e.to_string())?;
    jobs.update(state, id, |j| {
        j.status = "uploading";
        j.size = Some(fetched.size);
    });
    let name = job
        .file_name
        .clone()
        .unwrap_or_else(|| fetched.suggested_name.clone());
    let tmp_left = tmp.clone();
    let (st, caller, ws, folder) = (
        state.clone(),
        caller.clone(),
        job.workspace_id.clone(),
        job.folder_id.clone(),
    );
    let stored = state
        .db(move |s| {
            // The import writes as its submitter: a folder locked by someone else refuses it,
            // and so does a locked file of the same name.
            st.locks.check_write(&folder, &caller, None)?;
            if let Some(existing) = s.child(&ws, &folder, &name)? {
                st.locks.check_write(&existing.id, &caller, None)?;
            }
            let blob = s.adopt_blob(&tmp, fetched.size, fetched.sha256.clone())?;
            let node = s.commit_file(&ws, &folder, &name, &blob)?;
            st.file_stored(&ws, &node);
            Ok((node.id, node.name, fetched.size))
        })
        .await;
    match stored {
        Ok(v) => Ok(v),
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp_left).await;
            Err(format!("storing the download failed: {}", e.text))
        }
    }
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let job = state
        .ext::<Jobs>()
        .get(&id)
        .filter(|j| j.user_id == caller.user_id)
        .ok_or_else(|| ApiErr::not_found("web upload"))?;
    wire::ok(json!({"upload": job.to_json()}))
}

async fn list(State(state): State<AppState>, caller: Caller, f: Fields) -> ApiResult {
    let limit = f.parse::<usize>("limit")?.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiErr::invalid("limit", "must be between 1 and 500"));
    }
    let offset = f.parse::<usize>("offset")?.unwrap_or(0);
    let status = f.get("status").filter(|s| !s.is_empty());
    if let Some(s) = status
        && !matches!(
            s,
            "pending" | "queued" | "downloading" | "uploading" | "complete" | "failed" | "canceled"
        )
    {
        return Err(ApiErr::invalid("status", "unknown status"));
    }
    let mut mine: Vec<Job> = state
        .ext::<Jobs>()
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .filter(|j| j.user_id == caller.user_id && status.is_none_or(|s| j.status == s))
        .cloned()
        .collect();
    mine.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    let total = mine.len();
    let page: Vec<Value> = mine
        .iter()
        .skip(offset)
        .take(limit)
        .map(Job::to_json)
        .collect();
    wire::ok(json!({
        "uploads": page,
        "pagination": {"total": total, "limit": limit, "offset": offset,
                       "has_more": offset + limit < total},
    }))
}

async fn cancel(State(state): State<AppState>, caller: Caller, f: Fields) -> ApiResult {
    let id = ids::canonical(f.req("id")?);
    let jobs = state.ext::<Jobs>();
    let job = jobs
        .get(&id)
        .filter(|j| j.user_id == caller.user_id)
        .ok_or_else(|| ApiErr::not_found("web upload"))?;
    if !job.is_terminal() {
        if let Some(task) = jobs
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
        {
            task.abort();
        }
        jobs.update(&state, &id, |j| {
            j.status = "canceled";
            j.status_message = "canceled by request".into();
        });
    }
    let job = jobs.get(&id).unwrap_or(job);
    wire::ok(json!({"upload": job.to_json()}))
}
