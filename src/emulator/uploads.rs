//! Uploads (fastio-api.md §3 except manual placement via addfile): single-call, chunked
//! sessions with asynchronous assembly, session management and limits. The batch endpoint
//! lives in [`super::batch`], stream sessions (§3.10) in [`super::stream`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha384};
use tokio::sync::watch;

use super::caller::Caller;
use super::ids;
use super::multipart::{MultipartReader, TEXT_MAX, TEXT_TOTAL_MAX};
use super::store::now_ms;
use super::wire::{self, ApiErr, ApiResult, Fields, QueryFields};
use super::{AppState, Variant};

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
/// Shortest time in each state after `/complete/` under `queued-states`.
const QUEUED_STATE_DELAY: Duration = Duration::from_millis(50);
/// How long a single-call upload stays `storing` under `async-uploads` (at least).
const ASYNC_STORE_DELAY: Duration = Duration::from_millis(300);

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
        if self.status == "stored" && state.has(Variant::StoredWithoutId) {
            if let Some(m) = v.as_object_mut() {
                m.remove("new_file_id");
            }
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

/// Sessions untouched for this long are dropped with their chunks.
const SESSION_LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// Drop sessions idle for more than 24 h (at most once a minute).
async fn sweep_expired(state: &AppState) {
    let u = uploads(state);
    let now = now_ms();
    let last = u.last_sweep.load(Ordering::Relaxed);
    if now - last < 60_000
        || u.last_sweep
            .compare_exchange(last, now, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let expired: Vec<String> = u
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| now - d.updated > SESSION_LIFETIME_MS)
        .map(|d| d.id)
        .collect();
    for id in expired {
        drop_session(state, &id).await;
    }
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

/// Names: 1–255 chars, no `/` or `\`.
fn check_file_name(field: &str, name: &str) -> Result<(), ApiErr> {
    super::storage::check_name(field, name)
}

/// A digest in progress for one of the verifiable algorithms.
pub enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    /// `None` for algorithms the emulator accepts but cannot verify (md5, sha1); an error for
    /// unknown names.
    pub fn for_algo(algo: &str) -> Result<Option<Hasher>, ApiErr> {
        match algo.to_ascii_lowercase().as_str() {
            "sha256" => Ok(Some(Hasher::Sha256(Sha256::new()))),
            "sha384" => Ok(Some(Hasher::Sha384(Sha384::new()))),
            "md5" | "sha1" => Ok(None),
            _ => Err(ApiErr::invalid(
                "hash_algo",
                "must be md5, sha1, sha256 or sha384",
            )),
        }
    }

    pub fn is_sha256(&self) -> bool {
        matches!(self, Hasher::Sha256(_))
    }

    pub fn update(&mut self, b: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha384(h) => h.update(b),
        }
    }

    pub fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
        }
    }
}

/// Bytes written to a temp file by [`spool_part`].
pub struct Spooled {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: Option<String>,
}

/// Stream the current multipart part to `path` without buffering the whole body: received
/// pieces are gathered (no copy) up to 4 MiB and written, and optionally hashed with SHA-256,
/// on a blocking thread in the same pass. Refuses (413) more than `max` bytes the moment the
/// part passes it.
pub async fn spool_part(
    mp: &mut MultipartReader,
    path: &FsPath,
    max: u64,
    hash: bool,
) -> Result<Spooled, ApiErr> {
    const BATCH: usize = 4 << 20;
    let mut size = 0u64;
    let result: Result<Sink, ApiErr> = async {
        let mut sink: Option<Sink> = None;
        let mut pending: Vec<bytes::Bytes> = Vec::new();
        let mut pending_len = 0usize;
        while let Some(bytes) = mp.chunk().await? {
            size += bytes.len() as u64;
            if size > max {
                return Err(ApiErr::too_large(format!(
                    "part is larger than the {max}-byte limit"
                )));
            }
            pending_len += bytes.len();
            pending.push(bytes);
            if pending_len >= BATCH {
                sink = Some(write_batch(sink, path, hash, std::mem::take(&mut pending)).await?);
                pending_len = 0;
            }
        }
        write_batch(sink, path, hash, pending).await
    }
    .await;
    match result {
        Ok(s) => Ok(Spooled {
            path: path.to_path_buf(),
            size,
            sha256: s.hasher.map(|h| hex::encode(h.finalize())),
        }),
        Err(e) => {
            let p = path.to_path_buf();
            let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(p)).await;
            Err(e)
        }
    }
}

/// An open spool file and its running digest.
struct Sink {
    file: std::fs::File,
    hasher: Option<Sha256>,
}

