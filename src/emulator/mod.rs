//! The local Fast.io-compatible server (`fastio emulator`, `--emulator`, and tests).
//!
//! # EMULATOR API for other engineers
//!
//! **Adding routes.** Your module (`oauth.rs`, `locks.rs`, `web_upload.rs`, `ai.rs`) exposes
//! `pub fn routes() -> Router<AppState>`; it is merged under `/current`. Register paths WITHOUT
//! the `/current` prefix and WITHOUT a trailing slash (`"/workspace/{id}/storage/{node}/lock"`):
//! a layer strips one trailing slash before routing, so both spellings reach you. Unknown routes
//! answer 404/9992, wrong methods 405/1651, panics and framework rejections become envelopes.
//!
//! **Handlers** return [`wire::ApiResult`] = `Result<Response, ApiErr>`:
//! * `wire::ok(json!({...}))` → `{"result":"yes","response":{...}}` (canonical for most calls);
//!   `wire::ok_flat(json!({...}))` → `{"result":true, ...}` (uploads, batch, flat follow-ups).
//!   Raw bodies (OAuth token JSON, SSE) are fine too: return any `Response`.
//! * errors: `ApiErr::invalid("field", "why")` / `ApiErr::missing("field")` (406 + `params[]`;
//!   turned into 400 by `--validation-400`), `ApiErr::not_found("node")` (404/1609),
//!   `ApiErr::unauthorized` (401/1650), `ApiErr::locked` (423/1677), `ApiErr::conflict`
//!   (409/1660), `ApiErr::new(status, code, text)` for anything else.
//! * `wire::Fields` extractor: query string + urlencoded (or JSON) body merged, with
//!   `req("name")`, `get`, `parse::<T>`, `req_parse::<T>`, `flag("x", default)` producing 406s.
//!   Works for DELETE bodies (lock release). `wire::QueryFields` reads the query only.
//!
//! **State** (`State(state): State<AppState>`; `AppState` derefs to [`Inner`]):
//! * `state.config` — the [`EmulatorConfig`] (`token_ttl`, `answer_delay`, `intelligence`,
//!   `allow_private_urls`, limits …).
//! * `state.has(Variant::X)` — is a server behaviour variant on ([`variants::Variant`];
//!   `--variant NAME`)? Check it where the behaviour is decided; body-shaping variants
//!   (`flip-envelopes`, `response`, `yes-no`, `string-has-more`, `validation-400`) are applied by
//!   the response middleware, so handlers keep emitting the canonical shape. Fault routes
//!   (`config.fault_routes`, [`variants::FaultRoute`]) are answered by the request middleware
//!   before any handler runs.
//! * Multipart bodies: `multipart::MultipartReader::from_request(req, max_body)` streams parts
//!   with bounded memory (`next_part`, `chunk`, `text(name, cap)`; `uploads::spool_part` writes
//!   a part to a temp file); after an error call `discard()` so the 413 goes out at once. Do not
//!   use axum's `Multipart` (its text fields and malformed bodies are buffered whole).
//! * Node JSON: `hashes::node_json(&state, &node, detail, lock)` instead of `node.to_json(..)`
//!   where a file's `hash` may show (`md5-hashes` reports md5 there).
//! * `state.db(move |store| { ... }).await` runs a [`store::Store`] call on a blocking thread:
//!   `workspace(id_or_name)`, `node(ws, id)`, `node_any(id)`, `resolve_folder(ws, "root"|id)`,
//!   `child(ws, parent, name)`, `children(..)`, `files(ws)`, `create_folder(ws, parent, name,
//!   force)`, `ensure_path(ws, parent, "a/b/")`, `write_blob(&bytes)` + `commit_file(ws, parent,
//!   name, &blob)` (then call `state.file_stored(..)`), `blob_path(&node.blob)`.
//!   Or use `state.store_bytes(ws, parent, name, bytes).await` which does all of it. For
//!   large content (URL imports) stream into `state.store.tmp_path()`, then in `state.db`:
//!   `adopt_blob(&tmp, size, sha256_hex)` → `commit_file(..)` → `state.file_stored(ws, &node)`.
//!   Check `state.locks.check_write(&existing_node_id, &caller, None)?` before overwriting.
//! * `state.workspace_for(&caller_or_path_id).await` → the [`store::Workspace`] or 404 (rows
//!   are cached in the store; `set_intelligence` keeps the cache current).
//! * `state.tokens` — [`caller::TokenTable`]: `insert(token, TokenInfo { user_id, kind:
//!   TokenKind::OAuth, expires_at: Some(t), scope })`, `remove`, `lookup`.
//!   `state.default_user_id` is the user of the first configured API key.
//! * `state.locks` — [`lock_table::LockTable`]: `acquire(node, &caller, secs, client_info)`,
//!   `get(node)`, `heartbeat(node, token, secs)`, `release(node, token)`, and
//!   `check_write(node, &caller, lock_token)` which uploads call before overwriting a node.
//! * `state.activity.bump("ai_chat:{id}")` — wakes `GET /activity/poll/{id}/` long-polls.
//! * `state.stats.bump("oauth_refreshes")` — named counters in `GET /__emulator/stats`.
//! * `state.ext::<T>()` — per-emulator singleton of your own type (`T: Default + Send + Sync`),
//!   e.g. your chat table or pending OAuth requests.
//! * File-stored hook: `ai::on_file_stored(&state, &StoredFile)` is called after every stored
//!   file (on a blocking thread); `state.subscribe_stored()` gives a broadcast receiver as well.
//!
//! **Authentication**: add a `caller: Caller` argument to require a valid bearer token
//! (API key or token from the table); it yields `caller.user_id` and `caller.principal` (a
//! digest identifying the credential; lock ownership is per principal).
//!
//! **Library entry point**: [`start`]`(EmulatorConfig::default())` runs a server on an
//! ephemeral loopback port on its own thread and returns a [`RunningEmulator`] (`base_url`,
//! `api_key`, `workspace_id`, `stats()`, `shutdown()`; dropping it stops the server and deletes
//! a temporary data dir).
//!
//! **Layout.** This file holds the router and server start-up ([`start`], [`RunningEmulator`]);
//! the options are in `config.rs` ([`EmulatorConfig`]), the shared state in `state.rs`
//! ([`AppState`], [`Inner`]). Large areas are directories whose parent file owns the shared
//! types: `uploads/` (sessions, single-call, chunks, assembly, spooling, targets), `store/`
//! (rows, blobs, key/value, workspaces, nodes, tree writes), `ai/` (indexing, chats, answers,
//! messages, ranking).

