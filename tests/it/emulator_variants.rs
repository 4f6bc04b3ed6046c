#![cfg(feature = "emulator")]
//! `--variant NAME`, `--fault-route` and the hardened multipart reader over real HTTP. Each
//! variant test checks the shape the variant promises on the wire, and that the default server
//! does not show it. Requests are written out by hand.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::{tree::*, wire::*};
use fastio::emulator::{EmulatorConfig, FaultRoute, RunningEmulator, Variant, start};
use md5::{Digest as _, Md5};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn with(variants: &[Variant]) -> RunningEmulator {
    start(EmulatorConfig {
        variants: variants.iter().copied().collect::<BTreeSet<_>>(),
        ..wire_limits()
    })
    .unwrap()
}

fn default_emu() -> RunningEmulator {
    start(wire_limits()).unwrap()
}

async fn raw_batch(emu: &RunningEmulator, files: &[(&str, &[u8])]) -> (u16, Value) {
    let manifest: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, (name, _))| json!({"index": i, "filename": name}))
        .collect();
    batch(
        emu,
        json!(manifest),
        files
            .iter()
            .enumerate()
            .map(|(i, (name, data))| (i, *name, data.to_vec()))
            .collect(),
    )
    .await
}

/// A chunked upload of `data` in chunks of `chunk` bytes, completed: the session id.
async fn chunked(emu: &RunningEmulator, name: &str, data: &[u8], chunk: usize) -> String {
    let (s, v) = create_session(emu, name, data.len(), &[]).await;
    assert_eq!(s, 200, "{v}");
    let id = payload(&v)["id"].as_str().unwrap().to_string();
    for (i, piece) in data.chunks(chunk).enumerate() {
        let (s, v) = send_chunk(emu, &id, i + 1, piece.to_vec(), "").await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, v) = complete(emu, &id).await;
    assert_eq!(s, 200, "{v}");
    id
}

fn md5_hex(b: &[u8]) -> String {
    hex::encode(Md5::digest(b))
}

// ---- the command line --------------------------------------------------------------------

