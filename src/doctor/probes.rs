//! The checks of `fastio doctor`, in the order they run.
//!
//! This module runs them ([`all`], [`cleanup`]); the probes are grouped by area: `account`
//! (credential, workspace, limits, rate-limit headers), `folders` (scratch folder, listing),
//! `uploads` (single-call, batch, chunked, details wait) and `features` (lock, URL import, AI).

mod account;
mod features;
mod folders;
mod uploads;

use std::time::Duration;

use super::{Difference, Doctor, Found, Probe};
use crate::api::{ApiError, storage, upload};
use account::{credential, limits, rate_headers, workspace};
use features::{ask, import, lock};
use folders::{create_scratch, listing};
use uploads::{batch, chunked, single, stored};

/// Files sent in the batch check: more than one listing page of 100.
const BATCH_FILES: usize = 101;
const PAGE: u32 = 100;

pub(super) fn ok<T>(v: T, detail: impl Into<String>, differences: Vec<Difference>) -> Probe<T> {
    Ok((
        v,
        Found {
            detail: detail.into(),
            differences,
        },
    ))
}

pub(super) fn fail<T>(detail: impl Into<String>) -> Probe<T> {
    Err(Found {
        detail: detail.into(),
        differences: Vec::new(),
    })
}

pub(super) fn api_fail<T>(what: &str, e: &ApiError) -> Probe<T> {
    fail(format!("{what}: {e}"))
}

/// Every check but the clean-up.
pub(super) async fn all(d: &Doctor) {
    let Some(_user) = d.check("credential", credential(d)).await else {
        let why = d
            .blocked
            .lock()
            .unwrap()
            .unwrap_or("the credential was refused");
        return skip_rest(d, why);
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
