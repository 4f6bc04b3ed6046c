//! Helpers for the upload tests: an emulator per test, a hermetic `fastio` command, local tree
//! builders, and a view of what the emulator stored, read back over HTTP with the wire format
//! spelled out here (not through the client's or the server's types).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const MIB: u64 = 1 << 20;

pub fn emulator(config: EmulatorConfig) -> RunningEmulator {
    start(config).expect("emulator starts")
}

/// Small limits so big-file cases stay fast: 1 MiB chunks, 64 chunks, 128 MiB files.
pub fn small_limits() -> EmulatorConfig {
    EmulatorConfig {
        chunk_size: MIB,
        max_chunks: 64,
        max_file_size: 128 * MIB,
        ..Default::default()
    }
}

/// `fastio` pointed at the emulator, with HOME/XDG in `home` and no ambient credentials.
pub fn fastio_std(emu: &RunningEmulator, home: &Path) -> std::process::Command {
    fastio_std_at(&emu.base_url, &emu.api_key, &emu.workspace_id, home)
}

/// `fastio` pointed at any server (a [`FakeServer`], a proxy), hermetic like [`fastio_std`].
pub fn fastio_std_at(base: &str, key: &str, workspace: &str, home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fastio"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("FASTIO_API_BASE", base)
        .env("FASTIO_API_KEY", key)
        .env("FASTIO_WORKSPACE", workspace)
        .env("NO_COLOR", "1");
    cmd
}

/// The key a [`FakeServer`] test sends, and a numeric workspace id (used without a lookup, so
/// the first request of an upload is `/upload/limits/`).
pub const FAKE_KEY: &str = "fio_fake_key_0001";
pub const FAKE_WORKSPACE: &str = "4000000000000000001";

/// `fastio` pointed at a fake server, with [`FAKE_KEY`] and [`FAKE_WORKSPACE`].
pub fn fastio_fake(server: &FakeServer, home: &Path) -> Command {
    Command::from_std(fastio_std_at(&server.base, FAKE_KEY, FAKE_WORKSPACE, home))
}

/// [`fastio_std`] as an assert_cmd command.
pub fn fastio(emu: &RunningEmulator, home: &Path) -> Command {
    Command::from_std(fastio_std(emu, home))
}

/// Files in the resume-journal directory under `home`.
pub fn journal_files(home: &Path) -> Vec<PathBuf> {
    let dir = home.join("state").join("fastio").join("journal");
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Deterministic bytes for a file of `size` (seeded by `seed`).
pub fn content(size: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size as usize);
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while (out.len() as u64) < size {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size as usize);
    out
}

pub fn write(root: &Path, rel: &str, size: u64, seed: u64) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content(size, seed)).unwrap();
    p
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Every regular file under `root`: relative `/` path → (size, sha256).
pub fn local_tree(root: &Path) -> BTreeMap<String, (u64, String)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).min_depth(1) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let data = std::fs::read(e.path()).unwrap();
        out.insert(rel, (data.len() as u64, sha256_hex(&data)));
    }
    out
}

/// A stored file as the emulator reports it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub size: u64,
    /// SHA-256 of the stored bytes.
    pub sha256: String,
}

/// Run a future to completion on its own thread and runtime (callable from sync tests and from
/// inside a tokio test alike).
fn block<T: Send>(fut: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(fut)
        })
        .join()
        .unwrap()
    })
}

