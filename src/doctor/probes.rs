//! The checks of `fastio doctor`, in the order they run.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Difference, Doctor, Found, Probe, answer, envelope_differences, payload_of};
use crate::api::chat::{self, Reference, TurnState};
use crate::api::ratelimit::LimitInfo;
use crate::api::upload::{
    self, BatchFile, BatchOutcome, ChunkSource, EXACT_CHUNK_MAX, Limits, MIN_CHUNK, Target,
    WAIT_SECS, poll_pause,
};
use crate::api::{ApiError, Node, imports, locks, storage};

/// Files sent in the batch check: more than one listing page of 100.
const BATCH_FILES: usize = 101;
const PAGE: u32 = 100;

fn ok<T>(v: T, detail: impl Into<String>, differences: Vec<Difference>) -> Probe<T> {
    Ok((
        v,
        Found {
            detail: detail.into(),
            differences,
        },
    ))
}

fn fail<T>(detail: impl Into<String>) -> Probe<T> {
    Err(Found {
        detail: detail.into(),
        differences: Vec::new(),
    })
}

fn api_fail<T>(what: &str, e: &ApiError) -> Probe<T> {
    fail(format!("{what}: {e}"))
}

/// Every check but the clean-up.
pub(super) async fn all(d: &Doctor) {
    let Some(_user) = d.check("credential", credential(d)).await else {
        return skip_rest(d, "the credential was refused");
    };
    let Some(ws) = d.check("workspace", workspace(d)).await else {
        return skip_rest(d, "the workspace is not usable");
    };
    *d.workspace_id.lock().unwrap() = Some(ws);
    let limits = d.check("limits", limits(d)).await.unwrap_or_default();
    d.check("rate-limit headers", rate_headers(d)).await;
    if d.opts.read_only {
        d.check("listing", listing(d, "root".into(), None)).await;
        for name in WRITES {
            d.skip(name, "--read-only");
        }
        return;
    }
    let Some(scratch) = d.check("createfolder", create_scratch(d)).await else {
        for name in &WRITES[1..] {
            d.skip(name, "no scratch folder");
        }
        return;
    };
    let single = d.check("single-call upload", single(d, &scratch)).await;
    let batch_folder = d.check("batch upload", batch(d, &scratch)).await;
    match batch_folder {
        Some(folder) => {
            d.check("listing", listing(d, folder, Some(BATCH_FILES)))
                .await;
        }
        None => d.skip("listing", "the batch upload failed"),
    }
    match d
        .check("chunked upload", chunked(d, &scratch, &limits))
        .await
    {
        Some(sent) => {
            d.check("details wait", stored(d, sent)).await;
        }
        None => d.skip("details wait", "the chunked upload failed"),
    }
    match &single {
        Some(node) => {
            d.check("lock", lock(d, node, &scratch)).await;
        }
        None => d.skip("lock", "no file to lock"),
    }
    if !d.opts.all {
        d.skip("import-url", "pass --all");
        d.skip("ask", "pass --all");
        return;
    }
    d.check("import-url", import(d, &scratch)).await;
    match &single {
        Some(node) => {
            d.check("ask", ask(d, node)).await;
        }
        None => d.skip("ask", "no file to ask about"),
    }
}

/// The write checks, in order (skipped together).
const WRITES: [&str; 9] = [
    "createfolder",
    "single-call upload",
    "batch upload",
    "chunked upload",
    "details wait",
    "lock",
    "import-url",
    "ask",
    "cleanup",
];

fn skip_rest(d: &Doctor, why: &str) {
    for name in ["workspace", "limits", "rate-limit headers", "listing"] {
        if !d
            .report
            .lock()
            .unwrap()
            .checks
            .iter()
            .any(|c| c.name == name)
        {
            d.skip(name, why);
        }
    }
    for name in WRITES {
        d.skip(name, why);
    }
}