/// Write (and hash) a batch of received pieces on a blocking thread; creates the file first.
async fn write_batch(
    sink: Option<Sink>,
    path: &FsPath,
    hash: bool,
    bufs: Vec<bytes::Bytes>,
) -> Result<Sink, ApiErr> {
    use std::io::Write as _;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<Sink> {
        let mut sink = match sink {
            Some(s) => s,
            None => Sink {
                file: std::fs::File::create(&path)?,
                hasher: hash.then(Sha256::new),
            },
        };
        for b in &bufs {
            if let Some(h) = sink.hasher.as_mut() {
                h.update(b);
            }
            sink.file.write_all(b)?;
        }
        Ok(sink)
    })
    .await
    .map_err(|_| ApiErr::internal("write task failed"))?
    .map_err(ApiErr::io)
}

/// Hash a file on disk (blocking).
pub(super) fn hash_file(path: &FsPath, mut h: Hasher) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// Where an upload goes: the workspace (if placed), the parent folder key and the existing
/// node it overwrites (same name, or `file_id` with `action=update`).
pub(super) struct Target {
    pub(super) workspace: Option<String>,
    pub(super) parent: String,
    pub(super) existing: Option<String>,
}

/// Common checks of a new upload (name, profile type, workspace) that need no storage access.
async fn target_workspace(
    state: &AppState,
    f: &Fields,
    name: &str,
) -> Result<Option<String>, ApiErr> {
    check_file_name("name", name)?;
    let profile_type = f.get("profile_type").unwrap_or("workspace");
    if profile_type != "workspace" && profile_type != "share" {
        return Err(ApiErr::invalid(
            "profile_type",
            "must be workspace or share",
        ));
    }
    let Some(instance) = f.get("instance_id").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if profile_type == "share" {
        return Err(ApiErr::not_found(
            "share (the emulator has workspaces only)",
        ));
    }
    Ok(Some(state.workspace_for(instance).await?.id))
}

/// The storage half of the target checks (blocking): folder exists, existing node, lock.
fn resolve_target(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    ws: Option<String>,
    name: &str,
) -> Result<Target, ApiErr> {
    let Some(ws) = ws else {
        return Ok(Target {
            workspace: None,
            parent: "root".into(),
            existing: None,
        });
    };
    let s = &state.store;
    let (parent, existing) = if f.get("action") == Some("update") {
        let id = f.req("file_id")?;
        let n = s.node(&ws, id)?.ok_or_else(|| ApiErr::not_found("file"))?;
        if n.is_folder() {
            return Err(ApiErr::invalid("file_id", "is a folder"));
        }
        (n.parent.clone(), Some(n.id))
    } else {
        let parent = s.resolve_folder(&ws, f.get("folder_id").unwrap_or("root"))?;
        let existing = s.child(&ws, &parent, name)?.filter(|n| !n.is_folder());
        (parent, existing.map(|n| n.id))
    };
    if let Some(node) = &existing {
        state.locks.check_write(node, caller, f.get("lock_token"))?;
    }
    // The destination folder and every folder above it must not be locked by someone else.
    if !state.locks.is_empty() {
        let mut cur = parent.clone();
        for _ in 0..256 {
            state.locks.check_write(&cur, caller, f.get("lock_token"))?;
            if cur == "root" {
                break;
            }
            match s.node(&ws, &cur)? {
                Some(n) => cur = n.parent,
                None => break,
            }
        }
    }
    Ok(Target {
        workspace: Some(ws),
        parent,
        existing,
    })
}

