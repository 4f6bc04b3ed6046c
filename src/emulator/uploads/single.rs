//! Single-call uploads: one multipart `POST /upload/` with the whole file (at most
//! [`SINGLE_CALL_MAX`] bytes), stored at once or, under `async-uploads`, shortly after.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use super::spool::{Hasher, Spooled, hash_file, read_upload_form, remove_quietly};
use super::target::{resolve_target, target_workspace};
use super::{SINGLE_CALL_MAX, Session, SessionData, uploads};
use crate::emulator::caller::Caller;
use crate::emulator::multipart::MultipartReader;
use crate::emulator::store::now_ms;
use crate::emulator::wire::{self, ApiErr, ApiResult, Fields};
use crate::emulator::{AppState, Variant, ids};

/// How long a single-call upload stays `storing` under `async-uploads` (at least).
const ASYNC_STORE_DELAY: Duration = Duration::from_millis(300);

/// Single-call upload: text fields, then the `chunk` part with the bytes.
pub(super) async fn single_call(
    state: AppState,
    caller: Caller,
    query: Option<String>,
    mp: &mut MultipartReader,
) -> ApiResult {
    let tmp = state.store.tmp_path();
    let (mut fields, spooled) = read_upload_form(mp, &tmp, SINGLE_CALL_MAX, true).await?;
    if let Some(q) = query {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            fields.entry(k.into_owned()).or_insert(v.into_owned());
        }
    }
    let f = Fields(fields);
    let outcome = single_call_store(&state, &caller, &f, spooled.as_ref()).await;
    if outcome.is_err() {
        // On success the temp file was renamed into the blob store.
        remove_quietly(&tmp);
    }
    outcome
}