async fn credential(d: &Doctor) -> Probe<String> {
    match d.client.get("/user/auth/check/", &[]).await {
        Ok(p) => {
            let obs = d.seen.peek();
            let id = crate::api::envelope::string_field(&p, "id");
            match id {
                Some(id) => ok(
                    id.clone(),
                    format!("user {id}"),
                    envelope_differences(&obs, "/user/"),
                ),
                None => fail("the token check answered without a user `id`"),
            }
        }
        Err(e) => api_fail("GET /user/auth/check/", &e),
    }
}

async fn workspace(d: &Doctor) -> Probe<String> {
    let ws = match crate::api::resolve_workspace(&d.client, &d.opts.workspace).await {
        Ok(ws) => ws,
        Err(e) => return fail(format!("{e:#}")),
    };
    let mut diffs = Vec::new();
    let mut detail = format!("id {}", ws.id);
    match crate::api::workspace::workspace_details(&d.client, &ws.id).await {
        Ok(w) if !w.name.is_empty() => detail.push_str(&format!(" ({})", w.name)),
        Ok(_) => {}
        Err(e) if e.is_no_route() => diffs.push(Difference::new(
            "GET /workspace/{id}/details/",
            "the workspace",
            "no such route (404/9992): the id is used as given",
        )),
        Err(e) if e.is_not_found() => return fail(format!("workspace `{}` not found", ws.id)),
        Err(e) => return api_fail("workspace details", &e),
    }
    // The root must be listable: every upload starts there.
    match storage::list_page(&d.client, &ws.id, "root", PAGE, None).await {
        Ok((items, _)) => detail.push_str(&format!(", root lists {} item(s)", items.len())),
        Err(e) if e.is_not_found() => return fail(format!("workspace `{}` not found", ws.id)),
        Err(e) => return api_fail("listing the root", &e),
    }
    ok(ws.id, detail, diffs)
}

async fn limits(d: &Doctor) -> Probe<Limits> {
    let l = match upload::limits(&d.client).await {
        Ok(l) => l,
        Err(e) => return api_fail("GET /upload/limits/", &e),
    };
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/upload/limits");
    if let Some(o) = answer(&obs, "/upload/limits") {
        let p = payload_of(o);
        let v = p.get("limits").unwrap_or(&p);
        for key in ["chunk_size", "chunks", "size", "sessions"] {
            match v.get(key) {
                None => diffs.push(Difference::new(key, "a number", "absent (default used)")),
                Some(Value::Number(_)) => {}
                Some(other) => diffs.push(Difference::new(key, "a number", other.to_string())),
            }
        }
    }
    let big = 256u64 << 20;
    let plan = match l.chunk_size_for(big) {
        Some(c) => format!(
            "a 256 MiB file goes in {} chunks of {}",
            Limits::chunk_count(big, c),
            indicatif::HumanBytes(c)
        ),
        None => "a 256 MiB file does not fit".into(),
    };
    let detail = format!(
        "chunk_size {}, chunks {}, size {}, sessions {}; {plan}",
        l.chunk_size,
        l.chunks,
        l.size.map_or("-".into(), |s| s.to_string()),
        l.sessions.map_or("-".into(), |s| s.to_string()),
    );
    ok(l, detail, diffs)
}

async fn rate_headers(d: &Doctor) -> Probe<()> {
    let seen = d.all_seen.lock().unwrap().clone();
    let current = seen
        .iter()
        .any(|o| o.headers.contains_key("x-ve-limit-avail"));
    let legacy = seen
        .iter()
        .any(|o| o.headers.contains_key("x-rate-limit-available"));
    let mut diffs = Vec::new();
    if !current && legacy {
        diffs.push(Difference::new(
            "rate-limit headers",
            "x-ve-limit-*",
            "X-Rate-Limit-* (legacy names)",
        ));
    }
    let expiry = seen.iter().find_map(|o| {
        ["x-ve-limit-expires", "x-rate-limit-expiry"]
            .iter()
            .find_map(|h| o.headers.get(*h).and_then(|v| v.to_str().ok()))
            .map(str::to_owned)
    });
    if let Some(e) = &expiry {
        if crate::api::ratelimit::parse_expiry(e).is_none() {
            return fail(format!("rate-limit expiry `{e}` cannot be read"));
        }
        if e.trim().parse::<u64>().is_err() {
            diffs.push(Difference::new(
                "x-ve-limit-expires",
                "epoch seconds",
                e.clone(),
            ));
        }
    }
    let info = seen
        .iter()
        .rev()
        .map(|o| LimitInfo::from_headers(&o.headers))
        .find(|i| i.max.is_some());
    let detail = match info {
        Some(i) => format!(
            "{} of {} calls left in the window",
            i.available.map_or("?".into(), |a| a.to_string()),
            i.max.unwrap_or(0)
        ),
        None => "no rate-limit headers seen (none required)".into(),
    };
    ok((), detail, diffs)
}