/// [`target_workspace`] + [`resolve_target`] for session creation.
pub(super) async fn check_target(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    name: &str,
) -> Result<Target, ApiErr> {
    let ws = target_workspace(state, f, name).await?;
    let (st, c, fields, n) = (state.clone(), caller.clone(), f.clone(), name.to_string());
    state
        .db(move |_| resolve_target(&st, &c, &fields, ws, &n))
        .await
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

/// `POST /upload/`: multipart = single-call upload; form = create a chunked session.
async fn create(State(state): State<AppState>, caller: Caller, req: Request) -> ApiResult {
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    if is_multipart {
        let query = req.uri().query().map(str::to_string);
        let mut mp = MultipartReader::from_request(req, SINGLE_CALL_MAX + FORM_OVERHEAD)?;
        let r = single_call(state, caller, query, &mut mp).await;
        if r.is_err() {
            mp.discard();
        }
        return r;
    }
    let f = Fields::from_request(req, &()).await?;
    sweep_expired(&state).await;
    if f.flag("stream", false)? {
        return super::stream::create(&state, &caller, &f).await;
    }
    let name = f.req("name")?.to_string();
    let size: u64 = f.req_parse("size")?;
    let action = f.get("action").unwrap_or("create").to_string();
    if action != "create" && action != "update" {
        return Err(ApiErr::invalid("action", "must be create or update"));
    }
    if f.get("if_version_id").is_some() {
        return Err(ApiErr::invalid(
            "if_version_id",
            "only valid for File Share write-back",
        ));
    }
    if size > state.config.max_file_size {
        return Err(ApiErr::too_large(format!(
            "size {size} exceeds the {}-byte file size limit",
            state.config.max_file_size
        )));
    }
    let hash_algo = f.get("hash_algo").map(str::to_string);
    let hash = f.get("hash").map(|h| h.to_ascii_lowercase());
    if let Some(a) = &hash_algo {
        Hasher::for_algo(a)?;
    }
    if hash.is_some() != hash_algo.is_some() {
        return Err(ApiErr::invalid("hash", "hash and hash_algo go together"));
    }
    let Target {
        workspace: instance,
        parent,
        existing: target,
    } = check_target(&state, &caller, &f, &name).await?;
    if open_sessions(&state, &caller.user_id) >= state.config.max_sessions as usize {
        return Err(ApiErr::feature_limit(format!(
            "too many open upload sessions (limit {})",
            state.config.max_sessions
        )));
    }
    let now = now_ms();
    let data = SessionData {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        principal: caller.principal.clone(),
        name,
        size,
        action,
        instance_id: instance,
        folder_id: parent,
        profile_type: f.get("profile_type").unwrap_or("workspace").to_string(),
        file_id: target,
        hash,
        hash_algo,
        status: "ready".into(),
        status_message: None,
        new_file_id: None,
        chunks: BTreeMap::new(),
        single_call: false,
        created: now,
        updated: now,
        stream: false,
        max_size: None,
    };
    tokio::fs::create_dir_all(session_dir(&state, &data.id)).await?;
    let s = Session::new(data.clone());
    uploads(&state).insert(s.clone());
    persist(&state, &s, &data).await;
    wire::ok_flat(json!({"id": data.id}))
}

/// Single-call upload: text fields, then the `chunk` part with the bytes.
async fn single_call(
    state: AppState,
    caller: Caller,
    query: Option<String>,
    mp: &mut MultipartReader,
) -> ApiResult {
    let tmp = state.store.tmp_path();
    let (mut fields, spooled) = read_upload_form(mp, &tmp, SINGLE_CALL_MAX, true).await?;
    if let Some(q) = query {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            fields.entry(k.into_owned()).or_insert(v.into_owned());
        }
    }
    let f = Fields(fields);
    let outcome = single_call_store(&state, &caller, &f, spooled.as_ref()).await;
    if outcome.is_err() {
        // On success the temp file was renamed into the blob store.
        remove_quietly(&tmp);
    }
    outcome
}

