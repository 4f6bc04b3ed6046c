#![cfg(feature = "emulator")]
//! Upload protocol over real HTTP: single-call, chunked sessions, batch. Multipart bodies and
//! JSON are written out here by hand.

use std::time::{Duration, Instant};

use crate::support::{tree::*, wire::*};
use fastio::emulator::{EmulatorConfig, start};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

#[tokio::test]
async fn single_call_stores_bytes_with_sha256_and_overwrites_in_place() {
    let emu = start(wire_limits()).unwrap();
    let data = b"hello world\n".to_vec();
    let (s, v) = single_call(&emu, "root", "a.txt", data.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"], true, "single-call answers flat: {v}");
    assert!(v["id"].as_str().unwrap().starts_with('5'));
    let node = v["new_file_id"].as_str().unwrap().to_string();
    let d = node_details(&emu, &node).await;
    assert_eq!(d["size"], 12);
    assert_eq!(d["hash"], sha256_hex(&data));
    assert_eq!(d["hash_algo"], "sha256");
    assert_eq!(d["name"], "a.txt");
    assert_eq!(read_node(&emu, &node).await, data);
    let v1 = d["version"].clone();

    // Same name again: same node id, new bytes, new version, old version kept.
    let (_, v2) = single_call(&emu, "root", "a.txt", b"second".to_vec()).await;
    assert_eq!(v2["new_file_id"], node.as_str());
    assert_eq!(read_node(&emu, &node).await, b"second");
    let d2 = node_details(&emu, &node).await;
    assert_ne!(d2["version"], v1);
    let r = sent(emu_request(
        &emu,
        Method::GET,
        &format!("/workspace/{}/storage/{node}/versions/", emu.workspace_id),
    ))
    .await;
    let (_, vers) = json_of(r).await;
    assert_eq!(vers["response"]["versions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn single_call_limit_is_4_mib_inclusive() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let (s, v) = single_call(&emu, "root", "max.bin", bytes(4_194_304, 1)).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = single_call(&emu, "root", "over.bin", bytes(4_194_305, 1)).await;
    assert_eq!(s, 413, "{v}");
    assert_eq!(v["error"]["code"], 1656);
}

#[tokio::test]
async fn chunked_upload_out_of_order_with_a_resent_chunk() {
    let emu = start(wire_limits()).unwrap();
    let total = 2 * MIB_USIZE + MIB_USIZE / 2;
    let data = bytes(total, 7);
    let (s, v) = create_session(&emu, "big.bin", total, &[]).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(session(&emu, &id, 0).await["status"], "ready");

    // Order 3 first, then 1 with wrong bytes, then 2, then 1 again with the right bytes.
    let (s, v) = send_chunk(&emu, &id, 3, data[2 * MIB_USIZE..].to_vec(), "").await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = send_chunk(&emu, &id, 1, bytes(MIB_USIZE, 99), "").await;
    assert_eq!(s, 200);
    let (s, _) = send_chunk(&emu, &id, 2, data[MIB_USIZE..2 * MIB_USIZE].to_vec(), "").await;
    assert_eq!(s, 200);
    let (s, _) = send_chunk(&emu, &id, 1, data[..MIB_USIZE].to_vec(), "").await;
    assert_eq!(s, 200);
    let sess = session(&emu, &id, 0).await;
    assert_eq!(sess["status"], "uploading");
    assert_eq!(
        sess["chunks"],
        json!({"1": MIB_USIZE, "2": MIB_USIZE, "3": MIB_USIZE / 2})
    );

    let (s, v) = complete(&emu, &id).await;
    assert_eq!(s, 200, "{v}");
    let done = wait_stored(&emu, &id).await;
    let node = done["new_file_id"].as_str().unwrap();
    assert_eq!(read_node(&emu, node).await, data);
    assert_eq!(node_details(&emu, node).await["hash"], sha256_hex(&data));
    let stats = emu.stats();
    assert_eq!(
        stats["chunk_orders"][&id]["1"], 2,
        "order 1 was received twice"
    );
}

#[tokio::test]
async fn chunk_rules_are_enforced() {
    let emu = start(wire_limits()).unwrap();
    let (_, v) = create_session(&emu, "r.bin", 5 * MIB_USIZE, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    // Larger than chunk_size (2 MiB).
    let (s, v) = send_chunk(&emu, &id, 1, bytes(2 * MIB_USIZE + 1, 1), "").await;
    assert_eq!(s, 413, "{v}");
    // order beyond max_chunks (8).
    let (s, v) = send_chunk(&emu, &id, 9, bytes(MIB_USIZE, 1), "").await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["params"][0]["name"], "order");
    // size in the query differs from the bytes sent.
    let form = Form::new().part(
        "chunk",
        Part::bytes(bytes(MIB_USIZE, 1)).file_name("chunk.bin"),
    );
    let r = sent(
        emu_request(
            &emu,
            Method::POST,
            &format!("/upload/{id}/chunk/?order=1&size=5"),
        )
        .multipart(form),
    )
    .await;
    assert_eq!(r.status().as_u16(), 406);
    // order/size as multipart fields instead of the query.
    let form = Form::new()
        .text("order", "1")
        .text("size", MIB_USIZE.to_string())
        .part(
            "chunk",
            Part::bytes(bytes(MIB_USIZE, 1)).file_name("chunk.bin"),
        );
    let r = sent(emu_request(&emu, Method::POST, &format!("/upload/{id}/chunk/")).multipart(form))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    // A small chunk below a stored higher order is not the last one.
    let (s, _) = send_chunk(&emu, &id, 3, bytes(MIB_USIZE, 3), "").await;
    assert_eq!(s, 200);
    let (s, v) = send_chunk(&emu, &id, 2, bytes(1000, 2), "").await;
    assert_eq!(s, 406, "{v}");
    // Session limit: 5 open sessions per user.
    for i in 0..4 {
        let (s, _) = create_session(&emu, &format!("s{i}"), 10, &[]).await;
        assert_eq!(s, 200);
    }
    let (s, v) = create_session(&emu, "s-too-many", 10, &[]).await;
    assert_eq!(s, 412, "{v}");
    // File size limit.
    let (s, v) = create_session(&emu, "huge", 17 * MIB_USIZE, &[]).await;
    assert_eq!(s, 413, "{v}");
    // Limits endpoint reports what is enforced.
    let r = sent(emu_request(&emu, Method::GET, "/upload/limits/")).await;
    let (_, l) = json_of(r).await;
    assert_eq!(l["response"]["chunk_size"], 2 * MIB_USIZE);
    assert_eq!(l["response"]["chunks"], 8);
    assert_eq!(l["response"]["size"], 16 * MIB_USIZE);
    assert_eq!(l["response"]["sessions"], 5);
}

#[tokio::test]
async fn resume_from_the_chunks_map() {
    let emu = start(wire_limits()).unwrap();
    let total = 3 * MIB_USIZE + 10;
    let data = bytes(total, 3);
    let (_, v) = create_session(&emu, "resume.bin", total, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    send_chunk(&emu, &id, 1, data[..MIB_USIZE].to_vec(), "").await;
    send_chunk(
        &emu,
        &id,
        3,
        data[2 * MIB_USIZE..3 * MIB_USIZE].to_vec(),
        "",
    )
    .await;

    // A "restarted client" reads the map and sends only what is missing.
    let sess = session(&emu, &id, 0).await;
    let have: Vec<usize> = sess["chunks"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.parse().unwrap())
        .collect();
    assert_eq!(have, [1, 3]);
    let r = sent(emu_request(
        &emu,
        Method::GET,
        &format!("/upload/{id}/chunk/"),
    ))
    .await;
    let (_, info) = json_of(r).await;
    assert_eq!(info["response"]["chunks"], sess["chunks"]);
    for order in 1..=4usize {
        if have.contains(&order) {
            continue;
        }
        let lo = (order - 1) * MIB_USIZE;
        let hi = (order * MIB_USIZE).min(total);
        let (s, _) = send_chunk(&emu, &id, order, data[lo..hi].to_vec(), "").await;
        assert_eq!(s, 200);
    }
    assert_eq!(complete_and_read(&emu, &id).await, data);

    // Sessions can be listed and cancelled.
    let r = sent(emu_request(&emu, Method::GET, "/upload/details/")).await;
    let (_, list) = json_of(r).await;
    assert_eq!(list["response"]["sessions"][0]["id"], id.as_str());
    let r = sent(emu_request(&emu, Method::DELETE, &format!("/upload/{id}/"))).await;
    assert_eq!(r.status().as_u16(), 200);
    let r = sent(emu_request(
        &emu,
        Method::GET,
        &format!("/upload/{id}/details/"),
    ))
    .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn wrong_total_size_fails_with_10522_and_kills_the_session() {
    let emu = start(wire_limits()).unwrap();
    let (_, v) = create_session(&emu, "short.bin", 2 * MIB_USIZE, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    send_chunk(&emu, &id, 1, bytes(MIB_USIZE, 1), "").await;
    send_chunk(&emu, &id, 2, bytes(1000, 1), "").await;
    let (s, v) = complete(&emu, &id).await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["code"], 10522);
    assert_eq!(session(&emu, &id, 0).await["status"], "assembly_failed");
    let (s, _) = send_chunk(&emu, &id, 2, bytes(MIB_USIZE, 1), "").await;
    assert_eq!(s, 406, "a dead session takes no more chunks");
    let (s, _) = complete(&emu, &id).await;
    assert_eq!(s, 406);
}

#[tokio::test]
async fn chunk_hash_mismatch_is_refused_and_not_stored() {
    let emu = start(wire_limits()).unwrap();
    let (_, v) = create_session(&emu, "h.bin", MIB_USIZE, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    let data = bytes(MIB_USIZE, 5);
    let wrong = sha256_hex(b"something else");
    let (s, v) = send_chunk(
        &emu,
        &id,
        1,
        data.clone(),
        &format!("&hash={wrong}&hash_algo=sha256"),
    )
    .await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["params"][0]["name"], "hash");
    assert_eq!(session(&emu, &id, 0).await["chunks"], json!({}));
    let right = sha256_hex(&data);
    let (s, _) = send_chunk(
        &emu,
        &id,
        1,
        data,
        &format!("&hash={right}&hash_algo=sha256"),
    )
    .await;
    assert_eq!(s, 200);

    // A whole-file hash on the session is checked at assembly.
    let (_, v) = create_session(
        &emu,
        "wf.bin",
        100,
        &[("hash", &wrong), ("hash_algo", "sha256")],
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    send_chunk(&emu, &id, 1, bytes(100, 1), "").await;
    complete(&emu, &id).await;
    let mut status = String::new();
    for _ in 0..50 {
        status = session(&emu, &id, 5).await["status"]
            .as_str()
            .unwrap()
            .to_string();
        if status == "assembly_failed" || status == "stored" {
            break;
        }
    }
    assert_eq!(status, "assembly_failed");
}

#[tokio::test]
async fn details_long_poll_returns_early_on_a_status_change() {
    let emu = start(EmulatorConfig {
        assembly_delay: Duration::from_millis(300),
        ..wire_limits()
    })
    .unwrap();
    let (_, v) = create_session(&emu, "lp.bin", 100, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    send_chunk(&emu, &id, 1, bytes(100, 1), "").await;
    complete(&emu, &id).await;
    let mut seen = vec![];
    let started = Instant::now();
    loop {
        let s = session(&emu, &id, 60).await;
        let st = s["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st.clone());
        }
        if st == "stored" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "long-poll did not return early: {seen:?}"
        );
    }
    // Every intermediate state was observable.
    for want in ["assembling", "complete", "store", "storing", "stored"] {
        assert!(
            seen.iter().any(|s| s == want),
            "{want} missing from {seen:?}"
        );
    }
}

/// A multipart chunk body whose bytes trickle in: the request stays in flight until `release`.
fn held_chunk(data: Vec<u8>) -> (Form, tokio::sync::oneshot::Sender<()>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let half = data.len() / 2;
    let first = bytes::Bytes::from(data[..half].to_vec());
    let rest = bytes::Bytes::from(data[half..].to_vec());
    let stream = futures_util::stream::unfold((0u8, Some(rx)), move |(step, rx)| {
        let (first, rest) = (first.clone(), rest.clone());
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(first), (1, rx))),
                1 => {
                    let _ = rx.unwrap().await;
                    Some((Ok(rest), (2, None)))
                }
                _ => None,
            }
        }
    });
    let len = data.len() as u64;
    let part =
        Part::stream_with_length(reqwest::Body::wrap_stream(stream), len).file_name("chunk.bin");
    (Form::new().part("chunk", part), tx)
}

#[tokio::test]
async fn three_chunks_in_flight_and_the_fourth_is_refused_with_429() {
    let emu = start(wire_limits()).unwrap();
    let total = 4 * MIB_USIZE;
    let data = bytes(total, 9);
    let (_, v) = create_session(&emu, "par.bin", total, &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    let client = reqwest::Client::new();
    let mut releases = Vec::new();
    let mut pending = Vec::new();
    for order in 1..=3usize {
        let (form, release) = held_chunk(data[(order - 1) * MIB_USIZE..order * MIB_USIZE].to_vec());
        releases.push(release);
        let req = client
            .post(format!(
                "{}/upload/{id}/chunk/?order={order}&size={MIB_USIZE}",
                emu.base_url
            ))
            .bearer_auth(&emu.api_key)
            .multipart(form)
            .send();
        pending.push(tokio::spawn(req));
    }
    // Wait until the server sees all three at once.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats: Value = client
            .get(format!("{}/__emulator/stats", emu.root_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if stats["max_chunks_in_flight"][&id] == 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "three chunk requests never overlapped: {stats}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = client
        .post(format!(
            "{}/upload/{id}/chunk/?order=4&size={MIB_USIZE}",
            emu.base_url
        ))
        .bearer_auth(&emu.api_key)
        .multipart(Form::new().part(
            "chunk",
            Part::bytes(data[3 * MIB_USIZE..].to_vec()).file_name("chunk.bin"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let h = r.headers().clone();
    for name in ["x-ve-limit-avail", "x-ve-limit-max", "x-ve-limit-expires"] {
        let v = h
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .to_str()
            .unwrap();
        assert!(v.parse::<u64>().is_ok(), "{name}: {v}");
    }
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], 1671);

    for r in releases {
        r.send(()).unwrap();
    }
    for p in pending {
        let resp = p.await.unwrap().unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    // The refused chunk can be sent now.
    let (s, _) = send_chunk(&emu, &id, 4, data[3 * MIB_USIZE..].to_vec(), "").await;
    assert_eq!(s, 200);
    assert_eq!(complete_and_read(&emu, &id).await, data);
    assert_eq!(emu.stats()["max_chunks_in_flight"][&id], 3);
}

#[tokio::test]
async fn batch_builds_the_tree_and_reports_partial_failure_flat() {
    let emu = start(wire_limits()).unwrap();
    let a = b"alpha".to_vec();
    let b = b"bravo".to_vec();
    let c = b"charlie".to_vec();
    let manifest = json!([
        {"index": 0, "filename": "a.txt", "hash": sha256_hex(&a), "hash_algo": "sha256"},
        {"index": 1, "filename": "b.txt", "relative_path": "docs/deep/"},
        {"index": 2, "filename": "c.txt", "relative_path": "../escape/"},
        {"index": 3, "filename": "d.txt", "relative_path": "docs/", "hash": sha256_hex(b"nope"), "hash_algo": "sha256"},
    ]);
    let (s, v) = batch(
        &emu,
        manifest,
        vec![
            (0, "a.txt", a.clone()),
            (1, "b.txt", b.clone()),
            (2, "c.txt", c),
            (3, "d.txt", b"dee".to_vec()),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"], true);
    assert!(v.get("response").is_none(), "batch answers flat");
    assert_eq!(v["count_total"], 4);
    assert_eq!(v["count_succeeded"], 2);
    assert_eq!(v["count_errored"], 2);
    assert_eq!(v["partial"], true);
    assert_eq!(v["all_failed"], false);
    let by_index = |i: u64| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["index"] == i)
            .unwrap()
            .clone()
    };
    assert_eq!(by_index(0)["status"], "ok");
    assert_eq!(by_index(1)["status"], "ok");
    assert_eq!(by_index(2)["status"], "error");
    assert_eq!(by_index(3)["status"], "error");
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);

    let root = list(&emu, "root").await;
    let docs = root
        .iter()
        .find(|n| n["name"] == "docs")
        .expect("docs/ created");
    assert_eq!(docs["type"], "folder");
    assert!(!root.iter().any(|n| n["name"] == "escape"));
    let deep = list(&emu, docs["id"].as_str().unwrap()).await;
    assert_eq!(
        deep.len(),
        1,
        "d.txt was refused, only deep/ remains: {deep:?}"
    );
    let deep_id = deep[0]["id"].as_str().unwrap().to_string();
    let files = list(&emu, &deep_id).await;
    assert_eq!(files[0]["name"], "b.txt");
    assert_eq!(
        read_node(&emu, by_index(1)["node_id"].as_str().unwrap()).await,
        b
    );
    assert_eq!(
        read_node(&emu, by_index(0)["node_id"].as_str().unwrap()).await,
        a
    );

    // All entries failing is still HTTP 200.
    let (s, v) = batch(
        &emu,
        json!([{"index": 0, "filename": "x.txt", "relative_path": "/abs/"}]),
        vec![(0, "x.txt", b"x".to_vec())],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["all_failed"], true);

    // Anonymous batch → 401 with code 10011.
    let r = reqwest::Client::new()
        .post(format!("{}/upload/batch/", emu.base_url))
        .multipart(Form::new().text("instance_id", emu.workspace_id.clone()))
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 401);
    assert_eq!(v["error"]["code"], 10011);

    // A file over 4 MiB fails alone; the rest of the batch is stored.
    let (s, v) = batch(
        &emu,
        json!([{"index": 0, "filename": "huge.bin"}, {"index": 1, "filename": "fine.txt"}]),
        vec![
            (0, "huge.bin", bytes(4 * MIB_USIZE + 1, 1)),
            (1, "fine.txt", b"fine".to_vec()),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["count_succeeded"], 1);
    assert_eq!(v["errors"][0]["index"], 0);
    assert_eq!(v["errors"][0]["error_code"], 1656);

    // More than 200 entries: whole batch refused.
    let many: Vec<Value> = (0..201)
        .map(|i| json!({"index": i, "filename": format!("m{i}")}))
        .collect();
    let (s, v) = batch(&emu, json!(many), vec![]).await;
    assert_eq!(s, 412, "{v}");
    assert_eq!(v["error"]["code"], 1685);
}

#[tokio::test]
async fn hundred_concurrent_single_call_uploads_into_one_folder() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let r = sent(
        emu_request(
            &emu,
            Method::POST,
            &format!("/workspace/{}/storage/root/createfolder/", emu.workspace_id),
        )
        .form(&[("name", "crowd")]),
    )
    .await;
    let (_, f) = json_of(r).await;
    let folder = f["response"]["node"]["id"].as_str().unwrap().to_string();
    let mut tasks = Vec::new();
    for i in 0..100u8 {
        let base = emu.base_url.clone();
        let key = emu.api_key.clone();
        let ws = emu.workspace_id.clone();
        let folder = folder.clone();
        tasks.push(tokio::spawn(async move {
            let data = bytes(1000 + i as usize * 37, i);
            let name = format!("file-{i:03}.bin");
            let form = Form::new()
                .text("name", name.clone())
                .text("size", data.len().to_string())
                .text("action", "create")
                .text("instance_id", ws)
                .text("folder_id", folder)
                .text("profile_type", "workspace")
                .part("chunk", Part::bytes(data.clone()).file_name(name.clone()));
            let r = reqwest::Client::new()
                .post(format!("{base}/upload/"))
                .bearer_auth(key)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let v: Value = r.json().await.unwrap();
            (name, data, v["new_file_id"].as_str().unwrap().to_string())
        }));
    }
    let mut uploaded = Vec::new();
    for t in tasks {
        uploaded.push(t.await.unwrap());
    }
    let listed = list(&emu, &folder).await;
    assert_eq!(listed.len(), 100);
    for (name, data, node) in uploaded {
        let entry = listed.iter().find(|n| n["name"] == name.as_str()).unwrap();
        assert_eq!(entry["id"], node.as_str());
        assert_eq!(entry["size"], data.len());
        assert_eq!(entry["hash"], sha256_hex(&data));
        assert_eq!(read_node(&emu, &node).await, data, "{name}");
    }
}

#[tokio::test]
async fn injected_assembly_and_storage_failures_end_the_session_with_a_message() {
    let emu = start(EmulatorConfig {
        assembly_fail_rate: 1.0,
        seed: Some(3),
        ..wire_limits()
    })
    .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..6 {
        let (_, v) = create_session(&emu, &format!("f{i}.bin"), 100, &[]).await;
        let id = v["id"].as_str().unwrap().to_string();
        send_chunk(&emu, &id, 1, bytes(100, i), "").await;
        let (s, _) = complete(&emu, &id).await;
        assert_eq!(s, 200);
        let mut last = Value::Null;
        for _ in 0..50 {
            last = session(&emu, &id, 5).await;
            let st = last["status"].as_str().unwrap();
            if st.ends_with("_failed") || st == "stored" {
                break;
            }
        }
        let st = last["status"].as_str().unwrap().to_string();
        assert!(st == "assembly_failed" || st == "store_failed", "{last}");
        assert!(
            last["status_message"]
                .as_str()
                .unwrap()
                .contains("injected")
        );
        assert!(last["new_file_id"].is_null());
        seen.insert(st);
        // Delete the dead session so the session limit is not reached.
        sent(emu_request(&emu, Method::DELETE, &format!("/upload/{id}/"))).await;
    }
    assert_eq!(seen.len(), 2, "both failure kinds occur: {seen:?}");
    assert!(list(&emu, "root").await.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn omitted_new_file_ids_leave_clients_to_poll_or_list() {
    let emu = start(EmulatorConfig {
        omit_new_file_ids: true,
        ..wire_limits()
    })
    .unwrap();
    let (s, v) = single_call(&emu, "root", "quiet.txt", b"q".to_vec()).await;
    assert_eq!(s, 200);
    assert!(v.get("new_file_id").is_none(), "{v}");
    let sess = session(&emu, v["id"].as_str().unwrap(), 0).await;
    assert_eq!(sess["status"], "stored");
    let node = sess["new_file_id"].as_str().unwrap().to_string();
    assert_eq!(read_node(&emu, &node).await, b"q");
    let (s, v) = batch(
        &emu,
        json!([{"index": 0, "filename": "b.txt"}]),
        vec![(0, "b.txt", b"b".to_vec())],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["results"][0]["status"], "ok");
    assert!(v["results"][0]["node_id"].is_null());
    assert!(
        list(&emu, "root")
            .await
            .iter()
            .any(|n| n["name"] == "b.txt")
    );
}