/// A random hex suffix for scratch names.
fn suffix() -> String {
    hex::encode(rand::random::<[u8; 4]>())
}

async fn create_scratch(d: &Doctor) -> Probe<String> {
    let name = format!("fastio-doctor-{}", suffix());
    let ws = d.ws();
    let node = match storage::create_folder(&d.client, &ws, "root", &name).await {
        Ok(n) => n,
        Err(e) => return api_fail("createfolder", &e),
    };
    *d.scratch.lock().unwrap() = Some(node.id.clone());
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/workspace/");
    if node.name != name {
        diffs.push(Difference::new("name", &name, node.name.clone()));
    }
    // createfolder is idempotent: the same name again gives the same folder.
    match storage::create_folder(&d.client, &ws, "root", &name).await {
        Ok(again) if again.id == node.id => {}
        Ok(again) => diffs.push(Difference::new(
            "createfolder twice",
            "the same folder",
            format!("a new folder `{}`", again.name),
        )),
        Err(e) => return api_fail("createfolder (again)", &e),
    }
    ok(node.id, format!("`{name}` (removed at the end)"), diffs)
}

/// The text file the lock and ask checks use.
const PHRASE: &str = "The fastio doctor's test phrase is: blue harbour at dawn.\n";

async fn single(d: &Doctor, scratch: &str) -> Probe<String> {
    let ws = d.ws();
    let data = Bytes::from_static(PHRASE.as_bytes());
    let sha = hex::encode(Sha256::digest(&data));
    let target = Target {
        workspace_id: &ws,
        folder_id: scratch,
    };
    let r = match upload::upload_single(&d.client, &target, "phrase.txt", data.clone(), &sha).await
    {
        Ok(r) => r,
        Err(e) => return api_fail("POST /upload/", &e),
    };
    if !r.upload_id.is_empty() {
        d.sessions.lock().unwrap().push(r.upload_id.clone());
    }
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/upload/");
    let node_id = match r.new_file_id {
        Some(id) => id,
        None => {
            diffs.push(Difference::new(
                "new_file_id",
                "the node id",
                "absent (storage asynchronous)",
            ));
            match wait_session(d, &r.upload_id).await {
                Ok((s, _)) => match s.new_file_id {
                    Some(id) => id,
                    None => match find(d, scratch, "phrase.txt").await {
                        Some(n) => n.id,
                        None => return fail("stored, but `phrase.txt` is not in the folder"),
                    },
                },
                Err(e) => return fail(e),
            }
        }
    };
    match verify_node(d, &node_id, data.len() as u64, &sha).await {
        Ok(()) => ok(
            node_id,
            format!("{} B stored and verified", data.len()),
            diffs,
        ),
        Err(e) => fail(e),
    }
}

