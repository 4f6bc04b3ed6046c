//! The end of a stream upload: the session waited on until `stored`, and the stored node
//! checked against what standard input held.

use std::time::Instant;

use super::{Pumped, StdinOptions};
use crate::api::upload::{self, WAIT_SECS, poll_pause};
use crate::api::{Client, storage};
use crate::transfer::{Cancel, FileError};

/// Wait for the stream session to be stored; check size and digest; the new node's id.
pub(super) async fn stored_node(
    client: &Client,
    opts: &StdinOptions,
    folder_id: &str,
    session: &str,
    pumped: &Pumped,
    cancel: &Cancel,
) -> Result<String, FileError> {
    let deadline = Instant::now() + opts.assembly_timeout;
    let mut previous: Option<String> = None;
    let stored = loop {
        let t = Instant::now();
        let s = tokio::select! {
            s = upload::session_details(client, session, Some(WAIT_SECS)) => s?,
            _ = cancel.abort.cancelled() => return Err(FileError::Cancelled),
        };
        if s.is_stored() {
            break s;
        }
        if s.is_failed() {
            return Err(FileError::Server(format!(
                "the stream upload ended `{}`: {}",
                s.status,
                s.status_message.as_deref().unwrap_or("no reason given")
            )));
        }
        if Instant::now() >= deadline {
            return Err(FileError::Server(format!(
                "upload session `{session}` is still `{}` after {} s (--assembly-timeout)",
                s.status,
                opts.assembly_timeout.as_secs()
            )));
        }
        let pause = poll_pause(t.elapsed(), previous.as_deref(), &s.status);
        previous = Some(s.status.clone());
        tokio::time::sleep(pause).await;
    };
    if let (Some(h), Some("sha256")) = (&stored.hash, stored.hash_algo.as_deref())
        && !h.eq_ignore_ascii_case(&pumped.sha256)
    {
        return Err(FileError::Verify(format!(
            "the server's SHA-256 of the stream ({h}) is not that of standard input ({})",
            pumped.sha256
        )));
    }
    let node_id = match stored.new_file_id {
        Some(id) => id,
        None => storage::list_folder(client, &opts.workspace_id, folder_id)
            .await?
            .into_iter()
            .find(|n| n.name == opts.name && n.is_file())
            .map(|n| n.id)
            .ok_or_else(|| {
                FileError::Server(format!("stored, but `{}` is not in its folder", opts.name))
            })?,
    };
    let node = storage::node_details(client, &opts.workspace_id, &node_id).await?;
    if node.size != Some(pumped.size) {
        return Err(FileError::Verify(format!(
            "the server stored {} bytes, standard input had {}",
            node.size
                .map_or_else(|| "an unknown number of".into(), |n| n.to_string()),
            pumped.size
        )));
    }
    if let Some(h) = node.sha256()
        && h != pumped.sha256
    {
        return Err(FileError::Verify(format!(
            "the stored file's SHA-256 ({h}) is not that of standard input ({})",
            pumped.sha256
        )));
    }
    Ok(node_id)
}