#[test]
fn variant_list_prints_every_name_and_exits_0() {
    let out = assert_cmd::Command::cargo_bin("fastio")
        .unwrap()
        .args(["emulator", "--variant", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), Variant::ALL.len(), "{text}");
    for v in Variant::ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(v.name()))
            .unwrap_or_else(|| panic!("{} not listed: {text}", v.name()));
        assert!(line.contains(v.describe()), "{line}");
    }
    let bad = assert_cmd::Command::cargo_bin("fastio")
        .unwrap()
        .args(["emulator", "--variant", "no-such-thing"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let bad = assert_cmd::Command::cargo_bin("fastio")
        .unwrap()
        .args(["emulator", "--fault-route", "POST /upload"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn old_switches_and_their_variants_are_the_same() {
    for emu in [
        start(EmulatorConfig {
            flip_envelopes: true,
            validation_400: true,
            ..Default::default()
        })
        .unwrap(),
        with(&[Variant::FlipEnvelopes, Variant::Validation400]),
    ] {
        let (s, v) = get_json(&emu, "/user/auth/check/").await;
        assert_eq!(s, 200);
        assert_eq!(v["result"], true, "{v}");
        assert!(v.get("response").is_none());
        let search = format!("/workspace/{}/storage/search/?search=a", emu.workspace_id);
        let (s, v) = get_json(&emu, &search).await;
        assert_eq!(s, 400, "{v}");
        assert_eq!(v["result"], false);
        assert!(emu.state().has(Variant::FlipEnvelopes));
    }
}

// ---- envelopes ---------------------------------------------------------------------------

#[tokio::test]
async fn yes_no_spells_every_result_as_a_string() {
    let emu = with(&[Variant::YesNo]);
    let (s, v) = single_call(&emu, "root", "a.txt", b"hello".to_vec()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"], "yes", "{v}");
    assert!(v["new_file_id"].is_string(), "still flat: {v}");
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert_eq!(v["result"], "yes", "{v}");
    let (_, v) = create_session(&emu, "c.bin", 3 << 20, &[]).await;
    assert_eq!(v["result"], "yes", "{v}");
    let (s, v) = get_json(&emu, "/upload/5aaaa-bbbbb/details/").await;
    assert_eq!(s, 404);
    assert_eq!(v["result"], "no");

    let emu = default_emu();
    let (_, v) = single_call(&emu, "root", "a.txt", b"hello".to_vec()).await;
    assert_eq!(v["result"], true, "{v}");
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert_eq!(v["result"], true, "{v}");
}

#[tokio::test]
async fn response_nests_every_payload() {
    let emu = with(&[Variant::Response]);
    let (s, v) = single_call(&emu, "root", "a.txt", b"hello".to_vec()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"], true, "{v}");
    assert!(v["response"]["id"].is_string(), "{v}");
    assert!(v["response"]["new_file_id"].is_string(), "{v}");
    assert!(v.get("id").is_none(), "{v}");
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert_eq!(v["response"]["results"][0]["status"], "ok", "{v}");
    assert!(v.get("results").is_none());
    let (_, v) = create_session(&emu, "c.bin", 3 << 20, &[]).await;
    assert!(v["response"]["id"].is_string(), "{v}");
    // Already nested payloads stay as they are; errors are untouched.
    let (_, v) = get_json(&emu, "/user/auth/check/").await;
    assert_eq!(v["result"], "yes");
    assert!(v["response"]["id"].is_string(), "{v}");
    let (_, v) = get_json(&emu, "/upload/5aaaa-bbbbb/details/").await;
    assert!(
        v.get("response").is_none() && v["error"]["code"].is_number(),
        "{v}"
    );
    // Both together: the canonical nested envelope everywhere.
    let emu = with(&[Variant::Response, Variant::YesNo]);
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert_eq!(v["result"], "yes");
    assert_eq!(v["response"]["count_succeeded"], 1, "{v}");

    let emu = default_emu();
    let (_, v) = single_call(&emu, "root", "a.txt", b"hello".to_vec()).await;
    assert!(v.get("response").is_none() && v["id"].is_string(), "{v}");
}

#[tokio::test]
async fn string_has_more_in_keyset_and_offset_pagination() {
    let emu = with(&[Variant::StringHasMore]);
    for n in ["a.txt", "b.txt", "c.txt"] {
        single_call(&emu, "root", n, n.as_bytes().to_vec()).await;
    }
    let ws = &emu.workspace_id;
    let (s, v) = get_json(
        &emu,
        &format!("/workspace/{ws}/storage/root/list/?page_size=2"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let p = &v["response"]["pagination"];
    assert_eq!(p["has_more"], "true", "{v}");
    let cursor = p["next_cursor"].as_str().unwrap();
    let (s, v2) = get_json(
        &emu,
        &format!("/workspace/{ws}/storage/root/list/?page_size=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(s, 200, "{v2}");
    assert_eq!(v2["response"]["pagination"]["has_more"], "false", "{v2}");
    let names: Vec<&str> = v["response"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v2["response"]["nodes"].as_array().unwrap())
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a.txt", "b.txt", "c.txt"]);
    let (_, v) = get_json(&emu, "/orgs/list/?limit=1").await;
    assert_eq!(v["response"]["pagination"]["has_more"], "false", "{v}");
    let (_, v) = get_json(
        &emu,
        &format!("/workspace/{ws}/storage/search/?search=txt&limit=1"),
    )
    .await;
    assert_eq!(v["response"]["pagination"]["has_more"], "true", "{v}");

    let emu = default_emu();
    let (_, v) = get_json(&emu, "/orgs/list/").await;
    assert_eq!(v["response"]["pagination"]["has_more"], false, "{v}");
}

// ---- uploads -----------------------------------------------------------------------------

#[tokio::test]
async fn queued_states_are_observable_in_details() {
    let emu = with(&[Variant::QueuedStates]);
    let data = bytes(3 << 20, 1);
    let started = Instant::now();
    let id = chunked(&emu, "q.bin", &data, 2 << 20).await;
    let mut seen = vec!["assemble".to_string()];
    for _ in 0..200 {
        let s = session(&emu, &id, 2).await;
        let st = s["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st.clone());
        }
        if st == "stored" {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "assemble",
            "assembling",
            "complete",
            "store",
            "storing",
            "stored"
        ],
        "every queued state shows"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));

    // By default (no assembly delay) the session is stored before a poll can see the queue.
    let emu = default_emu();
    let id = chunked(&emu, "q.bin", &data, 2 << 20).await;
    let s = session(&emu, &id, 5).await;
    let s = if s["status"] == "stored" {
        s
    } else {
        wait_stored(&emu, &id).await
    };
    assert_eq!(s["status"], "stored");
}

#[tokio::test]
async fn async_uploads_store_later_without_ids_in_the_answer() {
    let emu = with(&[Variant::AsyncUploads]);
    let (s, v) = single_call(&emu, "root", "late.txt", b"later".to_vec()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["id"].is_string());
    assert!(v.get("new_file_id").is_none(), "{v}");
    let id = v["id"].as_str().unwrap();
    let first = session(&emu, id, 0).await;
    assert_eq!(first["status"], "storing", "{first}");
    assert!(first["new_file_id"].is_null());
    let done = wait_stored(&emu, id).await;
    let node = done["new_file_id"].as_str().unwrap();
    assert_eq!(read_node(&emu, node).await, b"later");
    // Batch: success without a node id; the file is there by listing.
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert_eq!(v["results"][0]["status"], "ok");
    assert!(v["results"][0]["node_id"].is_null(), "{v}");
    assert!(
        list(&emu, "root")
            .await
            .iter()
            .any(|n| n["name"] == "b.txt")
    );
    // Chunked sessions report the id once stored.
    let id = chunked(&emu, "c.bin", &bytes(3 << 20, 2), 2 << 20).await;
    assert!(wait_stored(&emu, &id).await["new_file_id"].is_string());

    let emu = default_emu();
    let (_, v) = single_call(&emu, "root", "now.txt", b"now".to_vec()).await;
    assert!(v["new_file_id"].is_string(), "{v}");
    assert_eq!(
        session(&emu, v["id"].as_str().unwrap(), 0).await["status"],
        "stored"
    );
    let (_, v) = raw_batch(&emu, &[("b.txt", b"b")]).await;
    assert!(v["results"][0]["node_id"].is_string(), "{v}");
}

#[tokio::test]
async fn stored_without_id_leaves_clients_to_list_the_folder() {
    let emu = with(&[Variant::StoredWithoutId]);
    let data = bytes(3 << 20, 3);
    let id = chunked(&emu, "s.bin", &data, 2 << 20).await;
    let s = wait_stored(&emu, &id).await;
    assert!(s.as_object().unwrap().get("new_file_id").is_none(), "{s}");
    let node = list(&emu, "root")
        .await
        .into_iter()
        .find(|n| n["name"] == "s.bin")
        .unwrap();
    assert_eq!(read_node(&emu, node["id"].as_str().unwrap()).await, data);

    let emu = default_emu();
    let id = chunked(&emu, "s.bin", &data, 2 << 20).await;
    assert!(wait_stored(&emu, &id).await["new_file_id"].is_string());
}

#[tokio::test]
async fn exact_chunks_require_chunk_size_for_all_but_the_last() {
    let mib = 1 << 20;
    let data = bytes(5 * mib, 4);
    let emu = with(&[Variant::ExactChunks]);
    let (_, v) = create_session(&emu, "e.bin", data.len(), &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    // 1.5 MiB is a valid uniform size but not chunk_size (2 MiB).
    let (s, v) = send_chunk(&emu, &id, 1, data[..3 * mib / 2].to_vec(), "").await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["code"], 1605);
    assert_eq!(v["error"]["params"][0]["name"], "size", "{v}");
    // The last chunk must be the remainder.
    let (s, v) = send_chunk(&emu, &id, 3, data[4 * mib..4 * mib + 1000].to_vec(), "").await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["params"][0]["name"], "size", "{v}");
    for (i, piece) in data.chunks(2 * mib).enumerate() {
        let (s, v) = send_chunk(&emu, &id, i + 1, piece.to_vec(), "").await;
        assert_eq!(s, 200, "{v}");
    }
    assert_eq!(complete_and_read(&emu, &id).await, data);

    // The default takes any uniform size of at least 1 MiB up to chunk_size.
    let emu = default_emu();
    let id = chunked(&emu, "u.bin", &data, 3 * mib / 2).await;
    assert_eq!(wait_stored(&emu, &id).await["status"], "stored");
}

#[tokio::test]
async fn wait_ms_reads_the_long_poll_wait_as_milliseconds() {
    let emu = with(&[Variant::WaitMs]);
    let (_, v) = create_session(&emu, "w.bin", 3 << 20, &[]).await;
    let id = v["id"].as_str().unwrap();
    let t = Instant::now();
    assert_eq!(session(&emu, id, 30).await["status"], "ready");
    assert!(
        t.elapsed() < Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );

    let emu = default_emu();
    let (_, v) = create_session(&emu, "w.bin", 3 << 20, &[]).await;
    let t = Instant::now();
    session(&emu, v["id"].as_str().unwrap(), 1).await;
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn truncate_names_echoes_the_truncated_batch_name() {
    let long = format!("{}.txt", "n".repeat(150));
    let short: String = format!("{}.txt", "n".repeat(96));
    let emu = with(&[Variant::TruncateNames]);
    let (_, v) = raw_batch(&emu, &[(&long, b"x"), ("ok.txt", b"y")]).await;
    assert_eq!(v["results"][0]["filename"], short.as_str(), "{v}");
    assert_eq!(v["results"][1]["filename"], "ok.txt");
    let names: Vec<String> = list(&emu, "root")
        .await
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&short), "{names:?}");

    // Default: the stored name is shortened too, but the result echoes the name as sent.
    let emu = default_emu();
    let (_, v) = raw_batch(&emu, &[(&long, b"x")]).await;
    assert_eq!(v["results"][0]["filename"], long.as_str());
}

#[tokio::test]
async fn md5_hashes_on_nodes_versions_and_sessions() {
    let emu = with(&[Variant::Md5Hashes]);
    let (_, v) = single_call(&emu, "root", "m.txt", b"first".to_vec()).await;
    single_call(&emu, "root", "m.txt", b"second".to_vec()).await;
    let node = v["new_file_id"].as_str().unwrap();
    let d = node_details(&emu, node).await;
    assert_eq!(d["hash_algo"], "md5", "{d}");
    assert_eq!(d["hash"], md5_hex(b"second"));
    let listed = list(&emu, "root").await;
    assert_eq!(listed[0]["hash"], md5_hex(b"second"));
    assert_eq!(listed[0]["hash_algo"], "md5");
    let ws = &emu.workspace_id;
    let (_, v) = get_json(&emu, &format!("/workspace/{ws}/storage/{node}/versions/")).await;
    let versions = v["response"]["versions"].as_array().unwrap();
    assert_eq!(versions[0]["hash"], md5_hex(b"second"), "{v}");
    assert_eq!(versions[1]["hash"], md5_hex(b"first"), "{v}");
    assert!(versions.iter().all(|x| x["hash_algo"] == "md5"));
    let (_, v) = single_call(&emu, "root", "n.txt", b"third".to_vec()).await;
    let s = session(&emu, v["id"].as_str().unwrap(), 0).await;
    assert_eq!(s["hash_algo"], "md5");
    assert_eq!(s["hash"], md5_hex(b"third"));

    let emu = default_emu();
    let (_, v) = single_call(&emu, "root", "m.txt", b"first".to_vec()).await;
    let d = node_details(&emu, v["new_file_id"].as_str().unwrap()).await;
    assert_eq!(d["hash_algo"], "sha256");
    assert_eq!(d["hash"], sha256_hex(b"first"));
}

// ---- workspaces, locks, OAuth, rate headers ----------------------------------------------

#[tokio::test]
async fn no_workspace_details_is_an_unknown_route() {
    let emu = with(&[Variant::NoWorkspaceDetails]);
    let ws = emu.workspace_id.clone();
    let (s, v) = get_json(&emu, &format!("/workspace/{ws}/details/")).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(v["error"]["code"], 9992);
    // The rest of the workspace is there.
    let (s, _) = get_json(&emu, &format!("/workspace/{ws}/storage/root/list/")).await;
    assert_eq!(s, 200);

    let emu = default_emu();
    let (s, v) = get_json(&emu, &format!("/workspace/{}/details/", emu.workspace_id)).await;
    assert_eq!(s, 200, "{v}");
}

async fn folder(emu: &RunningEmulator, name: &str) -> String {
    let (s, v) = post_form(
        emu,
        &format!("/workspace/{}/storage/root/createfolder/", emu.workspace_id),
        &[("name", name)],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["response"]["node"]["id"].as_str().unwrap().to_string()
}

fn lock_path(emu: &RunningEmulator, node: &str) -> String {
    format!("/workspace/{}/storage/{node}/lock/", emu.workspace_id)
}

#[tokio::test]
async fn nested_lock_token_names_the_token_token() {
    let emu = with(&[Variant::NestedLockToken]);
    let (_, v) = single_call(&emu, "root", "l.txt", b"l".to_vec()).await;
    let node = v["new_file_id"].as_str().unwrap().to_string();
    let (s, v) = post_form(&emu, &lock_path(&emu, &node), &[]).await;
    assert_eq!(s, 200, "{v}");
    let lock = &v["response"]["lock"];
    assert!(lock.get("lock_token").is_none(), "{v}");
    let token = lock["token"].as_str().unwrap().to_string();
    let (s, v) = post_form(
        &emu,
        &format!("{}heartbeat/", lock_path(&emu, &node)),
        &[("lock_token", &token)],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let r = sent(
        emu_request(&emu, Method::DELETE, &lock_path(&emu, &node)).form(&[("lock_token", &token)]),
    )
    .await;
    assert_eq!(r.status(), 200);

    let emu = default_emu();
    let (_, v) = single_call(&emu, "root", "l.txt", b"l".to_vec()).await;
    let (_, v) = post_form(
        &emu,
        &lock_path(&emu, v["new_file_id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert!(v["response"]["lock"]["lock_token"].is_string(), "{v}");
    assert!(v["response"]["lock"].get("token").is_none());
}

#[tokio::test]
async fn no_folder_locks_refuses_folders_and_root_only() {
    let emu = with(&[Variant::NoFolderLocks]);
    let dir = folder(&emu, "d").await;
    for node in [dir.as_str(), "root"] {
        let (s, v) = post_form(&emu, &lock_path(&emu, node), &[]).await;
        assert_eq!(s, 406, "{v}");
        assert_eq!(v["error"]["code"], 1605);
        assert_eq!(v["error"]["params"][0]["name"], "node_id");
    }
    let (_, v) = single_call(&emu, "root", "f.txt", b"f".to_vec()).await;
    let (s, _) = post_form(
        &emu,
        &lock_path(&emu, v["new_file_id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(s, 200);

    let emu = default_emu();
    let dir = folder(&emu, "d").await;
    let (s, v) = post_form(&emu, &lock_path(&emu, &dir), &[]).await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn token_endpoint_flaky_fails_every_other_request_with_html() {
    let form = [("grant_type", "refresh_token"), ("refresh_token", "nope")];
    let emu = with(&[Variant::TokenEndpointFlaky]);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let r = reqwest::Client::new()
            .post(format!("{}/oauth/token/", emu.base_url))
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        let body = r.text().await.unwrap();
        if status == 503 {
            assert!(ct.starts_with("text/html"), "{ct}");
            assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
        } else {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"], "invalid_grant");
        }
        seen.push(status);
    }
    assert_eq!(seen, [503, 400, 503, 400]);

    let emu = default_emu();
    let (s, v) = post_form(&emu, "/oauth/token/", &form).await;
    assert_eq!(s, 400, "{v}");
}

async fn limited_expiry(variants: &[Variant]) -> reqwest::header::HeaderMap {
    let emu = start(EmulatorConfig {
        rate_limit: 1.0,
        burst: Some(1),
        variants: variants.iter().copied().collect(),
        ..Default::default()
    })
    .unwrap();
    let c = reqwest::Client::new();
    let url = format!("{}/user/auth/check/", emu.base_url);
    c.get(&url).bearer_auth(&emu.api_key).send().await.unwrap();
    let r = c.get(&url).bearer_auth(&emu.api_key).send().await.unwrap();
    assert_eq!(r.status(), 429);
    r.headers().clone()
}

#[tokio::test]
async fn expiry_header_forms() {
    let h = limited_expiry(&[Variant::IsoExpiry]).await;
    let e = h["x-ve-limit-expires"].to_str().unwrap();
    let t = chrono::DateTime::parse_from_rfc3339(e).unwrap();
    assert!(e.ends_with('Z') && e.len() == 20, "{e}");
    assert!((t.timestamp() - chrono::Utc::now().timestamp()).abs() <= 3);

    let h = limited_expiry(&[Variant::LegacyRateHeaders, Variant::DatetimeExpiry]).await;
    let e = h["x-rate-limit-expiry"].to_str().unwrap();
    assert!(e.ends_with(" UTC") && e.contains(' '), "{e}");
    assert!(h.get("x-ve-limit-expires").is_none());

    let h = limited_expiry(&[]).await;
    h["x-ve-limit-expires"]
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
}

// ---- correct by default ------------------------------------------------------------------

#[tokio::test]
async fn chunk_fields_may_come_as_multipart_text_fields() {
    let emu = default_emu();
    let data = bytes(3 << 20, 5);
    let (_, v) = create_session(&emu, "m.bin", data.len(), &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    let send = |order: usize, piece: Vec<u8>, hash: String| {
        let form = Form::new()
            .text("order", order.to_string())
            .text("size", piece.len().to_string())
            .text("hash", hash)
            .text("hash_algo", "sha256")
            .part("chunk", Part::bytes(piece).file_name("chunk.bin"));
        reqwest::Client::new()
            .post(format!("{}/upload/{id}/chunk/", emu.base_url))
            .bearer_auth(&emu.api_key)
            .multipart(form)
            .send()
    };
    let (a, b) = data.split_at(2 << 20);
    // A wrong hash in a multipart field is refused and nothing is stored.
    let (s, v) = json_of(send(1, a.to_vec(), sha256_hex(b)).await.unwrap()).await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["params"][0]["name"], "hash");
    assert!(
        session(&emu, &id, 0).await["chunks"]
            .as_object()
            .unwrap()
            .is_empty()
    );
    for (order, piece) in [(1, a), (2, b)] {
        let (s, v) = json_of(
            send(order, piece.to_vec(), sha256_hex(piece))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
    // A wrong size in a field is refused as well.
    let (s, v) = json_of(
        sent(
            emu_request(&emu, Method::POST, &format!("/upload/{id}/chunk/")).multipart(
                Form::new()
                    .text("order", "2")
                    .text("size", "5")
                    .part("chunk", Part::bytes(b.to_vec()).file_name("c")),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(s, 406, "{v}");
    // The hash as query parameters works too (with a wrong one: refused).
    let (s, _) = send_chunk(
        &emu,
        &id,
        2,
        b.to_vec(),
        &format!("&hash={}&hash_algo=sha256", sha256_hex(a)),
    )
    .await;
    assert_eq!(s, 406);
    assert_eq!(complete_and_read(&emu, &id).await, data);
}

#[tokio::test]
async fn createfolder_renames_around_a_file_and_returns_an_existing_folder() {
    let emu = default_emu();
    single_call(&emu, "root", "docs", b"a file called docs".to_vec()).await;
    let path = format!("/workspace/{}/storage/root/createfolder/", emu.workspace_id);
    let (s, v) = post_form(&emu, &path, &[("name", "docs")]).await;
    assert_eq!(s, 200, "{v}");
    let node = &v["response"]["node"];
    assert_eq!(node["name"], "docs (2)");
    assert_eq!(node["type"], "folder");
    let (_, again) = post_form(&emu, &path, &[("name", "docs (2)")]).await;
    assert_eq!(again["response"]["node"]["id"], node["id"], "idempotent");
    let (_, forced) = post_form(&emu, &path, &[("name", "docs"), ("force", "true")]).await;
    assert_ne!(forced["response"]["node"]["id"], node["id"]);
    assert_eq!(forced["response"]["node"]["name"], "docs (3)");
}

#[tokio::test]
async fn deleting_a_session_shows_in_the_session_gauges() {
    let emu = default_emu();
    assert_eq!(emu.stats()["open_sessions"], 0);
    let (_, v) = create_session(&emu, "g.bin", 3 << 20, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(emu.stats()["open_sessions"], 1);
    assert_eq!(emu.stats()["upload_sessions"], 1);
    let (_, listed) = get_json(&emu, "/upload/details/").await;
    assert_eq!(listed["response"]["results"], 1);
    let r = sent(emu_request(&emu, Method::DELETE, &format!("/upload/{id}/"))).await;
    assert_eq!(r.status(), 200);
    let stats: Value = reqwest::get(format!("{}/__emulator/stats", emu.root_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["open_sessions"], 0, "{stats}");
    assert_eq!(stats["upload_sessions"], 0);
    let (s, _) = get_json(&emu, &format!("/upload/{id}/details/")).await;
    assert_eq!(s, 404);
    // A finished single-call session is known (until deleted) but not open.
    single_call(&emu, "root", "x.txt", b"x".to_vec()).await;
    assert_eq!(emu.stats()["open_sessions"], 0);
    assert_eq!(emu.stats()["upload_sessions"], 1);
}

#[tokio::test]
async fn upload_and_batch_have_separate_rate_limit_buckets() {
    let emu = start(EmulatorConfig {
        rate_limit: 0.5,
        burst: Some(1),
        ..Default::default()
    })
    .unwrap();
    let (s, _) = create_session(&emu, "a.bin", 3 << 20, &[]).await;
    assert_eq!(s, 200);
    let (s, _) = create_session(&emu, "b.bin", 3 << 20, &[]).await;
    assert_eq!(s, 429, "the /upload/ bucket is empty");
    let (s, v) = raw_batch(&emu, &[("c.txt", b"c")]).await;
    assert_eq!(s, 200, "the batch bucket is its own: {v}");
    let (s, _) = raw_batch(&emu, &[("d.txt", b"d")]).await;
    assert_eq!(s, 429, "and it runs out as well");
}

// ---- fault routes ------------------------------------------------------------------------

#[tokio::test]
async fn fault_routes_break_exactly_the_named_calls() {
    let emu = start(EmulatorConfig {
        fault_routes: vec![
            "POST /upload/batch=403".parse::<FaultRoute>().unwrap(),
            "POST /workspace/*/storage/*/lock=500".parse().unwrap(),
            "GET /upload/limits/=404".parse().unwrap(),
        ],
        ..Default::default()
    })
    .unwrap();
    let (s, v) = raw_batch(&emu, &[("a.txt", b"a")]).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(v["result"], "no");
    assert_eq!(v["error"]["code"], 1680);
    assert_eq!(v["error"]["text"], "injected fault");
    let (s, v) = single_call(&emu, "root", "b.txt", b"b".to_vec()).await;
    assert_eq!(s, 200, "single-call is not broken: {v}");
    let node = v["new_file_id"].as_str().unwrap().to_string();
    let (s, v) = post_form(&emu, &lock_path(&emu, &node), &[]).await;
    assert_eq!(s, 500);
    assert_eq!(v["error"]["code"], 1654);
    let (s, _) = get_json(&emu, &lock_path(&emu, &node)).await;
    assert_eq!(s, 200, "lock status (GET) still works");
    let (s, v) = get_json(&emu, "/upload/limits").await;
    assert_eq!(s, 404);
    assert_eq!(v["error"]["code"], 1609);
    let (s, _) = get_json(&emu, "/user/auth/check/").await;
    assert_eq!(s, 200);
    assert_eq!(emu.stats()["faults"]["route_403"], 1);
}

// ---- bounded multipart bodies ------------------------------------------------------------

/// A multipart body with one text field `name` of `size` bytes, produced while it is sent.
fn streamed_text_field(size: usize) -> reqwest::Body {
    let head = b"--BoUnDaRy\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n".to_vec();
    let piece = bytes::Bytes::from(vec![b'a'; 1 << 20]);
    let n = size / piece.len();
    let stream = futures_util::stream::iter(
        std::iter::once(bytes::Bytes::from(head))
            .chain(std::iter::repeat_n(piece, n))
            .chain(std::iter::once(bytes::Bytes::from_static(
                b"\r\n--BoUnDaRy--\r\n",
            )))
            .map(Ok::<_, std::io::Error>),
    );
    reqwest::Body::wrap_stream(stream)
}

#[tokio::test]
async fn a_huge_text_field_is_refused_at_once_with_413() {
    let emu = default_emu();
    for path in ["/upload/", "/upload/batch/"] {
        let t = Instant::now();
        let r = sent(
            emu_request(&emu, Method::POST, path)
                .header("content-type", "multipart/form-data; boundary=BoUnDaRy")
                .body(streamed_text_field(50 << 20)),
        )
        .await;
        let (s, v) = json_of(r).await;
        assert_eq!(s, 413, "{path}: {v}");
        assert_eq!(v["error"]["code"], 1656);
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{path}: {:?}",
            t.elapsed()
        );
    }
    // A body with no boundary at all is refused too, without being read whole.
    let r = sent(
        emu_request(&emu, Method::POST, "/upload/")
            .header("content-type", "multipart/form-data; boundary=elsewhere")
            .body(streamed_text_field(20 << 20)),
    )
    .await;
    let (s, v) = json_of(r).await;
    assert_eq!(s, 406, "{v}");
    // The server is fine afterwards.
    let (s, _) = single_call(&emu, "root", "after.txt", b"ok".to_vec()).await;
    assert_eq!(s, 200);
}
