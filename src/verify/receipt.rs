//! `fastio verify --receipt FILE`: every recorded file checked against the server.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;

use super::remote::RemoteIndex;
use super::{Check, Status, compare_node, local_digests};
use crate::api::storage::{self, DETAILS_MAX_IDS, id_key};
use crate::api::{ApiError, Client, Node};
use crate::receipt::{Entry, Receipt};
use crate::transfer::Algo;

/// A receipt that cannot prove an upload, refused unless `--partial` accepts it.
#[derive(Debug, thiserror::Error)]
pub enum Incomplete {
    #[error(
        "the receipt `{0}` has no summary line: the run that wrote it did not finish, so it \
         cannot prove the upload (pass --partial to check what it records)"
    )]
    Unfinished(String),
    #[error(
        "the receipt `{0}` records no files, so it proves nothing (pass --partial to accept \
         that)"
    )]
    NoFiles(String),
}

impl Incomplete {
    /// Why `receipt` (read from `shown`) proves less than an upload, if it does.
    pub fn of(receipt: &Receipt, shown: &str) -> Option<Incomplete> {
        if !receipt.finished {
            Some(Incomplete::Unfinished(shown.to_string()))
        } else if receipt.entries.is_empty() {
            Some(Incomplete::NoFiles(shown.to_string()))
        } else {
            None
        }
    }
}

/// Bulk details requests in flight at once.
const DETAILS_IN_FLIGHT: usize = 4;
/// Local files hashed at once (where the server's digest is not SHA-256).
const HASHING: usize = 2;

/// Check every entry of `receipt`, each in the workspace its line names (`workspace`; lines
/// without one: `default_ws`), or all in `default_ws` when `everything_in_default` (an explicit
/// `--workspace`). Relative local paths (needed only where the server's digest is not
/// SHA-256) are found under the current directory, else under the upload's working directory
/// (the receipt's `cwd`).
pub async fn verify_receipt(
    client: &Client,
    receipt: &Receipt,
    default_ws: &str,
    everything_in_default: bool,
) -> Result<Vec<Check>, ApiError> {
    let base_dir = receipt.run["cwd"].as_str().map(PathBuf::from);
    let ws_of = |e: &Entry| -> String {
        match e.workspace.as_deref() {
            Some(w) if !w.is_empty() && !everything_in_default => w.to_string(),
            _ => default_ws.to_string(),
        }
    };
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in receipt.entries.iter().filter(|e| e.status != "failed") {
        if let Some(id) = &e.node_id {
            ids.entry(ws_of(e)).or_default().push(id.clone());
        }
    }
    let groups: Vec<(String, Vec<String>)> = ids
        .iter()
        .flat_map(|(ws, ids)| {
            ids.chunks(DETAILS_MAX_IDS)
                .map(move |g| (ws.clone(), g.to_vec()))
        })
        .collect();
    let mut found: HashMap<(String, String), Node> = HashMap::new();
    // Ids the server could not look up even after retries: unverified, not missing.
    let mut unavailable: HashMap<String, String> = HashMap::new();
    let mut answers = futures_util::stream::iter(groups.into_iter().map(|(ws, g)| async move {
        storage::nodes_details(client, &ws, &g)
            .await
            .map(|d| (ws, d))
    }))
    .buffer_unordered(DETAILS_IN_FLIGHT);
    while let Some(r) = answers.next().await {
        let (ws, r) = r?;
        for n in r.nodes {
            found.insert((ws.clone(), id_key(&n.id)), n);
        }
        for (id, why) in r.unavailable {
            unavailable.insert(id_key(&id), why);
        }
    }
    drop(answers);

    // Entries without a node id: by path, in their workspace.
    let mut indexes: HashMap<String, RemoteIndex> = HashMap::new();
    let mut by_path: HashMap<(String, String), Option<Node>> = HashMap::new();
    for e in &receipt.entries {
        if e.status == "failed" || e.node_id.is_some() {
            continue;
        }
        if let Some(p) = &e.remote_path {
            let ws = ws_of(e);
            let index = indexes
                .entry(ws.clone())
                .or_insert_with(|| RemoteIndex::new(client.clone(), ws.clone()));
            let n = index.node(p).await?;
            by_path.insert((ws, p.clone()), n);
        }
    }

    let checks = futures_util::stream::iter(receipt.entries.iter().map(|e| {
        let ws = ws_of(e);
        let node = match &e.node_id {
            Some(id) => found.get(&(ws, id_key(id))).cloned(),
            None => e
                .remote_path
                .as_ref()
                .and_then(|p| by_path.get(&(ws, p.clone())).cloned().flatten()),
        };
        let down = match (&node, &e.node_id) {
            (None, Some(id)) => unavailable.get(&id_key(id)).cloned(),
            _ => None,
        };
        check_entry(e, node, down, base_dir.clone())
    }))
    .buffered(HASHING)
    .collect::<Vec<_>>()
    .await;
    Ok(checks)
}