pub mod activity;
pub mod ai;
pub mod caller;
pub mod ids;
pub mod in_process;
pub mod lock_table;
pub mod locks;
mod middleware;
mod net;
pub mod oauth;
pub mod shares;
pub mod stats;
pub mod store;
pub mod web_upload;
pub mod wire;

mod account;
mod assemble;
mod batch;
mod config;
mod hashes;
mod multipart;
mod state;
mod storage;
mod stream;
pub mod uploads;
pub mod variants;

pub use config::{EmulatorConfig, default_data_dir};
pub use state::{AppState, Inner, StoredFile};
pub use variants::{FaultRoute, Variant};

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::Request;
use axum::routing::get;
use rand::SeedableRng as _;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use caller::{TokenInfo, TokenKind, TokenTable};
use store::{Store, Workspace};

/// The whole application router (state not yet attached).
fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .merge(account::routes())
        .merge(storage::routes())
        .merge(uploads::routes())
        .merge(batch::routes())
        .merge(activity::routes())
        .merge(oauth::routes())
        .merge(locks::routes())
        .merge(web_upload::routes())
        .merge(shares::routes())
        .merge(ai::routes());
    Router::new()
        .nest("/current", api)
        .merge(oauth::page_routes())
        .route("/__emulator/stats", get(stats_handler))
        .fallback(wire::no_route)
        .method_not_allowed_fallback(wire::wrong_method)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::gate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::count,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::finish,
        ))
}

