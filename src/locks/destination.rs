//! `upload --lock`: the destination folder is created if needed and locked for the upload
//! (300 s, heartbeated). The workspace root is never locked; a server that will not lock the
//! folder leaves the upload unlocked, said once; someone else's lock stops the upload.

use super::keeper::{AcquireError, AcquireOpts, HeldLock};
use crate::api::folders::split_remote_path;
use crate::api::{ApiError, Client, FolderResolver};

/// How the destination came to be locked, or not.
pub enum Destination {
    Locked {
        held: Box<HeldLock>,
        label: String,
    },
    /// `--to` is the workspace root.
    Root,
    /// The server refused to lock the folder (folder locks unsupported, or not allowed).
    Refused {
        label: String,
        source: ApiError,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DestinationError {
    #[error("--to: {0}")]
    BadPath(String),
    #[error("creating the destination folder `{label}`: {source}")]
    Folder {
        label: String,
        #[source]
        source: ApiError,
    },
    #[error(transparent)]
    Acquire(#[from] AcquireError),
}

/// Lock `dest` (a remote folder path) in `workspace_id`; `duration` and the heartbeat from
/// `opts`.
pub async fn lock_destination(
    client: &Client,
    workspace_id: &str,
    dest: &str,
    opts: &AcquireOpts,
) -> Result<Destination, DestinationError> {
    let label = split_remote_path(dest)
        .map_err(DestinationError::BadPath)?
        .join("/");
    if label.is_empty() {
        return Ok(Destination::Root);
    }
    let folders = FolderResolver::new(client.clone(), workspace_id.to_string(), true);
    let folder_id = folders
        .ensure(&label)
        .await
        .map_err(|source| DestinationError::Folder {
            label: label.clone(),
            source,
        })?;
    match HeldLock::acquire(client, workspace_id, &folder_id, &label, opts).await {
        Ok(held) => Ok(Destination::Locked {
            held: Box::new(held),
            label,
        }),
        Err(AcquireError::Api { source, .. })
            if matches!(
                source.status(),
                Some(400 | 403 | 404 | 405 | 406 | 409 | 412)
            ) && !source.is_unauthenticated() =>
        {
            Ok(Destination::Refused { label, source })
        }
        Err(other) => Err(other.into()),
    }
}