async fn batch(d: &Doctor, scratch: &str) -> Probe<String> {
    let ws = d.ws();
    let folder = match storage::create_folder(&d.client, &ws, scratch, "batch").await {
        Ok(n) => n.id,
        Err(e) => return api_fail("createfolder batch", &e),
    };
    let files: Vec<BatchFile> = (0..BATCH_FILES)
        .map(|i| {
            let data = Bytes::from(format!("doctor batch file {i}\n"));
            BatchFile {
                filename: format!("f{i:03}.txt"),
                sha256: hex::encode(Sha256::digest(&data)),
                data,
            }
        })
        .collect();
    let target = Target {
        workspace_id: &ws,
        folder_id: &folder,
    };
    let outcomes = match upload::upload_batch(&d.client, &target, &files).await {
        Ok(o) => o,
        Err(e) => return api_fail("POST /upload/batch/", &e),
    };
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/upload/batch");
    let mut null_ids = 0;
    let mut renamed = Vec::new();
    for (f, o) in files.iter().zip(&outcomes) {
        match o {
            BatchOutcome::Ok {
                node_id, filename, ..
            } => {
                null_ids += usize::from(node_id.is_none());
                if let Some(n) = filename.as_ref().filter(|n| **n != f.filename) {
                    renamed.push(format!("{} → {n}", f.filename));
                }
            }
            BatchOutcome::Failed { code, message } => {
                return fail(format!("`{}` refused: {message} (code {code})", f.filename));
            }
        }
    }
    if null_ids > 0 {
        diffs.push(Difference::new(
            "results[].node_id",
            "the node id",
            format!("null for {null_ids} of {BATCH_FILES} (storage asynchronous)"),
        ));
    }
    if let Some(r) = renamed.first() {
        diffs.push(Difference::new(
            "results[].filename",
            "the name sent",
            r.clone(),
        ));
    }
    ok(folder, format!("{BATCH_FILES} files in one request"), diffs)
}

async fn listing(d: &Doctor, folder: String, expect: Option<usize>) -> Probe<()> {
    let ws = d.ws();
    let mut cursor: Option<String> = None;
    let (mut pages, mut items) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut diffs = Vec::new();
    loop {
        let (page, next) =
            match storage::list_page(&d.client, &ws, &folder, PAGE, cursor.as_deref()).await {
                Ok(p) => p,
                Err(e) => return api_fail("listing", &e),
            };
        pages += 1;
        items += page.len();
        let obs = d.seen.peek();
        if pages == 1 {
            diffs.extend(envelope_differences(&obs, "/workspace/"));
            if let Some(o) = answer(&obs, "/workspace/") {
                let p = payload_of(o);
                if p.get("nodes").is_none() {
                    let key = ["files", "items"]
                        .into_iter()
                        .find(|k| p.get(*k).is_some())
                        .unwrap_or("none");
                    diffs.push(Difference::new("collection key", "nodes", key));
                }
                match p.get("pagination").and_then(|p| p.get("has_more")) {
                    Some(Value::Bool(_)) | None => {}
                    Some(other) => diffs.push(Difference::new(
                        "pagination.has_more",
                        "a boolean",
                        other.to_string(),
                    )),
                }
            }
        }
        match next {
            Some(n) if Instant::now() < deadline && pages < 1000 => cursor = Some(n),
            _ => break,
        }
    }
    if let Some(want) = expect {
        // Asynchronous batch storage may take a moment to show every file.
        if items < want {
            return fail(format!(
                "{items} of {want} files listed over {pages} page(s) of {PAGE}"
            ));
        }
    }
    ok(
        (),
        format!("{items} item(s) over {pages} page(s) of {PAGE}"),
        diffs,
    )
}

/// What the chunked check sent, for the details check.
pub(super) struct Sent {
    session: String,
    size: u64,
    sha256: String,
    folder: String,
    name: String,
}

