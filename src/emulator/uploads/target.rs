//! Where an upload goes: name and profile checks, the target workspace and folder, the node it
//! overwrites, and the locks on the way ([`check_target`]).

use crate::emulator::AppState;
use crate::emulator::caller::Caller;
use crate::emulator::wire::{ApiErr, Fields};

/// Names: 1–255 chars, no `/` or `\`.
fn check_file_name(field: &str, name: &str) -> Result<(), ApiErr> {
    crate::emulator::storage::check_name(field, name)
}

/// Where an upload goes: the workspace (if placed), the parent folder key and the existing
/// node it overwrites (same name, or `file_id` with `action=update`).
pub(in crate::emulator) struct Target {
    pub(in crate::emulator) workspace: Option<String>,
    pub(in crate::emulator) parent: String,
    pub(in crate::emulator) existing: Option<String>,
}

/// Common checks of a new upload (name, profile type, workspace) that need no storage access.
pub(super) async fn target_workspace(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    name: &str,
) -> Result<Option<String>, ApiErr> {
    check_file_name("name", name)?;
    let profile_type = f.get("profile_type").unwrap_or("workspace");
    if profile_type != "workspace" && profile_type != "share" {
        return Err(ApiErr::invalid(
            "profile_type",
            "must be workspace or share",
        ));
    }
    let Some(instance) = f.get("instance_id").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let (ws, share_root) = state.instance_for(instance, caller).await?;
    if profile_type == "share" && share_root.is_none() {
        return Err(ApiErr::not_found("share"));
    }
    Ok(Some(ws.id))
}

/// The storage half of the target checks (blocking): folder exists, existing node, lock.
pub(super) fn resolve_target(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    ws: Option<String>,
    name: &str,
) -> Result<Target, ApiErr> {
    let Some(ws) = ws else {
        return Ok(Target {
            workspace: None,
            parent: "root".into(),
            existing: None,
        });
    };
    let s = &state.store;
    let (parent, existing) = if f.get("action") == Some("update") {
        let id = f.req("file_id")?;
        let n = s.node(&ws, id)?.ok_or_else(|| ApiErr::not_found("file"))?;
        if n.is_folder() {
            return Err(ApiErr::invalid("file_id", "is a folder"));
        }
        (n.parent.clone(), Some(n.id))
    } else {
        // A share's `root` is its folder.
        let folder = match (
            f.get("folder_id").unwrap_or("root"),
            state.share_root(f.get("instance_id")),
        ) {
            ("root", Some(share_root)) => share_root,
            (folder, _) => folder.to_string(),
        };
        let parent = s.resolve_folder(&ws, &folder)?;
        let existing = s.child(&ws, &parent, name)?.filter(|n| !n.is_folder());
        (parent, existing.map(|n| n.id))
    };
    if let Some(node) = &existing {
        state.locks.check_write(node, caller, f.get("lock_token"))?;
    }
    // The destination folder and every folder above it must not be locked by someone else.
    if !state.locks.is_empty() {
        let mut cur = parent.clone();
        let strict = state.has(crate::emulator::Variant::FolderLockBindsHolder);
        for _ in 0..256 {
            state
                .locks
                .check_write_into(&cur, caller, f.get("lock_token"), strict)?;
            if cur == "root" {
                break;
            }
            match s.node(&ws, &cur)? {
                Some(n) => cur = n.parent,
                None => break,
            }
        }
    }
    Ok(Target {
        workspace: Some(ws),
        parent,
        existing,
    })
}

/// [`target_workspace`] + [`resolve_target`] for session creation.
pub(in crate::emulator) async fn check_target(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    name: &str,
) -> Result<Target, ApiErr> {
    let ws = target_workspace(state, caller, f, name).await?;
    let (st, c, fields, n) = (state.clone(), caller.clone(), f.clone(), name.to_string());
    state
        .db(move |_| resolve_target(&st, &c, &fields, ws, &n))
        .await
}
