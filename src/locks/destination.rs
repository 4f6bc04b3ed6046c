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
    /// The server granted the lock but then refused the holder's own upload into the folder
    /// (no upload call carries the lock token): the lock was released again.
    BindsHolder {
        label: String,
        source: ApiError,
    },
}

/// Size of the probe session: above the single-call limit, so it is a chunked session.
const PROBE_SIZE: u64 = 5 << 20;

/// May the holder of a lock on `folder_id` still upload into it? Opens (and at once cancels) a
/// chunked session there: `Err` with the refusal when the server answers "locked" (423/1677),
/// `Ok` otherwise (including any other failure, which the upload itself will meet).
pub async fn holder_may_upload(
    client: &Client,
    workspace_id: &str,
    folder_id: &str,
) -> Result<(), ApiError> {
    let target = crate::api::upload::Target {
        workspace_id,
        folder_id,
    };
    let name = "fastio-lock-probe.bin";
    match crate::api::upload::create_session(client, &target, name, PROBE_SIZE).await {
        Ok(session) => {
            let _ = crate::api::upload::cancel_session(client, &session).await;
            Ok(())
        }
        Err(e) if crate::api::locks::is_locked_error(&e) => Err(e),
        Err(_) => Ok(()),
    }
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
        // Every source documents file locks only: a server may grant the folder lock and then
        // refuse the holder's own uploads. Probe once; if so, give the lock back.
        Ok(held) => match holder_may_upload(client, workspace_id, &folder_id).await {
            Ok(()) => Ok(Destination::Locked {
                held: Box::new(held),
                label,
            }),
            Err(source) => {
                let _ = held.release().await;
                Ok(Destination::BindsHolder { label, source })
            }
        },
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
