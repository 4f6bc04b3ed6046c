//! Probes of uploads: single-call, batch (more than a listing page), chunked, and the details
//! long-poll to `stored`, each verified by size and hash.

use std::time::{Duration, Instant};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{BATCH_FILES, api_fail, fail, ok};
use crate::api::upload::{
    self, BatchFile, BatchOutcome, ChunkSource, EXACT_CHUNK_MAX, Limits, MIN_CHUNK, Target,
    WAIT_SECS, poll_pause,
};
use crate::api::{ApiError, Node, storage};
use crate::doctor::{Difference, Doctor, Probe, envelope_differences};

/// The text file the lock and ask checks use.
const PHRASE: &str = "The fastio doctor's test phrase is: blue harbour at dawn.\n";

pub(super) async fn single(d: &Doctor, scratch: &str) -> Probe<String> {
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
                Err(NotStored::Failed(e) | NotStored::Other(e)) => return fail(e),
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

pub(super) async fn batch(d: &Doctor, scratch: &str) -> Probe<String> {
    let ws = d.ws();
    let folder = match storage::create_folder(&d.client, &ws, scratch, "batch").await {
        Ok(n) => n.id,
        Err(e) => return api_fail("createfolder batch", &e),
    };
    let files: Vec<BatchFile> = (0..BATCH_FILES)
        .map(|i| {
            let data = Bytes::from(format!("doctor batch file {i}\n"));
            BatchFile {
                relative_path: None,
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

/// What the chunked check sent, for the details check.
pub(super) struct Sent {
    session: String,
    size: u64,
    sha256: String,
    folder: String,
    name: String,
    /// The file's bytes, the chunk size used and the server's `chunk_size` (to send it again
    /// in a new session).
    data: Bytes,
    chunk: u64,
    exact: u64,
}

pub(super) async fn chunked(d: &Doctor, scratch: &str, limits: &Limits) -> Probe<Sent> {
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
            data,
            chunk: used,
            exact: limits.chunk_size.min(size),
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

/// Why a session was not stored.
enum NotStored {
    /// It ended `assembly_failed` / `store_failed`: another session may succeed.
    Failed(String),
    Other(String),
}

/// Long-poll a session to a terminal state; the statuses seen, and whether `wait` was held.
async fn wait_session(d: &Doctor, id: &str) -> Result<(upload::Session, Vec<String>), NotStored> {
    let started = Instant::now();
    let mut statuses: Vec<String> = Vec::new();
    let mut held = true;
    loop {
        let asked = Instant::now();
        let s = upload::session_details(&d.client, id, Some(WAIT_SECS))
            .await
            .map_err(|e| NotStored::Other(format!("session details: {e}")))?;
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
            return Err(NotStored::Failed(format!(
                "session ended `{}`: {}",
                s.status,
                s.status_message.unwrap_or_default()
            )));
        }
        if started.elapsed() > d.opts.assembly_timeout {
            return Err(NotStored::Other(format!(
                "still `{}` after {} s",
                s.status,
                started.elapsed().as_secs()
            )));
        }
        tokio::time::sleep(pause).await;
    }
}

/// How long `details?wait=1` is held on a session nobody is changing: about 1 s where `wait`
/// is read as seconds, at once where it is read as milliseconds (or ignored).
const WAIT_PROBE: u64 = 1;

pub(super) async fn stored(d: &Doctor, sent: Sent) -> Probe<()> {
    // Probe the unit of `wait` while the session sits in `uploading`.
    let asked = Instant::now();
    if let Err(e) = upload::session_details(&d.client, &sent.session, Some(WAIT_PROBE)).await {
        return api_fail("session details", &e);
    }
    let held = asked.elapsed() >= Duration::from_millis(500);
    let mut sent = sent;
    let mut diffs = Vec::new();
    let mut again = 0;
    let started = Instant::now();
    // As `upload` does: a `complete` refused under the exact reading of the chunk rule is met
    // with chunks of exactly `chunk_size`, and a session that failed in assembly or storage
    // is followed by a new one (twice at most). Each is named as a difference.
    let (session, statuses) = loop {
        match upload::complete_session(&d.client, &sent.session).await {
            Ok(()) => {}
            Err(e)
                if matches!(e.status(), Some(400 | 406))
                    && sent.chunk != sent.exact
                    && again == 0 =>
            {
                diffs.push(Difference::new(
                    "chunk size at complete",
                    "one size of the client's choice for all chunks but the last",
                    format!("exactly chunk_size ({}) required", sent.exact),
                ));
                sent.chunk = sent.exact;
                again += 1;
                if let Err(e) = resend(d, &mut sent).await {
                    return api_fail("chunked upload (exact chunk size)", &e);
                }
                continue;
            }
            Err(e) => return api_fail("complete", &e),
        }
        match wait_session(d, &sent.session).await {
            Ok(x) => break x,
            Err(NotStored::Failed(why)) if again < 3 => {
                diffs.push(Difference::new(
                    "session",
                    "stored",
                    format!("{why}; sent again in a new session"),
                ));
                again += 1;
                if let Err(e) = resend(d, &mut sent).await {
                    return api_fail("chunked upload (new session)", &e);
                }
            }
            Err(NotStored::Failed(e) | NotStored::Other(e)) => return fail(e),
        }
    };
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

/// Send the doctor's chunked file again in a new session of `sent.chunk`-byte chunks.
async fn resend(d: &Doctor, sent: &mut Sent) -> Result<(), ApiError> {
    let ws = d.ws();
    let target = Target {
        workspace_id: &ws,
        folder_id: &sent.folder,
    };
    sent.session = send_session(d, &target, &sent.name, &sent.data, sent.chunk).await?;
    Ok(())
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
