//! Probes of the account: the credential, the workspace, the upload limits and the rate-limit
//! headers seen so far.

use serde_json::Value;

use super::{PAGE, api_fail, fail, ok};
use crate::api::ApiError;
use crate::api::ratelimit::LimitInfo;
use crate::api::storage;
use crate::api::upload::{self, Limits};
use crate::doctor::{Difference, Doctor, Probe, answer, envelope_differences, payload_of};

pub(super) async fn credential(d: &Doctor) -> Probe<String> {
    match d.client.get("/user/auth/check/", &[]).await {
        Ok(p) => {
            let obs = d.seen.peek();
            let id = crate::api::envelope::string_field(&p, "id");
            match id {
                Some(id) => ok(
                    id.clone(),
                    format!("user {id}"),
                    envelope_differences(&obs, "/user/"),
                ),
                None => fail("the token check answered without a user `id`"),
            }
        }
        // The error names the call; the reason the other checks do not run is kept.
        Err(e) => {
            let why = match &e {
                ApiError::NotTheApi { .. } => "not run: the server is not the Fast.io API",
                e if e.is_unreachable() => "not run: the server cannot be reached",
                e if e.is_auth() => "the credential was refused",
                _ => "not run: the credential could not be checked",
            };
            *d.blocked.lock().unwrap() = Some(why);
            fail(e.to_string())
        }
    }
}

pub(super) async fn workspace(d: &Doctor) -> Probe<String> {
    let ws = match crate::api::resolve_workspace(&d.client, &d.opts.workspace).await {
        Ok(ws) => ws,
        Err(e) => return fail(format!("{e:#}")),
    };
    let mut diffs = Vec::new();
    let mut detail = format!("id {}", ws.id);
    match crate::api::workspace::workspace_details(&d.client, &ws.id).await {
        Ok(w) if !w.name.is_empty() => detail.push_str(&format!(" ({})", w.name)),
        Ok(_) => {}
        Err(e) if e.is_no_route() => diffs.push(Difference::new(
            "GET /workspace/{id}/details/",
            "the workspace",
            "no such route (404/9992): the id is used as given",
        )),
        Err(e) if e.is_not_found() => return fail(format!("workspace `{}` not found", ws.id)),
        Err(e) => return api_fail("workspace details", &e),
    }
    // The root must be listable: every upload starts there.
    match storage::list_page(&d.client, &ws.id, "root", PAGE, None).await {
        Ok((items, _)) => detail.push_str(&format!(", root lists {} item(s)", items.len())),
        Err(e) if e.is_not_found() => return fail(format!("workspace `{}` not found", ws.id)),
        Err(e) => return api_fail("listing the root", &e),
    }
    ok(ws.id, detail, diffs)
}

pub(super) async fn limits(d: &Doctor) -> Probe<Limits> {
    // The limits of an upload into this workspace (its org's plan), as `upload` asks.
    let l = match upload::target_limits(&d.client, &d.ws()).await {
        Ok(upload::TargetLimits::Found(l)) => l,
        Ok(upload::TargetLimits::NoEndpoint) => {
            return fail("the server has no GET /upload/limits/ (defaults would be used)");
        }
        Ok(upload::TargetLimits::UnknownWorkspace) => {
            return fail(format!("workspace `{}` not found", d.ws()));
        }
        Err(e) => return api_fail("GET /upload/limits/", &e),
    };
    let obs = d.seen.peek();
    let mut diffs = envelope_differences(&obs, "/upload/limits");
    if let Some(o) = answer(&obs, "/upload/limits") {
        let p = payload_of(o);
        let v = p.get("limits").unwrap_or(&p);
        for key in ["chunk_size", "chunks", "size", "sessions"] {
            match v.get(key) {
                None => diffs.push(Difference::new(key, "a number", "absent (default used)")),
                Some(Value::Number(_)) => {}
                Some(other) => diffs.push(Difference::new(key, "a number", other.to_string())),
            }
        }
    }
    let big = 256u64 << 20;
    let plan = match l.chunk_size_for(big) {
        Some(c) => format!(
            "a 256 MiB file goes in {} chunks of {}",
            Limits::chunk_count(big, c),
            indicatif::HumanBytes(c)
        ),
        None => "a 256 MiB file does not fit".into(),
    };
    let detail = format!(
        "chunk_size {}, chunks {}, size {}, sessions {}; {plan}",
        l.chunk_size,
        l.chunks,
        l.size.map_or("-".into(), |s| s.to_string()),
        l.sessions.map_or("-".into(), |s| s.to_string()),
    );
    ok(l, detail, diffs)
}

pub(super) async fn rate_headers(d: &Doctor) -> Probe<()> {
    let seen = d.all_seen.lock().unwrap().clone();
    let current = seen
        .iter()
        .any(|o| o.headers.contains_key("x-ve-limit-avail"));
    let legacy = seen
        .iter()
        .any(|o| o.headers.contains_key("x-rate-limit-available"));
    let mut diffs = Vec::new();
    if !current && legacy {
        diffs.push(Difference::new(
            "rate-limit headers",
            "x-ve-limit-*",
            "X-Rate-Limit-* (legacy names)",
        ));
    }
    let expiry = seen.iter().find_map(|o| {
        ["x-ve-limit-expires", "x-rate-limit-expiry"]
            .iter()
            .find_map(|h| o.headers.get(*h).and_then(|v| v.to_str().ok()))
            .map(str::to_owned)
    });
    if let Some(e) = &expiry {
        if crate::api::ratelimit::parse_expiry(e).is_none() {
            return fail(format!("rate-limit expiry `{e}` cannot be read"));
        }
        if e.trim().parse::<u64>().is_err() {
            diffs.push(Difference::new(
                "x-ve-limit-expires",
                "epoch seconds",
                e.clone(),
            ));
        }
    }
    let info = seen
        .iter()
        .rev()
        .map(|o| LimitInfo::from_headers(&o.headers))
        .find(|i| i.max.is_some());
    let detail = match info {
        Some(i) => format!(
            "{} of {} calls left in the window",
            i.available.map_or("?".into(), |a| a.to_string()),
            i.max.unwrap_or(0)
        ),
        None => "no rate-limit headers seen (none required)".into(),
    };
    ok((), detail, diffs)
}