async fn stats_handler(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<Value> {
    axum::Json(state.stats_snapshot())
}

/// Strip one trailing slash so every route matches with or without it.
fn normalize(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let pq = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_string(),
        };
        if let Ok(pq) = pq.parse::<axum::http::uri::PathAndQuery>() {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}

/// A temporary data directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running emulator: where it listens and how to authenticate against it.
pub struct RunningEmulator {
    /// API root, e.g. `http://127.0.0.1:PORT/current`.
    pub base_url: String,
    /// The first accepted API key.
    pub api_key: String,
    /// Numeric id of the first workspace.
    pub workspace_id: String,
    /// The bound address.
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `(id, folder_name)` of every configured workspace, in order.
    pub workspaces: Vec<(String, String)>,
    /// `(id, name)` of every configured share, in order.
    pub shares: Vec<(String, String)>,
    state: AppState,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _temp: Option<TempDir>,
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The counters served at `/__emulator/stats`.
    pub fn stats(&self) -> Value {
        self.state.stats_snapshot()
    }

    /// Server state (token table, lock table, store …) for in-process tests.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// `http://127.0.0.1:PORT` (no `/current`).
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop serving (waits up to 1 s for requests in flight) and wait for the server thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Start an emulator on its own thread and runtime. Returns once it accepts connections.
pub fn start(config: EmulatorConfig) -> anyhow::Result<RunningEmulator> {
    let mut config = config;
    config.normalize_variants();
    if config.api_keys.is_empty() {
        config
            .api_keys
            .push(format!("fio_emu_{}", ids::random_alnum(32)));
    }
    if config.workspaces.is_empty() {
        config.workspaces.push("default".into());
    }
    let (data_dir, temp) = match &config.data_dir {
        Some(d) => (d.clone(), None),
        None => {
            let d = std::env::temp_dir().join(format!("fastio-emu-{}", ids::random_alnum(12)));
            (d.clone(), Some(TempDir(d)))
        }
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating data dir {}", data_dir.display()))?;
    let store = Store::open(&data_dir)?;
    let org = store.ensure_org().context("initialising the org")?;
    let mut workspaces = Vec::new();
    for name in &config.workspaces {
        let ws = store
            .ensure_workspace(&org, name, config.intelligence)
            .with_context(|| format!("creating workspace {name}"))?;
        workspaces.push((ws.id, ws.folder_name));
    }
    let shares = Arc::new(shares::create(&store, &workspaces[0].0, &config.shares)?);
    let tokens = TokenTable::default();
    for key in &config.api_keys {
        tokens.insert(
            key,
            TokenInfo {
                user_id: caller::user_id_for_key(key),
                kind: TokenKind::ApiKey,
                expires_at: None,
                scope: "user".into(),
            },
        );
    }
    let limiter = (config.rate_limit > 0.0).then(|| {
        middleware::RateLimiter::new(
            config.rate_limit,
            config
                .burst
                .unwrap_or((config.rate_limit.ceil() as u32).max(1)),
        )
    });
    let rng = match config.seed {
        Some(s) => rand::rngs::StdRng::seed_from_u64(s),
        None => rand::rngs::StdRng::from_os_rng(),
    };
    let std_listener = std::net::TcpListener::bind(config.listen)
        .with_context(|| format!("binding {}", config.listen))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let stats = Arc::new(stats::Stats::default());
    let (stored_tx, _) = broadcast::channel(1024);
    let api_key = config.api_keys[0].clone();
    let default_user_id = caller::user_id_for_key(&api_key);
    let bandwidth = config.bandwidth_per_conn;
    let state = AppState(Arc::new(Inner {
        config,
        store: Arc::new(store),
        tokens,
        locks: Default::default(),
        activity: Default::default(),
        stats: stats.clone(),
        org,
        default_user_id,
        limiter,
        rng: Mutex::new(rng),
        exts: Mutex::new(HashMap::new()),
        stored_tx,
    }));
    state.ext::<shares::Shares>().set(shares.clone());
    let app = router(&state).with_state(state.clone());

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
    let thread_state = state.clone();
    let shares_out: Vec<(String, String)> = shares
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let thread = std::thread::Builder::new()
        .name("fastio-emulator".into())
        .spawn(move || {
            let workers = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(2, 4);
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("fastio-emulator-worker")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.into()));
                    return;
                }
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(std_listener) {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.into()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let listener = net::EmuListener {
                    inner: listener,
                    stats: thread_state.stats.clone(),
                    bandwidth,
                };
                let make = tower::service_fn(
                    move |inc: axum::serve::IncomingStream<'_, net::EmuListener>| {
                        let conn = inc.io().handle();
                        let app = app.clone();
                        let shares = shares.clone();
                        async move {
                            Ok::<_, std::convert::Infallible>(tower::util::MapRequest::new(
                                app,
                                move |req: Request| {
                                    let mut req = normalize(req);
                                    shares::rewrite(&shares, &mut req);
                                    req.extensions_mut().insert(conn.clone());
                                    req
                                },
                            ))
                        }
                    },
                );
                let mut stop2 = stop_rx.clone();
                let server = axum::serve(listener, make).with_graceful_shutdown(async move {
                    let _ = stop2.wait_for(|s| *s).await;
                });
                tokio::select! {
                    _ = server => {}
                    _ = async {
                        let _ = stop_rx.wait_for(|s| *s).await;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    } => {}
                }
            });
            rt.shutdown_timeout(Duration::from_millis(500));
        })
        .context("spawning the emulator thread")?;
    ready_rx
        .recv()
        .context("the emulator thread exited during start-up")??;
    Ok(RunningEmulator {
        base_url: format!("http://{addr}/current"),
        api_key,
        workspace_id: workspaces[0].0.clone(),
        addr,
        data_dir,
        workspaces,
        shares: shares_out,
        state,
        stop: Some(stop_tx),
        thread: Some(thread),
        _temp: temp,
    })
}

/// JSON for a workspace.
pub(crate) fn workspace_json(ws: &Workspace, org: &store::Org) -> Value {
    json!({
        "id": ws.id,
        "name": ws.name,
        "folder_name": ws.folder_name,
        "org_id": org.id,
        "org_domain": org.domain,
        "user_status": "joined",
        "description": "",
        "intelligence": ws.intelligence,
        "archived": false,
        "locked": false,
        "created": ws.created,
        "updated": ws.created,
        "capabilities": {"ai_agent": true, "content_ai": true},
    })
}