async fn chunked(d: &Doctor, scratch: &str, limits: &Limits) -> Probe<Sent> {
    if limits.chunks < 3 {
        return fail(format!(
            "the server allows only {} chunk(s) per session",
            limits.chunks
        ));
    }
    // Three chunks: of exactly `chunk_size` when the server reports a small one, else 1 MiB.
    let chunk = if limits.chunk_size <= EXACT_CHUNK_MAX {
        limits.chunk_size.max(1)
    } else {
        MIN_CHUNK
    };
    let size = 2 * chunk + 1;
    let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let sha256 = hex::encode(Sha256::digest(&data));
    let data = Bytes::from(data);
    let ws = d.ws();
    let target = Target {
        workspace_id: &ws,
        folder_id: scratch,
    };
    let name = "chunked.bin".to_string();
    let mut diffs = Vec::new();
    let session = match send_session(d, &target, &name, &data, chunk).await {
        Ok(s) => s,
        // The exact reading of the chunk rule with a large chunk_size: the whole file (smaller
        // than chunk_size) must go as one chunk. Say so, and check that it does.
        Err(e)
            if matches!(e.status(), Some(400 | 406))
                && e.path().is_some_and(|p| p.ends_with("/chunk/"))
                && chunk != limits.chunk_size =>
        {
            diffs.push(Difference::new(
                "chunk size",
                "one size of the client's choice for all chunks but the last",
                format!("exactly chunk_size ({}) required", limits.chunk_size),
            ));
            match send_session(d, &target, &name, &data, limits.chunk_size).await {
                Ok(s) => s,
                Err(e) => return api_fail("chunked upload (exact chunk size)", &e),
            }
        }
        Err(e) => return api_fail("chunked upload", &e),
    };
    let used = if diffs.is_empty() {
        chunk
    } else {
        limits.chunk_size.min(size)
    };
    let chunks = Limits::chunk_count(size, used);
    ok(
        Sent {
            session,
            size,
            sha256,
            folder: scratch.to_string(),
            name,
        },
        format!(
            "{chunks} chunk(s) of {} sent at once",
            indicatif::HumanBytes(used)
        ),
        diffs,
    )
}

/// Open a session for `data` and send its chunks of `chunk` bytes all at once (3 for the
/// doctor's file); the details check completes it. Returns the session id.
async fn send_session(
    d: &Doctor,
    target: &Target<'_>,
    name: &str,
    data: &Bytes,
    chunk: u64,
) -> Result<String, ApiError> {
    let size = data.len() as u64;
    let session = upload::create_session(&d.client, target, name, size).await?;
    d.sessions.lock().unwrap().push(session.clone());
    let count = Limits::chunk_count(size, chunk);
    let sends = (1..=count).map(|order| {
        let start = ((order - 1) * chunk) as usize;
        let end = (order * chunk).min(size) as usize;
        let piece = data.slice(start..end);
        let sha = hex::encode(Sha256::digest(&piece));
        let (client, session) = (d.client.clone(), session.clone());
        async move {
            upload::upload_chunk(&client, &session, order, &ChunkSource::Memory(piece), &sha).await
        }
    });
    for r in futures_util::future::join_all(sends).await {
        r?;
    }
    Ok(session)
}

/// Long-poll a session to a terminal state; the statuses seen, and whether `wait` was held.
async fn wait_session(d: &Doctor, id: &str) -> Result<(upload::Session, Vec<String>), String> {
    let started = Instant::now();
    let mut statuses: Vec<String> = Vec::new();
    let mut held = true;
    loop {
        let asked = Instant::now();
        let s = upload::session_details(&d.client, id, Some(WAIT_SECS))
            .await
            .map_err(|e| format!("session details: {e}"))?;
        let pause = poll_pause(
            asked.elapsed(),
            statuses.last().map(String::as_str),
            &s.status,
        );
        if !pause.is_zero() {
            held = false;
        }
        if statuses.last() != Some(&s.status) {
            statuses.push(s.status.clone());
        }
        if s.is_stored() {
            if !held {
                statuses.push("(wait answered at once)".into());
            }
            return Ok((s, statuses));
        }
        if s.is_failed() {
            return Err(format!(
                "session ended `{}`: {}",
                s.status,
                s.status_message.unwrap_or_default()
            ));
        }
        if started.elapsed() > d.opts.assembly_timeout {
            return Err(format!(
                "still `{}` after {} s",
                s.status,
                started.elapsed().as_secs()
            ));
        }
        tokio::time::sleep(pause).await;
    }
}

/// How long `details?wait=1` is held on a session nobody is changing: about 1 s where `wait`
/// is read as seconds, at once where it is read as milliseconds (or ignored).
const WAIT_PROBE: u64 = 1;