/// Read an upload's multipart body: text parts into a map (each at most [`TEXT_MAX`] bytes),
/// and the one data part (`chunk`, or `file`) spooled to `tmp` (at most `max` bytes, hashed
/// when `hash`). On error `tmp` is gone.
async fn read_upload_form(
    mp: &mut MultipartReader,
    tmp: &FsPath,
    max: u64,
    hash: bool,
) -> Result<(HashMap<String, String>, Option<Spooled>), ApiErr> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut spooled: Option<Spooled> = None;
    let result: Result<(), ApiErr> = async {
        while let Some(part) = mp.next_part().await? {
            if part.name == "chunk" || part.name == "file" {
                if spooled.is_some() {
                    return Err(ApiErr::invalid("chunk", "sent more than once"));
                }
                spooled = Some(spool_part(mp, tmp, max, hash).await?);
            } else {
                let v = mp.text(&part.name, TEXT_MAX).await?;
                fields.insert(part.name, v);
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok((fields, spooled)),
        Err(e) => {
            remove_quietly(tmp);
            Err(e)
        }
    }
}

/// Remove a temporary file that may not exist.
fn remove_quietly(p: &FsPath) {
    let _ = std::fs::remove_file(p);
}

async fn single_call_store(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    spooled: Option<&Spooled>,
) -> ApiResult {
    let Some(sp) = spooled else {
        return Err(ApiErr::missing("chunk"));
    };
    let name = f.req("name")?.to_string();
    if let Some(declared) = f.parse::<u64>("size")? {
        if declared > SINGLE_CALL_MAX {
            return Err(ApiErr::too_large(format!(
                "single-call uploads are limited to {SINGLE_CALL_MAX} bytes; use a chunked session"
            )));
        }
        if declared != sp.size {
            return Err(ApiErr::invalid(
                "size",
                &format!("is {declared} but {} bytes were sent", sp.size),
            ));
        }
    }
    let action = f.get("action").unwrap_or("create");
    if action != "create" && action != "update" {
        return Err(ApiErr::invalid("action", "must be create or update"));
    }
    let sha = sp.sha256.clone().unwrap_or_default();
    if let (Some(h), Some(a)) = (f.get("hash"), f.get("hash_algo")) {
        if let Some(hasher) = Hasher::for_algo(a)? {
            let got = match hasher {
                Hasher::Sha256(_) => sha.clone(),
                other => {
                    let p = sp.path.clone();
                    tokio::task::spawn_blocking(move || hash_file(&p, other))
                        .await
                        .map_err(|_| ApiErr::internal("hash task failed"))??
                }
            };
            if !got.eq_ignore_ascii_case(h) {
                return Err(ApiErr::invalid("hash", "does not match the uploaded bytes"));
            }
        }
    }
    let instance = target_workspace(state, f, &name).await?;
    let async_store = state.has(Variant::AsyncUploads);
    let md5 = state.has(Variant::Md5Hashes);
    let now = now_ms();
    let mut data = SessionData {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        principal: caller.principal.clone(),
        name: name.clone(),
        size: sp.size,
        action: action.to_string(),
        instance_id: instance.clone(),
        folder_id: "root".into(),
        profile_type: f.get("profile_type").unwrap_or("workspace").to_string(),
        file_id: None,
        hash: Some(sha.clone()),
        hash_algo: Some(if md5 { "md5" } else { "sha256" }.into()),
        status: "complete".into(),
        status_message: None,
        new_file_id: None,
        chunks: BTreeMap::from([(1, sp.size)]),
        single_call: true,
        created: now,
        updated: now,
        stream: false,
        max_size: None,
    };
    // One blocking hop: target checks, blob renamed into place, node committed (under
    // `async-uploads` the commit follows later, see below).
    let (st, c, fields) = (state.clone(), caller.clone(), f.clone());
    let path = sp.path.clone();
    let size = sp.size;
    let (target, node, pending, md5_hex) = state
        .db(move |s| {
            let t = resolve_target(&st, &c, &fields, instance, &name)?;
            let md5_hex = if md5 {
                Some(super::hashes::md5_file(&path)?)
            } else {
                None
            };
            let Some(ws) = t.workspace.clone() else {
                return Ok((t, None, None, md5_hex));
            };
            let blob = s.adopt_blob(&path, size, sha)?;
            let update = fields.get("action") == Some("update");
            let commit = Commit {
                ws,
                parent: t.parent.clone(),
                existing: t.existing.clone(),
                update,
                name,
                blob,
            };
            if async_store {
                return Ok((t, None, Some(commit), md5_hex));
            }
            let node = commit.run(&st, s)?;
            Ok((t, Some(node), None, md5_hex))
        })
        .await?;
    data.folder_id = target.parent;
    data.file_id = target.existing;
    if let Some(m) = md5_hex {
        data.hash = Some(m);
    }
    if let Some(node) = node {
        data.status = "stored".into();
        data.new_file_id = Some(node.id);
    }
    if pending.is_some() {
        data.status = "storing".into();
    }
    // Single-call sessions are kept in memory only (they are already finished).
    let s = Session::new(data.clone());
    uploads(state).insert(s.clone());
    s.changed.send_modify(|v| *v += 1);
    state.activity.bump(format!("upload:{}", data.id));
    if let Some(commit) = pending {
        let (st, s2) = (state.clone(), s.clone());
        tokio::spawn(async move {
            tokio::time::sleep(st.config.assembly_delay.max(ASYNC_STORE_DELAY)).await;
            let st2 = st.clone();
            let r = st.db(move |store| commit.run(&st2, store)).await;
            s2.update(|d| match r {
                Ok(node) => {
                    d.status = "stored".into();
                    d.new_file_id = Some(node.id);
                }
                Err(e) => {
                    d.status = "store_failed".into();
                    d.status_message = Some(e.text);
                }
            });
            s2.changed.send_modify(|v| *v += 1);
            st.activity.bump(format!("upload:{}", s2.get().id));
        });
    }
    let mut out = json!({"id": data.id});
    if let Some(n) = data
        .new_file_id
        .as_ref()
        .filter(|_| !state.has(Variant::OmitNewFileIds))
    {
        out["new_file_id"] = json!(n);
    }
    wire::ok_flat(out)
}

/// Linking an uploaded blob as a file (single-call uploads).
struct Commit {
    ws: String,
    parent: String,
    existing: Option<String>,
    /// `action=update`: the node keeps its own name.
    update: bool,
    name: String,
    blob: super::store::Blob,
}

impl Commit {
    /// Commit the file and announce it (blocking).
    fn run(self, state: &AppState, s: &super::store::Store) -> Result<super::store::Node, ApiErr> {
        let node = match &self.existing {
            Some(id) if self.update => {
                let n = s
                    .node(&self.ws, id)?
                    .ok_or_else(|| ApiErr::not_found("file"))?;
                s.commit_file(&self.ws, &n.parent, &n.name, &self.blob)?
            }
            _ => s.commit_file(&self.ws, &self.parent, &self.name, &self.blob)?,
        };
        state.file_stored(&self.ws, &node);
        Ok(node)
    }
}

/// Decrements the in-flight count when a chunk request ends (however it ends).
struct InFlight(Arc<Session>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `POST /upload/{id}/chunk/?order=N&size=B`, multipart with the `chunk` part.
async fn chunk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    QueryFields(q): QueryFields,
    req: Request,
) -> ApiResult {
    // The body must be multipart whatever the session (checked first, as an extractor would).
    let mp = MultipartReader::from_request(req, state.config.chunk_size + FORM_OVERHEAD)?;
    let s = owned_session(&state, &caller, &id)?;
    let sid = s.get().id;
    let n = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _guard = InFlight(s.clone());
    if n > MAX_IN_FLIGHT {
        state.stats.fault("chunk_in_flight_refused");
        mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
        return Err(state.calm(
            &format!("at most {MAX_IN_FLIGHT} chunk uploads may be in flight per session"),
            MAX_IN_FLIGHT as u64,
        ));
    }
    state.stats.in_flight(&sid, n as u64);
    {
        let d = s.get();
        if d.stream {
            mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
            return Err(super::stream::mixed("chunk"));
        }
        if !d.accepts_chunks() {
            mp.drain(state.config.chunk_size + FORM_OVERHEAD).await;
            return Err(ApiErr::not_acceptable(
                1605,
                format!(
                    "upload session is not in a valid state for chunks ({})",
                    d.status
                ),
            ));
        }
    }
    let dir = session_dir(&state, &sid);
    let tmp = dir.join(format!("tmp-{}", ids::random_alnum(12)));
    let mut mp = mp;
    let (form, spooled) =
        // Hashed with SHA-256 as it is spooled: the chunk's `hash` is checked without a re-read.
        match read_upload_form(&mut mp, &tmp, state.config.chunk_size, true).await {
            Ok(r) => r,
            Err(e) => {
                mp.discard();
                return Err(e);
            }
        };
    // Where clients put each field (visible in the stats: `chunk_<field>_in_<place>`).
    for key in ["order", "size", "hash"] {
        let place = match (q.0.contains_key(key), form.contains_key(key)) {
            (true, _) => "query",
            (false, true) => "body",
            (false, false) => continue,
        };
        state.stats.bump(&format!("chunk_{key}_in_{place}"));
    }
    // The query wins over form fields.
    let mut merged = form;
    for (k, v) in q.0 {
        merged.insert(k, v);
    }
    let f = Fields(merged);
    match accept_chunk(&state, &s, &f, spooled).await {
        Ok(v) => wire::ok(v),
        Err(e) => {
            remove_quietly(&tmp);
            Err(e)
        }
    }
}

async fn accept_chunk(
    state: &AppState,
    s: &Arc<Session>,
    f: &Fields,
    spooled: Option<Spooled>,
) -> Result<Value, ApiErr> {
    let sp = spooled.ok_or_else(|| ApiErr::missing("chunk"))?;
    let order: u32 = f.req_parse("order")?;
    if order == 0 || order > state.config.max_chunks {
        return Err(ApiErr::invalid(
            "order",
            &format!("must be between 1 and {}", state.config.max_chunks),
        ));
    }
    if let Some(size) = f.parse::<u64>("size")? {
        if size != sp.size {
            return Err(ApiErr::invalid(
                "size",
                &format!("is {size} but {} bytes were received", sp.size),
            ));
        }
    }
    if sp.size == 0 {
        return Err(ApiErr::invalid("chunk", "is empty"));
    }
    if let Some(h) = f.get("hash").filter(|h| !h.is_empty()) {
        let algo = f.get("hash_algo").unwrap_or("sha256");
        if let Some(hasher) = Hasher::for_algo(algo)? {
            let p = sp.path.clone();
            let got = match &sp.sha256 {
                Some(sha) if algo.eq_ignore_ascii_case("sha256") => sha.clone(),
                _ => tokio::task::spawn_blocking(move || hash_file(&p, hasher))
                    .await
                    .map_err(|_| ApiErr::internal("hash task failed"))??,
            };
            if !got.eq_ignore_ascii_case(h) {
                return Err(ApiErr::invalid(
                    "hash",
                    "does not match the chunk's bytes; chunk not stored",
                ));
            }
        }
    }
    let d = s.get();
    if !d.accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            format!(
                "upload session is not in a valid state for chunks ({})",
                d.status
            ),
        ));
    }
    if state.has(Variant::ExactChunks) {
        check_exact_chunk(state.config.chunk_size, d.size, order, sp.size)?;
    }
    let others: u64 = d
        .chunks
        .iter()
        .filter(|(o, _)| **o != order)
        .map(|(_, b)| *b)
        .sum();
    if others + sp.size > d.size {
        return Err(ApiErr::invalid(
            "chunk",
            &format!(
                "chunks would total {} bytes, more than the session size {}",
                others + sp.size,
                d.size
            ),
        ));
    }
    if sp.size < MIN_CHUNK {
        // Only the final chunk may be smaller than 1 MiB.
        if d.chunks.keys().any(|o| *o > order) {
            return Err(ApiErr::invalid(
                "chunk",
                "every chunk but the last must be at least 1 MiB",
            ));
        }
        if d.chunks.iter().any(|(o, b)| *o != order && *b < MIN_CHUNK) {
            return Err(ApiErr::invalid(
                "chunk",
                "only one chunk (the last) may be smaller than 1 MiB",
            ));
        }
    } else if d.chunks.iter().any(|(o, b)| *o < order && *b < MIN_CHUNK) {
        return Err(ApiErr::invalid(
            "order",
            "a chunk smaller than 1 MiB was already stored at a lower order",
        ));
    }
    let dir = session_dir(state, &d.id);
    let dest = dir.join(order.to_string());
    let src = sp.path.clone();
    tokio::task::spawn_blocking(move || std::fs::rename(&src, &dest))
        .await
        .map_err(|_| ApiErr::internal("rename task failed"))??;
    let ((), data) = s.update(|d| {
        d.chunks.insert(order, sp.size);
        d.status = "uploading".into();
    });
    // Extend the assembled prefix off the answer's path.
    let (s2, orders) = (s.clone(), data.chunks.keys().copied().collect::<Vec<_>>());
    tokio::task::spawn_blocking(move || s2.assembler.extend(&dir, &orders));
    state.stats.chunk(&data.id, order, sp.size);
    persist(state, s, &data).await;
    Ok(json!({"order": order, "size": sp.size}))
}

