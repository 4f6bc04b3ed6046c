//! Uploads (fastio-api.md §3 except manual placement via addfile): single-call, chunked
//! sessions with asynchronous assembly, session management and limits. The batch endpoint
//! lives in [`super::batch`], stream sessions (§3.10) in [`super::stream`].
//!
//! This module holds the routes, the session types and the session table; the handlers are in
//! the submodules:
//! * `sessions`: `POST /upload/` (dispatch and chunked session creation), details and
//!   long-poll, listing, cancel, limits, algorithms;
//! * `single`: single-call uploads (multipart `POST /upload/`);
//! * `chunks`: chunk receive, chunk info and chunk delete;
//! * `assembly`: `/complete/` and the assemble → stored pipeline;
//! * `spool`: hashing and spooling multipart parts to temp files;
//! * `target`: where an upload goes (workspace, folder, overwritten node, locks).

mod assembly;
mod chunks;
mod sessions;
mod single;
mod spool;
mod target;

pub(super) use assembly::finish_session;
pub use spool::{Hasher, Spooled, spool_part};
pub(super) use target::check_target;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::watch;

use super::caller::Caller;
use super::ids;
use super::multipart::TEXT_TOTAL_MAX;
use super::store::now_ms;
use super::wire::ApiErr;
use super::{AppState, Variant};
use assembly::complete;
use chunks::{chunk, chunk_info, delete_chunk};
use sessions::{algos, cancel, cancel_all, create, details, limits, list_sessions};

/// Largest single-call upload (bytes, inclusive).
pub const SINGLE_CALL_MAX: u64 = 4_194_304;
/// Smallest non-final chunk.
pub const MIN_CHUNK: u64 = 1 << 20;
/// Most chunk requests in flight per session.
pub const MAX_IN_FLIGHT: usize = 3;
/// Session count above which finished single-call sessions are forgotten.
const PRUNE_ABOVE: usize = 20_000;
/// Room for multipart framing and text fields on top of a data part's cap.
const FORM_OVERHEAD: u64 = TEXT_TOTAL_MAX as u64 + (1 << 20);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/upload", post(create).delete(cancel_all))
        .route("/upload/details", get(list_sessions))
        .route("/upload/limits", get(limits))
        .route("/upload/algos", get(algos))
        .route("/upload/{id}", axum::routing::delete(cancel))
        .route("/upload/{id}/details", get(details))
        .route(
            "/upload/{id}/chunk",
            post(chunk).get(chunk_info).delete(delete_chunk),
        )
        .route("/upload/{id}/complete", post(complete))
        .route("/upload/{id}/stream", post(super::stream::stream))
}

/// The persisted part of a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionData {
    pub id: String,
    pub user_id: String,
    pub principal: String,
    pub name: String,
    pub size: u64,
    pub action: String,
    pub instance_id: Option<String>,
    /// Resolved parent folder key (`root` or a node id).
    pub folder_id: String,
    pub profile_type: String,
    pub file_id: Option<String>,
    pub hash: Option<String>,
    pub hash_algo: Option<String>,
    pub status: String,
    pub status_message: Option<String>,
    pub new_file_id: Option<String>,
    /// order → bytes stored.
    pub chunks: BTreeMap<u32, u64>,
    pub single_call: bool,
    pub created: i64,
    pub updated: i64,
    /// A stream session (§3.10): the bytes come in one raw `/stream/` request.
    #[serde(default)]
    pub stream: bool,
    /// Stream sessions: the most bytes accepted.
    #[serde(default)]
    pub max_size: Option<u64>,
}

impl SessionData {
    fn to_json(&self) -> Value {
        let iso = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        json!({
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "action": self.action,
            "instance_id": self.instance_id,
            "folder_id": self.folder_id,
            "profile_type": self.profile_type,
            "hash": self.hash,
            "hash_algo": self.hash_algo,
            "status": self.status,
            "status_message": self.status_message,
            "new_file_id": self.new_file_id,
            "chunks": self.chunks.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "created": iso(self.created),
            "updated": iso(self.updated),
            "stream": self.stream,
            "max_size": self.max_size,
        })
    }

    /// [`SessionData::to_json`] as this server shows it (`stored-without-id`: no `new_file_id`
    /// once stored).
    fn to_json_for(&self, state: &AppState) -> Value {
        let mut v = self.to_json();
        if self.status == "stored"
            && state.has(Variant::StoredWithoutId)
            && let Some(m) = v.as_object_mut()
        {
            m.remove("new_file_id");
        }
        v
    }

    fn is_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "ready" | "uploading" | "assemble" | "assembling" | "store" | "storing"
        )
    }

    fn accepts_chunks(&self) -> bool {
        !self.single_call && !self.stream && matches!(self.status.as_str(), "ready" | "uploading")
    }
}