async fn stored(d: &Doctor, sent: Sent) -> Probe<()> {
    // Probe the unit of `wait` while the session sits in `uploading`.
    let asked = Instant::now();
    if let Err(e) = upload::session_details(&d.client, &sent.session, Some(WAIT_PROBE)).await {
        return api_fail("session details", &e);
    }
    let held = asked.elapsed() >= Duration::from_millis(500);
    if let Err(e) = upload::complete_session(&d.client, &sent.session).await {
        return api_fail("complete", &e);
    }
    let started = Instant::now();
    let (session, statuses) = match wait_session(d, &sent.session).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let mut diffs = Vec::new();
    if !held || statuses.iter().any(|s| s.starts_with("(wait")) {
        diffs.push(Difference::new(
            "wait",
            "held until the status changes (seconds)",
            "answered at once (read as milliseconds, or ignored)",
        ));
    }
    let node_id = match session.new_file_id {
        Some(id) => id,
        None => {
            diffs.push(Difference::new(
                "session.new_file_id",
                "the node id",
                "absent when stored",
            ));
            match find(d, &sent.folder, &sent.name).await {
                Some(n) => n.id,
                None => return fail("stored, but the file is not in its folder"),
            }
        }
    };
    if let Err(e) = verify_node(d, &node_id, sent.size, &sent.sha256).await {
        return fail(e);
    }
    let path: Vec<&str> = statuses
        .iter()
        .map(String::as_str)
        .filter(|s| !s.starts_with('('))
        .collect();
    ok(
        (),
        format!(
            "{} in {:.1} s, size and hash verified",
            path.join(" → "),
            started.elapsed().as_secs_f64()
        ),
        diffs,
    )
}

async fn lock(d: &Doctor, file: &str, scratch: &str) -> Probe<()> {
    let ws = d.ws();
    let info = d.opts.client_info.clone();
    let held = match locks::acquire(&d.client, &ws, file, 60, &info).await {
        Ok(h) => h,
        Err(e) => return api_fail("acquire", &e),
    };
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/workspace/");
    if let Some(o) = answer(&obs, "/workspace/") {
        let p = payload_of(o);
        let canonical = p.get("lock").and_then(|l| l.get("lock_token")).is_some()
            || p.get("lock_token").is_some();
        if !canonical {
            diffs.push(Difference::new(
                "lock_token",
                "`lock.lock_token`",
                "found under another key",
            ));
        }
    }
    let token = held.token.clone().unwrap_or_default();
    match locks::status(&d.client, &ws, file).await {
        Ok(s) if s.locked => {}
        Ok(_) => return fail("acquired, but the status says unlocked"),
        Err(e) => return api_fail("status", &e),
    }
    if let Err(e) = locks::release(&d.client, &ws, file, &token).await {
        return api_fail("release", &e);
    }
    match locks::status(&d.client, &ws, file).await {
        Ok(s) if !s.locked => {}
        Ok(_) => return fail("released, but the status still says locked"),
        Err(e) => return api_fail("status after release", &e),
    }
    // Folder locks (what `upload --lock` takes): supported or refused, both fine.
    let folders = match locks::acquire(&d.client, &ws, scratch, 60, &info).await {
        Ok(h) => {
            let _ = locks::release(&d.client, &ws, scratch, h.token.as_deref().unwrap_or("")).await;
            "folder locks too"
        }
        Err(_) => {
            diffs.push(Difference::new(
                "folder lock",
                "granted",
                "refused (upload --lock goes on without a lock)",
            ));
            "folder locks refused"
        }
    };
    ok((), format!("acquire, status, release; {folders}"), diffs)
}

/// A tiny HTTP server on loopback serving `body` for `for_secs`, for the import check.
async fn serve_once(body: &'static [u8]) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while let Ok(Ok((mut sock, _))) = tokio::time::timeout_at(deadline, listener.accept()).await
        {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buf = [0u8; 2048];
            let _ = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body).await;
        }
    });
    Ok(format!("http://{addr}/doctor-import.txt"))
}