/// `exact-chunks`: with `n = ceil(size / chunk_size)` chunks, orders below `n` carry exactly
/// `chunk_size` bytes and order `n` the rest.
fn check_exact_chunk(chunk_size: u64, total: u64, order: u32, got: u64) -> Result<(), ApiErr> {
    let n = total.div_ceil(chunk_size).max(1);
    let order = order as u64;
    if order > n {
        return Err(ApiErr::invalid(
            "order",
            &format!("the session has {n} chunks of {chunk_size} bytes (the last one shorter)"),
        ));
    }
    let want = if order < n {
        chunk_size
    } else {
        total - (n - 1) * chunk_size
    };
    if got != want {
        return Err(ApiErr::invalid(
            "size",
            &format!(
                "chunk {order} must be exactly {want} bytes: every chunk but the last is chunk_size ({chunk_size}), got {got}"
            ),
        ));
    }
    Ok(())
}

async fn chunk_info(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    wire::ok(json!({
        "chunks": d.to_json()["chunks"],
        "session": d.to_json_for(&state),
    }))
}

async fn delete_chunk(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    f: Fields,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let order: u32 = f.req_parse("order")?;
    if !s.get().accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            "upload session is not in a valid state",
        ));
    }
    let (had, data) = s.update(|d| d.chunks.remove(&order).is_some());
    if !had {
        return Err(ApiErr::not_found("chunk"));
    }
    let _ = tokio::fs::remove_file(session_dir(&state, &data.id).join(order.to_string())).await;
    persist(&state, &s, &data).await;
    wire::ok(json!({"chunks": data.to_json()["chunks"]}))
}