/// A live session: its data, the chunk requests in flight and a change signal for long-polls.
pub struct Session {
    data: Mutex<SessionData>,
    in_flight: AtomicUsize,
    changed: watch::Sender<u64>,
    /// The file assembled so far from the chunks received (see [`super::assemble`]).
    assembler: super::assemble::Assembler,
}

impl Session {
    pub(super) fn new(data: SessionData) -> Arc<Session> {
        Arc::new(Session {
            data: Mutex::new(data),
            in_flight: AtomicUsize::new(0),
            changed: watch::channel(0).0,
            assembler: Default::default(),
        })
    }

    pub(super) fn get(&self) -> SessionData {
        self.data.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(super) fn update<R>(&self, f: impl FnOnce(&mut SessionData) -> R) -> (R, SessionData) {
        let mut g = self.data.lock().unwrap_or_else(|e| e.into_inner());
        let r = f(&mut g);
        g.updated = now_ms();
        (r, g.clone())
    }
}

/// Every session, by id.
pub struct Uploads {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    loaded: std::sync::Once,
    /// When expired sessions were last swept (ms since the epoch).
    last_sweep: std::sync::atomic::AtomicI64,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            sessions: Mutex::new(HashMap::new()),
            loaded: std::sync::Once::new(),
            last_sweep: std::sync::atomic::AtomicI64::new(0),
        }
    }
}

impl Uploads {
    fn get(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&ids::canonical(id))
            .cloned()
    }

    pub(super) fn insert(&self, s: Arc<Session>) {
        let id = s.get().id;
        let mut m = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(id, s);
        if m.len() > PRUNE_ABOVE {
            // Forget finished single-call sessions older than ten minutes (bounded memory on a
            // long-running emulator; chunked sessions stay until cancelled).
            let cutoff = now_ms() - 600_000;
            m.retain(|_, s| {
                let d = s.get();
                !(d.single_call && d.updated < cutoff)
            });
        }
    }

    fn remove(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    fn all(&self) -> Vec<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }
}

/// The upload table, loading persisted sessions on first use.
pub(super) fn uploads(state: &AppState) -> Arc<Uploads> {
    let u = state.ext::<Uploads>();
    u.loaded.call_once(|| {
        if let Ok(rows) = state.store.sessions_all() {
            for (_, data) in rows {
                if let Ok(mut d) = serde_json::from_str::<SessionData>(&data) {
                    // Work interrupted by a restart is redone from the stored chunks.
                    let resume = matches!(
                        d.status.as_str(),
                        "assemble" | "assembling" | "store" | "storing"
                    );
                    if resume {
                        d.status = "assemble".into();
                    }
                    let s = Session::new(d);
                    u.insert(s.clone());
                    if resume {
                        let st = state.clone();
                        tokio::spawn(async move { finish_session(st, s).await });
                    }
                }
            }
        }
    });
    u
}

/// `(open, total)`: sessions not in a terminal state, and every session still in the table
/// (of this process; persisted ones count once the table was loaded by an upload call).
pub fn session_counts(state: &AppState) -> (usize, usize) {
    let all = state.ext::<Uploads>().all();
    let open = all.iter().filter(|s| s.get().is_open()).count();
    (open, all.len())
}

/// Save a session's state and wake its long-polls.
pub(super) async fn persist(state: &AppState, s: &Session, data: &SessionData) {
    s.changed.send_modify(|v| *v += 1);
    state.activity.bump(format!("upload:{}", data.id));
    let json = serde_json::to_string(data).unwrap_or_default();
    let id = data.id.clone();
    let _ = state
        .db(move |st| st.session_put(&id, &json).map_err(ApiErr::db))
        .await;
}

pub(super) fn session_dir(state: &AppState, id: &str) -> PathBuf {
    state.store.dir().join("uploads").join(id)
}

pub(super) fn owned_session(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Arc<Session>, ApiErr> {
    let gone = || {
        let mut e = ApiErr::not_found("upload session");
        e.code = 10508;
        e
    };
    let s = uploads(state).get(id).ok_or_else(gone)?;
    if s.get().user_id != caller.user_id {
        return Err(gone());
    }
    Ok(s)
}

/// Refuse a new session when `user` already has the configured number open (the service's
/// feature limit).
pub(super) fn check_session_limit(state: &AppState, user: &str) -> Result<(), ApiErr> {
    let open = open_sessions(state, user);
    if open >= state.config.max_sessions as usize {
        return Err(ApiErr::feature_limit(format!(
            "too many open upload sessions (limit {})",
            state.config.max_sessions
        )));
    }
    // The most sessions one user had open at once, this one included.
    state.stats.peak("open_sessions_peak", open as u64 + 1);
    Ok(())
}

pub(super) fn open_sessions(state: &AppState, user: &str) -> usize {
    uploads(state)
        .all()
        .iter()
        .filter(|s| {
            let d = s.get();
            d.user_id == user && d.is_open()
        })
        .count()
}