async fn import(d: &Doctor, scratch: &str) -> Probe<()> {
    let url = match &d.opts.import_url {
        Some(u) => u.clone(),
        None if is_loopback(d.client.base()) => {
            match serve_once(b"imported by fastio doctor\n").await {
                Ok(u) => u,
                Err(e) => return fail(format!("serving the test file: {e}")),
            }
        }
        None => return fail("pass --import-url URL (a file the server can fetch)"),
    };
    let ws = d.ws();
    let req = imports::ImportRequest {
        source_url: &url,
        workspace_id: &ws,
        folder_id: scratch,
        file_name: Some("imported.txt"),
    };
    let id = match imports::submit(&d.client, &req).await {
        Ok(id) => id,
        Err(e) => return api_fail("POST /web_upload/", &e),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let job = match imports::details(&d.client, &id).await {
            Ok(j) => j,
            Err(e) => return api_fail("import details", &e),
        };
        if job.status.is_terminal() {
            if job.status.as_str() != "complete" {
                return fail(format!(
                    "import ended `{}`: {}",
                    job.status.as_str(),
                    job.status_message.unwrap_or_default()
                ));
            }
            return ok((), format!("{url} imported"), Vec::new());
        }
        if Instant::now() > deadline {
            return fail(format!(
                "import still `{}` after 120 s",
                job.status.as_str()
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn ask(d: &Doctor, file: &str) -> Probe<()> {
    let ws = d.ws();
    let subjects = [Reference::File {
        node_id: file.to_string(),
    }];
    let started =
        match chat::create_chat(&d.client, &ws, "What is the test phrase?", &[], &subjects).await {
            Ok(s) => s,
            Err(e) => return api_fail("POST /workspace/{id}/ai/agent/", &e),
        };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let turn = match chat::message_details(&d.client, &ws, &started).await {
            Ok(t) => t,
            Err(e) => return api_fail("message details", &e),
        };
        match turn.state {
            TurnState::Complete => {
                let answer = turn.answer.unwrap_or_default();
                if answer.trim().is_empty() {
                    return fail("the answer is empty");
                }
                return ok(
                    (),
                    format!("answered ({} characters)", answer.chars().count()),
                    Vec::new(),
                );
            }
            TurnState::Failed | TurnState::NeedsInput => {
                return fail(format!("the message ended `{}`", turn.raw_state));
            }
            TurnState::Working if Instant::now() > deadline => {
                return fail(format!(
                    "no answer after 120 s (state `{}`)",
                    turn.raw_state
                ));
            }
            TurnState::Working => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

fn is_loopback(base: &str) -> bool {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|h| {
            h == "localhost" || h == "127.0.0.1" || h == "[::1]" || h.starts_with("127.")
        })
}

async fn find(d: &Doctor, folder: &str, name: &str) -> Option<Node> {
    storage::list_folder(&d.client, &d.ws(), folder)
        .await
        .ok()?
        .into_iter()
        .find(|n| n.name == name && n.is_file())
}

async fn verify_node(d: &Doctor, node: &str, size: u64, sha256: &str) -> Result<(), String> {
    let n = storage::node_details(&d.client, &d.ws(), node)
        .await
        .map_err(|e| format!("node details: {e}"))?;
    if n.size != Some(size) {
        return Err(format!("stored size {:?}, sent {size}", n.size));
    }
    if let Some(h) = n.sha256()
        && h != sha256
    {
        return Err(format!("stored SHA-256 {h} differs from the one sent"));
    }
    Ok(())
}

/// Remove the scratch folder and the sessions, whatever happened before (also after Ctrl-C).
pub(super) async fn cleanup(d: &Doctor) {
    let scratch = d.scratch.lock().unwrap().clone();
    let sessions = std::mem::take(&mut *d.sessions.lock().unwrap());
    let Some(folder) = scratch else {
        return;
    };
    let ws = d.ws();
    let work = async {
        for s in &sessions {
            let _ = upload::cancel_session(&d.client, s).await;
        }
        match storage::delete_node(&d.client, &ws, &folder).await {
            Ok(()) => ok((), "scratch folder moved to the trash", Vec::new()),
            Err(e) => fail(format!(
                "the scratch folder (id {folder}) could not be removed: {e}; remove it by hand"
            )),
        }
    };
    let bounded = async {
        match tokio::time::timeout(Duration::from_secs(30), work).await {
            Ok(r) => r,
            Err(_) => fail(format!(
                "removing the scratch folder (id {folder}) timed out; remove it by hand"
            )),
        }
    };
    d.check("cleanup", bounded).await;
}
