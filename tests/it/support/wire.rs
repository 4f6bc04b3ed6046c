//! Requests written out by hand with reqwest, independent of the client's and the server's
//! types. The `emu` helpers assume the canonical (nested) envelopes unless they say otherwise
//! and panic on a body that is not JSON; the `_as` helpers take any URL and key and give
//! `Value::Null` for a body that is not JSON.

use fastio::emulator::{EmulatorConfig, RunningEmulator};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

use super::emulator::{Env, KEY_A};

/// Run a future to completion on its own thread and runtime (callable from sync tests and from
/// inside a tokio test alike).
pub fn block<T: Send>(fut: impl std::future::Future<Output = T> + Send) -> T {
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

// ---------------------------------------------------------------------------------------------
// Any URL, any key.

/// Send; (status, body), the body `Null` when it is not JSON.
pub async fn answer(rb: RequestBuilder) -> (u16, Value) {
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn as_key(method: Method, url: &str, key: &str) -> RequestBuilder {
    reqwest::Client::new().request(method, url).bearer_auth(key)
}

pub async fn get_as(url: &str, key: &str) -> (u16, Value) {
    answer(as_key(Method::GET, url, key)).await
}

pub async fn post_form_as(url: &str, key: &str, form: &[(&str, &str)]) -> (u16, Value) {
    answer(as_key(Method::POST, url, key).form(form)).await
}

pub async fn delete_form_as(url: &str, key: &str, form: &[(&str, &str)]) -> (u16, Value) {
    answer(as_key(Method::DELETE, url, key).form(form)).await
}

/// The bytes of a GET that must answer 200.
async fn read_as(url: &str, key: &str) -> Vec<u8> {
    let r = as_key(Method::GET, url, key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.bytes().await.unwrap().to_vec()
}

/// GET with retries: the emulator may be injecting faults and rate limits into this test.
pub async fn get_bytes_patiently(http: &reqwest::Client, url: &str, key: &str) -> bytes::Bytes {
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

/// [`get_bytes_patiently`] as JSON: the `response` payload (the whole body if it has none).
pub async fn get_json_patiently(http: &reqwest::Client, url: &str, key: &str) -> Value {
    let v: Value = serde_json::from_slice(&get_bytes_patiently(http, url, key).await).unwrap();
    v.get("response").cloned().unwrap_or(v)
}

/// [`get_json_patiently`] with a client of its own.
pub async fn get_json_as(url: &str, key: &str) -> Value {
    get_json_patiently(&reqwest::Client::new(), url, key).await
}

/// The form of the single-call upload (`POST /upload/`): the whole file in `chunk`.
fn single_call_form(workspace: &str, folder: &str, name: &str, data: Vec<u8>) -> Form {
    Form::new()
        .text("name", name.to_string())
        .text("size", data.len().to_string())
        .text("action", "create")
        .text("instance_id", workspace.to_string())
        .text("folder_id", folder.to_string())
        .text("profile_type", "workspace")
        .part("chunk", Part::bytes(data).file_name(name.to_string()))
}

// ---------------------------------------------------------------------------------------------
// The two-user emulator, by hand.

impl Env {
    /// `POST …/storage/{parent}/createfolder/` by hand; returns the folder id.
    pub async fn mkdir(&self, parent: &str, name: &str) -> String {
        let (status, body) = post_form_as(
            &self.url(&format!(
                "/workspace/{}/storage/{parent}/createfolder/",
                self.ws()
            )),
            KEY_A,
            &[("name", name)],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["response"]["node"]["id"]
            .as_str()
            .expect("folder id")
            .to_string()
    }

    /// Store a file through the single-call upload endpoint, by hand (multipart): status and body.
    pub async fn put_file(
        &self,
        key: &str,
        folder: &str,
        name: &str,
        bytes: &[u8],
    ) -> (u16, Value) {
        let form = single_call_form(self.ws(), folder, name, bytes.to_vec());
        answer(as_key(Method::POST, &self.url("/upload/"), key).multipart(form)).await
    }

    /// The children of a folder (`root` or an id), by hand.
    pub async fn list(&self, folder: &str) -> Vec<Value> {
        let path = format!("/workspace/{}/storage/{folder}/list/", self.ws());
        let (status, body) = get_as(&self.url(&path), KEY_A).await;
        assert_eq!(status, 200, "{body}");
        body["response"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Bytes of a stored file, by hand.
    pub async fn read(&self, node: &str) -> Vec<u8> {
        let path = format!("/workspace/{}/storage/{node}/read/", self.ws());
        read_as(&self.url(&path), KEY_A).await
    }

    /// `GET …/lock/` by hand: whether the node is locked.
    pub async fn is_locked(&self, node: &str) -> bool {
        let path = format!("/workspace/{}/storage/{node}/lock/", self.ws());
        let (status, body) = get_as(&self.url(&path), KEY_A).await;
        assert_eq!(status, 200, "{body}");
        body["response"]["locked"].as_bool().expect("locked flag")
    }
}

// ---------------------------------------------------------------------------------------------
// One emulator, with its own key (the emulator tests' wire calls).

pub const MIB_USIZE: usize = 1024 * 1024;

/// The emulator tests' limits: 2 MiB chunks, 8 chunks, 16 MiB files, 5 sessions.
pub fn wire_limits() -> EmulatorConfig {
    EmulatorConfig {
        chunk_size: 2 * MIB_USIZE as u64,
        max_chunks: 8,
        max_file_size: 16 * MIB_USIZE as u64,
        max_sessions: 5,
        ..Default::default()
    }
}

pub fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u32).wrapping_mul(2654435761).rotate_left(seed as u32) as u8 ^ seed)
        .collect()
}

pub async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

/// A request to `{base_url}{path}` with the emulator's key, for a test to add its own parts
/// (and send with [`sent`]).
pub fn emu_request(emu: &RunningEmulator, method: Method, path: &str) -> RequestBuilder {
    to_emu(emu, method, path)
}

/// Send; the response, whatever its status.
pub async fn sent(rb: RequestBuilder) -> reqwest::Response {
    rb.send().await.unwrap()
}

/// A request to `{base_url}{path}` with the emulator's key.
fn to_emu(emu: &RunningEmulator, method: Method, path: &str) -> RequestBuilder {
    as_key(method, &format!("{}{path}", emu.base_url), &emu.api_key)
}

/// Send; (status, JSON body).
async fn strict(rb: RequestBuilder) -> (u16, Value) {
    json_of(rb.send().await.unwrap()).await
}

/// Send; the JSON body of a 200.
async fn ok(rb: RequestBuilder) -> Value {
    let (s, v) = strict(rb).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn storage(emu: &RunningEmulator, node: &str, what: &str) -> String {
    format!("/workspace/{}/storage/{node}/{what}", emu.workspace_id)
}

pub async fn single_call(
    emu: &RunningEmulator,
    folder: &str,
    name: &str,
    data: Vec<u8>,
) -> (u16, Value) {
    let form = single_call_form(&emu.workspace_id, folder, name, data);
    strict(to_emu(emu, Method::POST, "/upload/").multipart(form)).await
}

pub async fn read_node(emu: &RunningEmulator, node: &str) -> Vec<u8> {
    let url = format!("{}{}", emu.base_url, storage(emu, node, "read/"));
    read_as(&url, &emu.api_key).await
}

pub async fn node_details(emu: &RunningEmulator, node: &str) -> Value {
    let path = storage(emu, node, "details/");
    ok(to_emu(emu, Method::GET, &path)).await["response"]["node"].clone()
}

/// `POST /upload/` opening a session in the root: `name`, `how` big (`size`, or `stream`), and
/// `extra` fields.
async fn open_session(
    emu: &RunningEmulator,
    name: &str,
    how: (&'static str, String),
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![
        ("name", name.to_string()),
        how,
        ("action", "create".into()),
        ("instance_id", emu.workspace_id.clone()),
        ("folder_id", "root".into()),
        ("profile_type", "workspace".into()),
    ];
    for (k, v) in extra {
        form.push((k, v.to_string()));
    }
    strict(to_emu(emu, Method::POST, "/upload/").form(&form)).await
}

pub async fn create_session(
    emu: &RunningEmulator,
    name: &str,
    size: usize,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    open_session(emu, name, ("size", size.to_string()), extra).await
}

/// A stream session: `stream=true` and no size.
pub async fn create_stream(
    emu: &RunningEmulator,
    name: &str,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    open_session(emu, name, ("stream", "true".into()), extra).await
}

pub async fn send_chunk(
    emu: &RunningEmulator,
    id: &str,
    order: usize,
    data: Vec<u8>,
    query_extra: &str,
) -> (u16, Value) {
    let path = format!(
        "/upload/{id}/chunk/?order={order}&size={}{query_extra}",
        data.len()
    );
    let form = Form::new().part("chunk", Part::bytes(data).file_name("chunk.bin"));
    strict(to_emu(emu, Method::POST, &path).multipart(form)).await
}

pub async fn session(emu: &RunningEmulator, id: &str, wait: u32) -> Value {
    let path = format!("/upload/{id}/details/?wait={wait}");
    ok(to_emu(emu, Method::GET, &path)).await["response"]["session"].clone()
}

pub async fn complete(emu: &RunningEmulator, id: &str) -> (u16, Value) {
    let path = format!("/upload/{id}/complete/");
    strict(to_emu(emu, Method::POST, &path).form(&[("", "")][..0])).await
}

pub async fn wait_stored(emu: &RunningEmulator, id: &str) -> Value {
    for _ in 0..100 {
        let s = session(emu, id, 5).await;
        match s["status"].as_str().unwrap() {
            "stored" => return s,
            "assembly_failed" | "store_failed" => panic!("upload failed: {s}"),
            _ => {}
        }
    }
    panic!("upload {id} never reached stored");
}

/// Complete session `id`, wait until it is stored, and read back the stored file's bytes.
pub async fn complete_and_read(emu: &RunningEmulator, id: &str) -> Vec<u8> {
    complete(emu, id).await;
    let done = wait_stored(emu, id).await;
    read_node(emu, done["new_file_id"].as_str().unwrap()).await
}

pub async fn batch(
    emu: &RunningEmulator,
    manifest: Value,
    files: Vec<(usize, &str, Vec<u8>)>,
) -> (u16, Value) {
    let mut form = Form::new()
        .text("instance_id", emu.workspace_id.clone())
        .text("manifest", manifest.to_string());
    for (i, name, data) in files {
        form = form.part(
            format!("file_{i}"),
            Part::bytes(data).file_name(name.to_string()),
        );
    }
    strict(to_emu(emu, Method::POST, "/upload/batch/").multipart(form)).await
}

pub async fn list(emu: &RunningEmulator, folder: &str) -> Vec<Value> {
    let path = storage(emu, folder, "list/?page_size=500");
    ok(to_emu(emu, Method::GET, &path)).await["response"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

/// The payload of a success body in either envelope: `response` if present, else the body
/// without `result`.
pub fn payload(body: &Value) -> Value {
    if let Some(r) = body.get("response") {
        return r.clone();
    }
    let mut b = body.clone();
    if let Some(m) = b.as_object_mut() {
        m.remove("result");
    }
    b
}

/// `GET {base_url}{path}` with the emulator's key: (status, body).
pub async fn get_json(emu: &RunningEmulator, path: &str) -> (u16, Value) {
    strict(to_emu(emu, Method::GET, path)).await
}

/// A form POST to `{base_url}{path}` with the emulator's key: (status, body).
pub async fn post_form(emu: &RunningEmulator, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    strict(to_emu(emu, Method::POST, path).form(form)).await
}