/// `POST /upload/{id}/complete/`: verify, then assemble and store asynchronously.
async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    if d.stream {
        return Err(super::stream::mixed("complete"));
    }
    if !d.accepts_chunks() {
        return Err(ApiErr::not_acceptable(
            1605,
            format!("upload session is not in a valid state ({})", d.status),
        ));
    }
    let total: u64 = d.chunks.values().sum();
    let n = d.chunks.len() as u32;
    let contiguous = d.chunks.keys().copied().eq(1..=n);
    if total != d.size || !contiguous {
        let msg = if contiguous {
            format!("chunks ({total}) do not match size ({})", d.size)
        } else {
            let missing: Vec<String> = (1..=d.chunks.keys().max().copied().unwrap_or(0))
                .filter(|o| !d.chunks.contains_key(o))
                .map(|o| o.to_string())
                .collect();
            format!(
                "chunks ({total}) do not match size ({}); missing chunk numbers: {}",
                d.size,
                missing.join(",")
            )
        };
        let (_, data) = s.update(|d| {
            d.status = "assembly_failed".into();
            d.status_message = Some(msg.clone());
        });
        persist(&state, &s, &data).await;
        let _ = tokio::fs::remove_dir_all(session_dir(&state, &data.id)).await;
        return Err(ApiErr::not_acceptable(10522, msg));
    }
    let (_, data) = s.update(|d| d.status = "assemble".into());
    persist(&state, &s, &data).await;
    let st = state.clone();
    tokio::spawn(async move { finish_session(st, s).await });
    wire::ok(json!({"id": data.id, "status": "assemble"}))
}