/// The local file of an entry: as recorded (relative to the current directory), else relative
/// to the upload's working directory.
fn local_path(local: &str, base_dir: Option<&Path>) -> Option<PathBuf> {
    if local.is_empty() || local == crate::transfer::stdin::STDIN_LOCAL {
        return None;
    }
    let p = PathBuf::from(local);
    if p.is_file() || p.is_absolute() {
        return Some(p);
    }
    base_dir.map(|b| b.join(&p)).filter(|q| q.is_file())
}

/// `unavailable`: why the server could not look the entry's node up (so it is unverified,
/// not missing).
async fn check_entry(
    e: &Entry,
    node: Option<Node>,
    unavailable: Option<String>,
    base_dir: Option<PathBuf>,
) -> Check {
    let mut c = Check {
        status: Status::Ok,
        remote_path: e.remote_path.clone().unwrap_or_else(|| e.local.clone()),
        local: Some(e.local.clone()),
        node_id: e.node_id.clone(),
        size: e.size,
        detail: String::new(),
    };
    if e.status == "failed" {
        c.status = Status::Failed;
        c.detail = format!(
            "the upload failed: {}",
            e.error.as_deref().unwrap_or("no reason recorded")
        );
        return c;
    }
    if let Some(why) = unavailable {
        c.status = Status::Unverified;
        c.detail = format!("the server could not look the node up ({why})");
        return c;
    }
    let Some(node) = node else {
        c.status = Status::Missing;
        c.detail = match &e.node_id {
            Some(id) => format!("node {id} not found"),
            None => "not on the server (no node id recorded; looked up by path)".into(),
        };
        return c;
    };
    c.node_id = Some(node.id.clone());
    let digest = match compare_node(&node, e.size) {
        Ok(d) => d,
        Err((status, detail)) => {
            c.status = status;
            c.detail = detail;
            return c;
        }
    };
    let Some((algo, remote)) = digest else {
        c.detail = "size matches; the server reports no digest".into();
        return c;
    };
    if algo == Algo::Sha256 {
        match &e.sha256 {
            Some(want) if *want == remote => c.detail = "SHA-256 matches".into(),
            Some(want) => {
                c.status = Status::Different;
                c.detail = format!("SHA-256 {remote} on the server, {want} in the receipt");
            }
            None => c.detail = "size matches; the receipt has no SHA-256".into(),
        }
        return c;
    }
    // The server reports another digest: hash the local file again, which must still be the
    // file the receipt describes.
    let label = algo.label();
    let Some(path) = local_path(&e.local, base_dir.as_deref()) else {
        c.status = Status::Unverified;
        c.detail = format!(
            "the server reports {label} only and the local file `{}` is not there to hash",
            e.local
        );
        return c;
    };
    match local_digests(path, Some(algo)).await {
        Ok((sha, Some(other))) => {
            if e.sha256.as_deref().is_some_and(|want| want != sha) {
                c.status = Status::Unverified;
                c.detail = format!(
                    "the server reports {label} only and the local file changed since the \
                     upload (its SHA-256 is not the receipt's)"
                );
            } else if other == remote {
                c.detail = format!("{label} of the local file matches");
            } else {
                c.status = Status::Different;
                c.detail = format!("{label} {remote} on the server, {other} locally");
            }
        }
        Ok((_, None)) => {
            c.status = Status::Unverified;
            c.detail = format!("cannot compute {label}");
        }
        Err(err) => {
            c.status = Status::Unverified;
            c.detail = format!("the server reports {label} only; reading the local file: {err}");
        }
    }
    c
}