/// GET with retries: the emulator may be injecting faults and rate limits into this test.
async fn get_ok(http: &reqwest::Client, url: &str, key: &str) -> bytes::Bytes {
    let mut last = String::new();
    for _ in 0..60 {
        match http.get(url).bearer_auth(key).send().await {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(b) => return b,
                Err(e) => last = e.to_string(),
            },
            Ok(r) => last = r.status().to_string(),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("GET {url}: {last}");
}

async fn get_json(http: &reqwest::Client, url: &str, key: &str) -> Value {
    let v: Value = serde_json::from_slice(&get_ok(http, url, key).await).unwrap();
    v.get("response").cloned().unwrap_or(v)
}

/// Every file stored in the workspace: remote path → what the emulator has (size from the
/// listing, the server's SHA-256 of the stored bytes). Folders are walked from `root`.
pub fn remote_tree(emu: &RunningEmulator) -> BTreeMap<String, Stored> {
    remote_tree_with(emu, false)
}

/// Like [`remote_tree`], reading every file's bytes back and hashing them here.
pub fn remote_tree_read(emu: &RunningEmulator) -> BTreeMap<String, Stored> {
    remote_tree_with(emu, true)
}

fn remote_tree_with(emu: &RunningEmulator, read_bytes: bool) -> BTreeMap<String, Stored> {
    block(async {
        let http = reqwest::Client::new();
        let ws = &emu.workspace_id;
        let mut out = BTreeMap::new();
        let mut stack = vec![("root".to_string(), String::new())];
        while let Some((folder, prefix)) = stack.pop() {
            let mut cursor = None::<String>;
            loop {
                let mut url = format!(
                    "{}/workspace/{ws}/storage/{folder}/list/?page_size=500&output=full",
                    emu.base_url
                );
                if let Some(c) = &cursor {
                    url.push_str(&format!("&cursor={c}"));
                }
                let page = get_json(&http, &url, &emu.api_key).await;
                for n in page["nodes"].as_array().unwrap() {
                    let name = n["name"].as_str().unwrap();
                    let id = n["id"].as_str().unwrap().to_string();
                    let path = if prefix.is_empty() {
                        name.to_string()
                    } else {
                        format!("{prefix}/{name}")
                    };
                    if n["type"] == "folder" {
                        stack.push((id, path));
                        continue;
                    }
                    // The server's own SHA-256 of what it stored; the bytes otherwise.
                    let sha256 = match (n["hash"].as_str(), n["hash_algo"].as_str()) {
                        (Some(h), Some("sha256")) if !read_bytes => h.to_string(),
                        _ => {
                            let url = format!("{}/workspace/{ws}/storage/{id}/read/", emu.base_url);
                            sha256_hex(&get_ok(&http, &url, &emu.api_key).await)
                        }
                    };
                    out.insert(
                        path,
                        Stored {
                            id,
                            size: n["size"].as_u64().unwrap(),
                            sha256,
                        },
                    );
                }
                match page["pagination"]["next_cursor"].as_str() {
                    Some(c) if page["pagination"]["has_more"] == true => cursor = Some(c.into()),
                    _ => break,
                }
            }
        }
        out
    })
}

/// Remote folders (paths) in the workspace.
pub fn remote_folders(emu: &RunningEmulator) -> Vec<String> {
    block(async {
        let http = reqwest::Client::new();
        let ws = &emu.workspace_id;
        let mut out = Vec::new();
        let mut stack = vec![("root".to_string(), String::new())];
        while let Some((folder, prefix)) = stack.pop() {
            let url = format!(
                "{}/workspace/{ws}/storage/{folder}/list/?page_size=500",
                emu.base_url
            );
            let page = get_json(&http, &url, &emu.api_key).await;
            for n in page["nodes"].as_array().unwrap() {
                if n["type"] != "folder" {
                    continue;
                }
                let name = n["name"].as_str().unwrap();
                let path = if prefix.is_empty() {
                    name.to_string()
                } else {
                    format!("{prefix}/{name}")
                };
                out.push(path.clone());
                stack.push((n["id"].as_str().unwrap().to_string(), path));
            }
        }
        out.sort();
        out
    })
}

/// Assert that every local file under `local_root` is stored at `remote_prefix/<rel>` with the
/// same size and SHA-256.
pub fn assert_stored(emu: &RunningEmulator, local_root: &Path, remote_prefix: &str) {
    check_stored(remote_tree(emu), local_root, remote_prefix);
}

/// [`assert_stored`], comparing against the bytes read back from the server.
pub fn assert_stored_bytes(emu: &RunningEmulator, local_root: &Path, remote_prefix: &str) {
    check_stored(remote_tree_read(emu), local_root, remote_prefix);
}

fn check_stored(remote: BTreeMap<String, Stored>, local_root: &Path, remote_prefix: &str) {
    let local = local_tree(local_root);
    for (rel, (size, sha)) in &local {
        let path = if remote_prefix.is_empty() {
            rel.clone()
        } else {
            format!("{remote_prefix}/{rel}")
        };
        let got = remote
            .get(&path)
            .unwrap_or_else(|| panic!("`{path}` not stored; stored: {} files", remote.len()));
        assert_eq!(got.size, *size, "size of `{path}`");
        assert_eq!(&got.sha256, sha, "content of `{path}`");
    }
    // Nothing more under the prefix than the local tree: no duplicate, renamed or stray file.
    let under = |p: &str| remote_prefix.is_empty() || p.starts_with(&format!("{remote_prefix}/"));
    let extra: Vec<&String> = remote
        .keys()
        .filter(|p| under(p))
        .filter(|p| {
            let rel = if remote_prefix.is_empty() {
                p.as_str()
            } else {
                &p[remote_prefix.len() + 1..]
            };
            !local.contains_key(rel)
        })
        .collect();
    assert!(
        extra.is_empty(),
        "remote files with no local twin: {extra:?}"
    );
}

/// Parse NDJSON stdout.
pub fn ndjson(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

pub fn stats(emu: &RunningEmulator) -> Value {
    emu.stats()
}

/// The mixed tree under `root/tree`: ≥ 500 files in nested folders (small files of
/// 0..8 KiB), plus 0 B, 1 B, 4,194,303 / 4,194,304 / 4,194,305 B, and one `big` file.
/// Returns the number of files.
pub fn mixed_tree(root: &Path, big: u64) -> usize {
    let tree = root.join("tree");
    let mut n = 0;
    for i in 0..495u64 {
        let dir = match i % 7 {
            0 => String::new(),
            1 => "docs".into(),
            2 => format!("docs/part {}", i % 3),
            3 => "img/2026/jan".into(),
            4 => "img/2026/feb".into(),
            5 => format!("deep/a/b/c/d{}", i % 2),
            _ => "misc #1".into(),
        };
        let name = format!("f{i:03}.dat");
        let rel = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        write(&tree, &rel, (i * 37) % 8193, i);
        n += 1;
    }
    for (rel, size) in [
        ("edge/empty.bin", 0),
        ("edge/one.bin", 1),
        ("edge/below.bin", 4_194_303),
        ("edge/exact.bin", 4_194_304),
        ("edge/above.bin", 4_194_305),
        ("big/large.bin", big),
    ] {
        write(&tree, rel, size, size ^ 0xabc);
        n += 1;
    }
    n
}

/// Sum of request counts whose route contains `needle`.
pub fn requests_matching(emu: &RunningEmulator, needle: &str) -> u64 {
    emu.stats()["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| route.contains(needle))
        .flat_map(|(_, by_status)| by_status.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum()
}

/// The last NDJSON summary object.
pub fn summary_of(events: &[Value]) -> Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "summary")
        .cloned()
        .expect("a summary event")
}

/// The caller's upload sessions the emulator still holds (`GET /upload/details/`).
pub fn open_sessions(emu: &RunningEmulator) -> Vec<Value> {
    block(async {
        let http = reqwest::Client::new();
        let url = format!("{}/upload/details/", emu.base_url);
        get_json(&http, &url, &emu.api_key).await["sessions"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    })
}

/// How many versions the emulator keeps of the file at `remote_path` (1 = written once).
pub fn versions_of(emu: &RunningEmulator, remote_path: &str) -> usize {
    let id = remote_tree(emu)[remote_path].id.clone();
    block(async {
        let http = reqwest::Client::new();
        let url = format!(
            "{}/workspace/{}/storage/{id}/versions/",
            emu.base_url, emu.workspace_id
        );
        get_json(&http, &url, &emu.api_key).await["versions"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    })
}

// ---------------------------------------------------------------------------------------------
// Fake servers: tiny HTTP/1.1 servers on loopback that answer scripted bytes (or nothing), for
// the faults the emulator does not produce. One std thread per connection; every thread ends by
// itself when the server's lifetime is over or the handle is dropped.

use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A request as a fake server read it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    pub method: String,
    /// The request target (path and query), e.g. `/current/upload/limits/`.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl FakeRequest {
    /// The target without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What a fake server does with one request.
pub enum Reply {
    /// Answer nothing and keep the connection open (until the server stops).
    Silent,
    /// Write `now` at once, then `trickle` one byte every `every`, then close.
    Bytes {
        now: Vec<u8>,
        trickle: Vec<u8>,
        every: Duration,
    },
    /// Close the connection without a word.
    Hangup,
}

/// A whole HTTP/1.1 response (with `content-length` and `connection: close`).
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Fake\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

impl Reply {
    /// Send `status` with `body` as JSON, at once.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::raw(http_response(
            status,
            &[("content-type", "application/json")],
            body.as_bytes(),
        ))
    }

    /// Send these bytes at once.
    pub fn raw(bytes: Vec<u8>) -> Reply {
        Reply::Bytes {
            now: bytes,
            trickle: Vec::new(),
            every: Duration::ZERO,
        }
    }

    /// The whole response, headers included, one byte every `every`.
    pub fn trickle_all(status: u16, body: &str, every: Duration) -> Reply {
        Reply::Bytes {
            now: Vec::new(),
            trickle: http_response(
                status,
                &[("content-type", "application/json")],
                body.as_bytes(),
            ),
            every,
        }
    }

    /// Headers at once, then the body one byte every `every`.
    pub fn trickle_body(status: u16, body: &str, every: Duration) -> Reply {
        let head = http_response(status, &[("content-type", "application/json")], b"");
        // Same head, but announcing the real length.
        let head = String::from_utf8(head).unwrap().replace(
            "content-length: 0",
            &format!("content-length: {}", body.len()),
        );
        Reply::Bytes {
            now: head.into_bytes(),
            trickle: body.as_bytes().to_vec(),
            every,
        }
    }
}

/// A scripted server on `127.0.0.1`. Dropping it stops it (and every connection thread).
pub struct FakeServer {
    /// The API base to point `fastio` at: `http://127.0.0.1:PORT/current`.
    pub base: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    requests: Arc<Mutex<Vec<FakeRequest>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FakeServer {
    /// Serve for at most `lifetime`, answering each request with `answer(request)`.
    pub fn start(
        lifetime: Duration,
        answer: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + lifetime;
        let answer = Arc::new(answer);
        {
            let (stop, requests, connections) =
                (stop.clone(), requests.clone(), connections.clone());
            std::thread::spawn(move || {
                let over = || stop.load(Ordering::SeqCst) || Instant::now() >= deadline;
                while !over() {
                    match listener.accept() {
                        Ok((conn, _)) => {
                            connections.fetch_add(1, Ordering::SeqCst);
                            let (stop, requests, answer) =
                                (stop.clone(), requests.clone(), answer.clone());
                            std::thread::spawn(move || {
                                serve_one(conn, deadline, &stop, &requests, &*answer)
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        FakeServer {
            base: format!("http://{addr}/current"),
            origin: format!("http://{addr}"),
            requests,
            connections,
            stop,
        }
    }

    /// Requests read so far.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Read one request (head and body) from `conn`, record it, and do what `answer` says.
fn serve_one(
    mut conn: std::net::TcpStream,
    deadline: Instant,
    stop: &AtomicBool,
    requests: &Mutex<Vec<FakeRequest>>,
    answer: &(dyn Fn(&FakeRequest) -> Reply + Send + Sync),
) {
    let over = || stop.load(Ordering::SeqCst) || Instant::now() >= deadline;
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    let mut piece = [0u8; 16 << 10];
    // The head.
    let head_end = loop {
        if over() {
            return;
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut piece) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&piece[..n]),
            Err(_) => {}
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // The body, read and dropped (up to its length, or the end of a chunked body).
    let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let mut body = buf.len() - head_end;
    let mut tail = buf[head_end..].to_vec();
    loop {
        let done = match length {
            Some(n) => body >= n,
            None if chunked => tail.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done || over() {
            break;
        }
        match conn.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => {
                body += n;
                tail.extend_from_slice(&piece[..n]);
                let keep = tail.len().saturating_sub(8);
                tail.drain(..keep);
            }
            Err(_) => {}
        }
    }
    let req = FakeRequest {
        method,
        target,
        headers,
    };
    let reply = answer(&req);
    requests.lock().unwrap().push(req);
    match reply {
        Reply::Hangup => {}
        Reply::Silent => {
            while !over() {
                // Drain whatever comes so the peer is never blocked on us; say nothing.
                if let Ok(0) = conn.read(&mut piece) {
                    return;
                }
            }
        }
        Reply::Bytes {
            now,
            trickle,
            every,
        } => {
            if conn.write_all(&now).is_err() {
                return;
            }
            let _ = conn.flush();
            for b in trickle {
                std::thread::sleep(every);
                if over() || conn.write_all(&[b]).is_err() {
                    return;
                }
                let _ = conn.flush();
            }
            let _ = conn.shutdown(std::net::Shutdown::Write);
            // Let the peer read it all before the socket goes.
            let t = Instant::now();
            while !over() && t.elapsed() < Duration::from_secs(1) {
                if let Ok(0) = conn.read(&mut piece) {
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tampering proxy in front of the emulator: forwards every request, unless `rule` answers it
// instead (before the emulator sees it).

/// A proxy's answer in place of the emulator's: status and JSON body.
pub type Tamper = Option<(u16, String)>;

pub struct Proxy {
    /// The API base to point `fastio` at.
    pub base: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Forward to `emu`; `rule(method, path)` may answer a request itself.
pub fn proxy(
    emu: &RunningEmulator,
    rule: impl Fn(&str, &str) -> Tamper + Send + Sync + 'static,
) -> Proxy {
    use axum::body::Body;
    use axum::extract::{Request, State};
    use axum::response::Response;

    type Rule = Arc<dyn Fn(&str, &str) -> Tamper + Send + Sync>;
    #[derive(Clone)]
    struct P {
        upstream: String,
        http: reqwest::Client,
        rule: Rule,
    }
    async fn forward(State(p): State<P>, req: Request) -> Response {
        let (parts, body) = req.into_parts();
        if let Some((status, body)) = (p.rule)(parts.method.as_str(), parts.uri.path()) {
            return Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
        }
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let pq = parts.uri.path_and_query().unwrap().as_str().to_string();
        let mut rb = p
            .http
            .request(parts.method.clone(), format!("{}{pq}", p.upstream));
        for (k, v) in &parts.headers {
            if k != "host" && k != "content-length" {
                rb = rb.header(k, v);
            }
        }
        let Ok(resp) = rb.body(bytes).send().await else {
            return Response::builder().status(502).body(Body::empty()).unwrap();
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.unwrap_or_default();
        let mut out = Response::builder().status(status.as_u16());
        for (k, v) in &headers {
            if k != "content-length" && k != "transfer-encoding" {
                out = out.header(k, v);
            }
        }
        out.body(Body::from(body)).unwrap()
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = P {
        upstream: emu.root_url(),
        http: reqwest::Client::new(),
        rule: Arc::new(rule),
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(forward).with_state(state);
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    Proxy {
        base: format!("http://{addr}/current"),
        runtime: Some(rt),
    }
}