async fn set_status(state: &AppState, s: &Session, status: &str) -> bool {
    // A cancelled session is no longer in the table: stop working on it.
    let id = s.get().id;
    if uploads(state).get(&id).is_none() {
        return false;
    }
    let (_, data) = s.update(|d| d.status = status.into());
    persist(state, s, &data).await;
    true
}

async fn fail(state: &AppState, s: &Session, status: &str, msg: String) {
    let (_, data) = s.update(|d| {
        d.status = status.into();
        d.status_message = Some(msg);
    });
    persist(state, s, &data).await;
}

/// assemble → assembling → complete → store → storing → stored (`queued-states`: at least
/// [`QUEUED_STATE_DELAY`] in each).
pub(super) async fn finish_session(state: AppState, s: Arc<Session>) {
    let delay = if state.has(Variant::QueuedStates) {
        state.config.assembly_delay.max(QUEUED_STATE_DELAY)
    } else {
        state.config.assembly_delay
    };
    let pause = || async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    };
    pause().await;
    if !set_status(&state, &s, "assembling").await {
        return;
    }
    let d = s.get();
    let dir = session_dir(&state, &d.id);
    let tmp = state.store.tmp_path();
    let orders: Vec<u32> = d.chunks.keys().copied().collect();
    let algo_check = match (&d.hash, &d.hash_algo) {
        (Some(h), Some(a)) => Hasher::for_algo(a)
            .ok()
            .flatten()
            .map(|hasher| (h.clone(), hasher)),
        _ => None,
    };
    let t2 = tmp.clone();
    let s2 = s.clone();
    let assembled =
        tokio::task::spawn_blocking(move || -> std::io::Result<(u64, String, Option<bool>)> {
            use std::io::{Read as _, Write as _};
            // Most of the file was assembled while its chunks arrived: finish that.
            let sha256_check = matches!(&algo_check, Some((_, h)) if h.is_sha256());
            if algo_check.is_none() || sha256_check {
                if let Some(r) = s2.assembler.finish(&dir, &orders, &t2) {
                    let (size, sha) = r?;
                    let ok = algo_check.map(|(want, _)| sha.eq_ignore_ascii_case(&want));
                    return Ok((size, sha, ok));
                }
            }
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&t2)?);
            let mut sha = Sha256::new();
            let mut other = algo_check;
            let mut size = 0u64;
            let mut buf = vec![0u8; 1 << 20];
            for o in orders {
                let mut f = std::fs::File::open(dir.join(o.to_string()))?;
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    sha.update(&buf[..n]);
                    if let Some((_, h)) = other.as_mut() {
                        h.update(&buf[..n]);
                    }
                    out.write_all(&buf[..n])?;
                    size += n as u64;
                }
            }
            out.flush()?;
            let ok = other.map(|(want, h)| h.finish().eq_ignore_ascii_case(&want));
            Ok((size, hex::encode(sha.finalize()), ok))
        })
        .await;
    let (size, sha) = match assembled {
        Ok(Ok((size, sha, ok))) => {
            if ok == Some(false) {
                let _ = std::fs::remove_file(&tmp);
                fail(
                    &state,
                    &s,
                    "assembly_failed",
                    "hash mismatch: the assembled file does not match the session hash".into(),
                )
                .await;
                return;
            }
            (size, sha)
        }
        Ok(Err(e)) => {
            let _ = std::fs::remove_file(&tmp);
            fail(
                &state,
                &s,
                "assembly_failed",
                format!("assembly failed: {e}"),
            )
            .await;
            return;
        }
        Err(_) => {
            let _ = std::fs::remove_file(&tmp);
            fail(&state, &s, "assembly_failed", "assembly task failed".into()).await;
            return;
        }
    };
    // Injected failure (--fail-assembly-rate): half in assembly, half in storage.
    let injected = state.config.assembly_fail_rate > 0.0 && {
        use rand::Rng as _;
        let mut rng = state.rng.lock().unwrap_or_else(|e| e.into_inner());
        rng.random::<f64>() < state.config.assembly_fail_rate
    };
    let fail_in_store = injected && {
        use rand::Rng as _;
        state
            .rng
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .random::<bool>()
    };
    if injected && !fail_in_store {
        let _ = std::fs::remove_file(&tmp);
        state.stats.fault("assembly_failed");
        fail(
            &state,
            &s,
            "assembly_failed",
            "injected assembly failure".into(),
        )
        .await;
        return;
    }
    pause().await;
    if !set_status(&state, &s, "complete").await {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    let Some(ws) = d.instance_id.clone() else {
        // No target: rests at `complete` (manual placement is not emulated).
        let _ = std::fs::remove_file(&tmp);
        return;
    };
    pause().await;
    for st in ["store", "storing"] {
        if !set_status(&state, &s, st).await {
            let _ = std::fs::remove_file(&tmp);
            return;
        }
        pause().await;
    }
    if fail_in_store {
        let _ = std::fs::remove_file(&tmp);
        state.stats.fault("store_failed");
        fail(
            &state,
            &s,
            "store_failed",
            "injected storage failure".into(),
        )
        .await;
        return;
    }
    let st2 = state.clone();
    let d2 = d.clone();
    let t3 = tmp.clone();
    let stored = state
        .db(move |store| {
            let blob = store.adopt_blob(&t3, size, sha)?;
            let node = match &d2.file_id {
                Some(id) => {
                    let n = store
                        .node(&ws, id)?
                        .ok_or_else(|| ApiErr::not_found("file"))?;
                    store.commit_file(&ws, &n.parent, &n.name, &blob)?
                }
                None => {
                    // The folder may have gone; fall back to the error.
                    store.commit_file(&ws, &d2.folder_id, &d2.name, &blob)?
                }
            };
            st2.file_stored(&ws, &node);
            Ok(node)
        })
        .await;
    match stored {
        Ok(node) => {
            let (_, data) = s.update(|d| {
                d.status = "stored".into();
                d.new_file_id = Some(node.id.clone());
            });
            persist(&state, &s, &data).await;
            let _ = tokio::fs::remove_dir_all(session_dir(&state, &data.id)).await;
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            fail(&state, &s, "store_failed", e.text).await;
        }
    }
}