async fn single_call_store(
    state: &AppState,
    caller: &Caller,
    f: &Fields,
    spooled: Option<&Spooled>,
) -> ApiResult {
    let Some(sp) = spooled else {
        return Err(ApiErr::missing("chunk"));
    };
    let name = f.req("name")?.to_string();
    if let Some(declared) = f.parse::<u64>("size")? {
        if declared > SINGLE_CALL_MAX {
            return Err(ApiErr::too_large(format!(
                "single-call uploads are limited to {SINGLE_CALL_MAX} bytes; use a chunked session"
            )));
        }
        if declared != sp.size {
            return Err(ApiErr::invalid(
                "size",
                &format!("is {declared} but {} bytes were sent", sp.size),
            ));
        }
    }
    let action = f.get("action").unwrap_or("create");
    if action != "create" && action != "update" {
        return Err(ApiErr::invalid("action", "must be create or update"));
    }
    let sha = sp.sha256.clone().unwrap_or_default();
    if let (Some(h), Some(a)) = (f.get("hash"), f.get("hash_algo"))
        && let Some(hasher) = Hasher::for_algo(a)?
    {
        let got = match hasher {
            Hasher::Sha256(_) => sha.clone(),
            other => {
                let p = sp.path.clone();
                tokio::task::spawn_blocking(move || hash_file(&p, other))
                    .await
                    .map_err(|_| ApiErr::internal("hash task failed"))??
            }
        };
        if !got.eq_ignore_ascii_case(h) {
            return Err(ApiErr::invalid("hash", "does not match the uploaded bytes"));
        }
    }
    let instance = target_workspace(state, caller, f, &name).await?;
    let async_store = state.has(Variant::AsyncUploads);
    let md5 = state.has(Variant::Md5Hashes);
    let now = now_ms();
    let mut data = SessionData {
        id: ids::opaque('5'),
        user_id: caller.user_id.clone(),
        principal: caller.principal.clone(),
        name: name.clone(),
        size: sp.size,
        action: action.to_string(),
        instance_id: instance.clone(),
        folder_id: "root".into(),
        profile_type: f.get("profile_type").unwrap_or("workspace").to_string(),
        file_id: None,
        hash: Some(sha.clone()),
        hash_algo: Some(if md5 { "md5" } else { "sha256" }.into()),
        status: "complete".into(),
        status_message: None,
        new_file_id: None,
        chunks: BTreeMap::from([(1, sp.size)]),
        single_call: true,
        created: now,
        updated: now,
        stream: false,
        max_size: None,
    };
    // One blocking hop: target checks, blob renamed into place, node committed (under
    // `async-uploads` the commit follows later, see below).
    let (st, c, fields) = (state.clone(), caller.clone(), f.clone());
    let path = sp.path.clone();
    let size = sp.size;
    let (target, node, pending, md5_hex) = state
        .db(move |s| {
            let t = resolve_target(&st, &c, &fields, instance, &name)?;
            let md5_hex = if md5 {
                Some(crate::emulator::hashes::md5_file(&path)?)
            } else {
                None
            };
            let Some(ws) = t.workspace.clone() else {
                return Ok((t, None, None, md5_hex));
            };
            let blob = s.adopt_blob(&path, size, sha)?;
            let update = fields.get("action") == Some("update");
            let commit = Commit {
                ws,
                parent: t.parent.clone(),
                existing: t.existing.clone(),
                update,
                name,
                blob,
            };
            if async_store {
                return Ok((t, None, Some(commit), md5_hex));
            }
            let node = commit.run(&st, s)?;
            Ok((t, Some(node), None, md5_hex))
        })
        .await?;
    data.folder_id = target.parent;
    data.file_id = target.existing;
    if let Some(m) = md5_hex {
        data.hash = Some(m);
    }
    if let Some(node) = node {
        data.status = "stored".into();
        data.new_file_id = Some(node.id);
    }
    if pending.is_some() {
        data.status = "storing".into();
    }
    // Single-call sessions are kept in memory only (they are already finished).
    let s = Session::new(data.clone());
    uploads(state).insert(s.clone());
    s.changed.send_modify(|v| *v += 1);
    state.activity.bump(format!("upload:{}", data.id));
    if let Some(commit) = pending {
        let (st, s2) = (state.clone(), s.clone());
        tokio::spawn(async move {
            tokio::time::sleep(st.config.assembly_delay.max(ASYNC_STORE_DELAY)).await;
            let st2 = st.clone();
            let r = st.db(move |store| commit.run(&st2, store)).await;
            s2.update(|d| match r {
                Ok(node) => {
                    d.status = "stored".into();
                    d.new_file_id = Some(node.id);
                }
                Err(e) => {
                    d.status = "store_failed".into();
                    d.status_message = Some(e.text);
                }
            });
            s2.changed.send_modify(|v| *v += 1);
            st.activity.bump(format!("upload:{}", s2.get().id));
        });
    }
    let mut out = json!({"id": data.id});
    if let Some(n) = data
        .new_file_id
        .as_ref()
        .filter(|_| !state.has(Variant::OmitNewFileIds))
    {
        out["new_file_id"] = json!(n);
    }
    wire::ok_flat(out)
}

/// Linking an uploaded blob as a file (single-call uploads).
struct Commit {
    ws: String,
    parent: String,
    existing: Option<String>,
    /// `action=update`: the node keeps its own name.
    update: bool,
    name: String,
    blob: crate::emulator::store::Blob,
}

impl Commit {
    /// Commit the file and announce it (blocking).
    fn run(
        self,
        state: &AppState,
        s: &crate::emulator::store::Store,
    ) -> Result<crate::emulator::store::Node, ApiErr> {
        let node = match &self.existing {
            Some(id) if self.update => {
                let n = s
                    .node(&self.ws, id)?
                    .ok_or_else(|| ApiErr::not_found("file"))?;
                s.commit_file(&self.ws, &n.parent, &n.name, &self.blob)?
            }
            _ => s.commit_file(&self.ws, &self.parent, &self.name, &self.blob)?,
        };
        state.file_stored(&self.ws, &node);
        Ok(node)
    }
}
