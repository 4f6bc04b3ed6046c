//! Probes of folders: the scratch folder (created twice, idempotently) and paginated listing.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{PAGE, api_fail, fail, ok};
use crate::api::storage;
use crate::doctor::{Difference, Doctor, Probe, answer, envelope_differences, payload_of};

/// A random hex suffix for scratch names.
fn suffix() -> String {
    hex::encode(rand::random::<[u8; 4]>())
}

pub(super) async fn create_scratch(d: &Doctor) -> Probe<String> {
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

pub(super) async fn listing(d: &Doctor, folder: String, expect: Option<usize>) -> Probe<()> {
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