/// `GET /upload/{id}/details/?wait=SECS`.
async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    f: Fields,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let mut wait = f.parse::<f64>("wait")?.unwrap_or(0.0);
    if state.has(Variant::WaitMs) {
        wait /= 1000.0;
    }
    let wait = wait.clamp(0.0, 590.0);
    if wait > 0.0 {
        let d = s.get();
        let terminal = matches!(
            d.status.as_str(),
            "stored" | "assembly_failed" | "store_failed"
        ) || (d.status == "complete" && d.instance_id.is_none());
        if !terminal {
            let mut rx = s.changed.subscribe();
            rx.borrow_and_update();
            let _ = tokio::time::timeout(Duration::from_secs_f64(wait), rx.changed()).await;
        }
    }
    wire::ok(json!({"session": s.get().to_json_for(&state)}))
}

async fn list_sessions(State(state): State<AppState>, caller: Caller) -> ApiResult {
    sweep_expired(&state).await;
    let mut list: Vec<SessionData> = uploads(&state)
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| d.user_id == caller.user_id)
        .collect();
    list.sort_by_key(|d| d.created);
    let items: Vec<Value> = list.iter().map(|d| d.to_json_for(&state)).collect();
    wire::ok(json!({"results": items.len(), "sessions": items}))
}

async fn drop_session(state: &AppState, id: &str) {
    if let Some(s) = uploads(state).remove(id) {
        s.changed.send_modify(|v| *v += 1);
    }
    // The chunks' bytes are freed after the answer (freeing a large session's files takes a
    // while, and nobody waits for it on a real server either).
    let dir = session_dir(state, id);
    tokio::spawn(async move {
        let _ = tokio::fs::remove_dir_all(dir).await;
    });
    let id = id.to_string();
    let _ = state
        .db(move |st| st.session_delete(&id).map_err(ApiErr::db))
        .await;
}

async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let s = owned_session(&state, &caller, &id)?;
    let d = s.get();
    drop_session(&state, &d.id).await;
    state.activity.bump(format!("upload:{}", d.id));
    wire::ok(json!({"id": d.id}))
}

async fn cancel_all(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let mine: Vec<String> = uploads(&state)
        .all()
        .iter()
        .map(|s| s.get())
        .filter(|d| d.user_id == caller.user_id)
        .map(|d| d.id)
        .collect();
    for id in &mine {
        drop_session(&state, id).await;
    }
    wire::ok(json!({"cancelled": mine.len()}))
}

async fn limits(State(state): State<AppState>, _c: Caller) -> ApiResult {
    let c = &state.config;
    wire::ok(json!({
        "chunk_size": c.chunk_size,
        "size": c.max_file_size,
        "chunks": c.max_chunks,
        "sessions": c.max_sessions,
        "sessions_size_max": c.max_file_size.saturating_mul(c.max_sessions as u64),
        "single_call_max": SINGLE_CALL_MAX,
        "min_chunk_size": MIN_CHUNK,
        "max_chunks_in_flight": MAX_IN_FLIGHT,
    }))
}

async fn algos(_c: Caller) -> ApiResult {
    wire::ok(json!({"algos": ["md5", "sha1", "sha256", "sha384"]}))
}
