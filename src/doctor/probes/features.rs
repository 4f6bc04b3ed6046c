//! Probes of the features beyond uploads: locks (file and folder), URL import (from a file
//! served on loopback when the API is), and an AI question about an attached file.

use std::time::{Duration, Instant};

use super::{api_fail, fail, ok};
use crate::api::chat::{self, Reference, TurnState};
use crate::api::{imports, locks};
use crate::doctor::{Difference, Doctor, Probe, answer, envelope_differences, payload_of};

pub(super) async fn lock(d: &Doctor, file: &str, scratch: &str) -> Probe<()> {
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
            // Does the lock bind its holder too (what `upload --lock` probes)?
            let binds = crate::locks::destination::holder_may_upload(&d.client, &ws, scratch)
                .await
                .is_err();
            let _ = locks::release(&d.client, &ws, scratch, h.token.as_deref().unwrap_or("")).await;
            if binds {
                diffs.push(Difference::new(
                    "folder lock",
                    "its holder may upload into the folder",
                    "the holder's uploads are refused too (upload --lock releases it and goes on \
                     without)",
                ));
                "folder locks too (binding the holder)"
            } else {
                "folder locks too"
            }
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

pub(super) async fn import(d: &Doctor, scratch: &str) -> Probe<()> {
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

/// How long the ask check waits, for the file's AI state and then for the answer.
const ASK_WAIT: Duration = Duration::from_secs(120);

pub(super) async fn ask(d: &Doctor, file: &str) -> Probe<()> {
    let ws = d.ws();
    let deadline = Instant::now() + ASK_WAIT;
    // A file uploaded seconds ago may not be AI-eligible yet: wait (backing off) while its
    // `ai.state` says it is being processed.
    let mut pause = Duration::from_millis(250);
    let mut waited = false;
    loop {
        match chat::node_ai(&d.client, &ws, file).await {
            Ok(n) if n.ai_state == chat::AiState::Indexing => {
                if Instant::now() + pause > deadline {
                    return fail("the file's AI state is still pending after 120 s");
                }
                waited = true;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Ok(_) => break,
            Err(e) => return api_fail("node details", &e),
        }
    }
    let subjects = [Reference::File {
        node_id: file.to_string(),
    }];
    let started =
        match chat::create_chat(&d.client, &ws, "What is the test phrase?", &[], &subjects).await {
            Ok(s) => s,
            Err(e) => return api_fail("POST /workspace/{id}/ai/agent/", &e),
        };
    // The answer: the message details, with the activity channel long-polled between reads.
    let turn = match crate::ask::wait_answer(&d.client, &ws, &started, deadline).await {
        Ok(t) => t,
        Err(e) => return fail(format!("{e:#}")),
    };
    match turn.state {
        TurnState::Complete => {
            let answer = turn.answer.unwrap_or_default();
            if answer.trim().is_empty() {
                return fail("the answer is empty");
            }
            let mut detail = format!("answered ({} characters)", answer.chars().count());
            if waited {
                detail.push_str(" after the file's AI state was ready");
            }
            ok((), detail, Vec::new())
        }
        _ => fail(format!("the message ended `{}`", turn.raw_state)),
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
