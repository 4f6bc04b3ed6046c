#![cfg(feature = "emulator")]
//! Replays the request shapes the official Fast.io CLI (MediaFire/fastio_cli) sends for
//! `upload file` (single-call, chunked, batch with --preserve-tree) and `files list`, and reads
//! the answers the way it does: `result` must be truthy ("yes" or true), payload under
//! `response` if present else the top level. Shapes written out by hand from its source.

use fastio::emulator::{EmulatorConfig, start};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const UA: &str = "fastio-cli/0.2.9";

/// The official client's envelope handling.
fn unwrap_like_official(status: u16, body: Value) -> Value {
    let ok = match body.get("result") {
        Some(Value::String(s)) => s == "yes",
        Some(Value::Bool(b)) => *b,
        _ => false,
    };
    assert!(ok, "HTTP {status}: result not truthy in {body}");
    match body.get("response") {
        Some(r) => r.clone(),
        None => {
            let mut m = body;
            let o = m.as_object_mut().unwrap();
            o.remove("result");
            o.remove("current_api_version");
            m
        }
    }
}

async fn send(req: reqwest::RequestBuilder) -> Value {
    let r = req.header("User-Agent", UA).send().await.unwrap();
    let s = r.status().as_u16();
    unwrap_like_official(s, r.json().await.unwrap())
}

#[tokio::test]
async fn official_cli_request_shapes_are_accepted() {
    let emu = start(EmulatorConfig {
        chunk_size: 8 << 20,
        ..Default::default()
    })
    .unwrap();
    let http = reqwest::Client::new();
    let base = emu.base_url.trim_end_matches('/').to_string();
    let ws = emu.workspace_id.clone();
    let key = emu.api_key.clone();

    // Start-up probe.
    let me = send(
        http.get(format!("{base}/user/auth/check/"))
            .bearer_auth(&key),
    )
    .await;
    assert!(me["id"].is_string());

    // `upload file` (≤ 4 MiB): single-call, text parts then `chunk` with the file name.
    let small = b"tiny file".to_vec();
    let form = Form::new()
        .text("name", "tiny.txt")
        .text("size", small.len().to_string())
        .text("action", "create")
        .text("instance_id", ws.clone())
        .text("folder_id", "root")
        .text("profile_type", "workspace")
        .part("chunk", Part::bytes(small.clone()).file_name("tiny.txt"));
    let p = send(
        http.post(format!("{base}/upload/"))
            .bearer_auth(&key)
            .multipart(form),
    )
    .await;
    assert!(p["id"].is_string());
    let tiny_node = p["new_file_id"].as_str().unwrap().to_string();

    // `upload file` (> 4 MiB): form-encoded session create, fixed 4 MiB chunks sent one at a
    // time with order/size in the query and a `chunk` part named chunk.bin.
    let big: Vec<u8> = (0..(9 << 20) + 123).map(|i| (i % 251) as u8).collect();
    let p = send(
        http.post(format!("{base}/upload/"))
            .bearer_auth(&key)
            .form(&[
                ("name", "big.bin".to_string()),
                ("size", big.len().to_string()),
                ("action", "create".into()),
                ("instance_id", ws.clone()),
                ("folder_id", "root".into()),
                ("profile_type", "workspace".into()),
            ]),
    )
    .await;
    let upload_id = p["id"].as_str().unwrap().to_string();
    for (i, chunk) in big.chunks(4 << 20).enumerate() {
        let url = format!(
            "{base}/upload/{upload_id}/chunk/?order={}&size={}",
            i + 1,
            chunk.len()
        );
        let form = Form::new().part("chunk", Part::bytes(chunk.to_vec()).file_name("chunk.bin"));
        send(http.post(url).bearer_auth(&key).multipart(form)).await;
    }
    // complete with an empty form body, then poll details (no wait=) until stored.
    let empty: [(&str, &str); 0] = [];
    send(
        http.post(format!("{base}/upload/{upload_id}/complete/"))
            .bearer_auth(&key)
            .form(&empty),
    )
    .await;
    let mut node = None;
    for _ in 0..60 {
        let p = send(
            http.get(format!("{base}/upload/{upload_id}/details/"))
                .bearer_auth(&key),
        )
        .await;
        let status = p["session"]["status"].as_str().unwrap().to_string();
        if status == "stored" {
            node = p["session"]["new_file_id"].as_str().map(str::to_string);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let big_node = node.expect("chunked upload reached stored");
    // The official client reaps the session after success.
    send(
        http.delete(format!("{base}/upload/{upload_id}/"))
            .bearer_auth(&key),
    )
    .await;
    // A second reap answers 404 with 10508 (which it treats as benign).
    let r = http
        .delete(format!("{base}/upload/{upload_id}/"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], 10508);

    // `upload file --preserve-tree` with small files: batch, manifest first, then file_i
    // parts streamed with a length; sha256 hashes; relative paths end in `/`.
    let files: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        ("a.txt", None, b"A".to_vec()),
        ("b.txt", Some("src/"), b"BB".to_vec()),
        ("c.txt", Some("src/deep/"), b"CCC".to_vec()),
    ];
    let manifest: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, (name, rel, data))| {
            let mut o = json!({"index": i, "filename": name});
            if let Some(r) = rel {
                o["relative_path"] = json!(r);
            }
            o["hash_algo"] = json!("sha256");
            o["hash"] = json!(hex::encode(Sha256::digest(data)));
            o
        })
        .collect();
    let mut form = Form::new()
        .text("instance_id", ws.clone())
        .text("manifest", serde_json::to_string(&manifest).unwrap())
        .text("folder_id", "root");
    for (i, (name, _, data)) in files.iter().enumerate() {
        let part = Part::stream_with_length(reqwest::Body::from(data.clone()), data.len() as u64)
            .file_name(name.to_string());
        form = form.part(format!("file_{i}"), part);
    }
    let r = http
        .post(format!("{base}/upload/batch/"))
        .bearer_auth(&key)
        .header("User-Agent", UA)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let raw: Value = r.json().await.unwrap();
    assert!(
        raw.get("response").is_none(),
        "production batch responses are flat"
    );
    let p = unwrap_like_official(200, raw);
    assert!(p["batch_id"].is_string());
    assert_eq!(p["count_total"], 3);
    assert_eq!(p["count_succeeded"], 3);
    for r in p["results"].as_array().unwrap() {
        assert_eq!(r["status"], "ok");
        assert!(r["upload_id"].is_string());
        assert!(r["node_id"].is_string() || r["node_id"].is_null());
    }

    // `files list`: the query parameters it may send, folder `root`.
    let p = send(
        http.get(format!("{base}/workspace/{ws}/storage/root/list/"))
            .bearer_auth(&key)
            .query(&[
                ("sort_by", "name"),
                ("sort_dir", "asc"),
                ("page_size", "100"),
            ]),
    )
    .await;
    let names: Vec<&str> = p["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a.txt", "big.bin", "src", "tiny.txt"]);
    assert_eq!(p["pagination"]["has_more"], false);

    // `files info` with one id: it duplicates the id to force the multi shape.
    let p = send(
        http.get(format!(
            "{base}/workspace/{ws}/storage/{big_node},{big_node}/details/"
        ))
        .bearer_auth(&key),
    )
    .await;
    assert_eq!(p["format"], "multi");
    assert_eq!(p["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(p["nodes"][0]["size"], big.len());
    assert_eq!(p["nodes"][0]["hash"], hex::encode(Sha256::digest(&big)));
    // Several ids, one missing: 200 with per-id errors.
    let missing = "2aaaa-bbbbb-ccccc-ddddd-eeeee-fffff";
    let p = send(
        http.get(format!(
            "{base}/workspace/{ws}/storage/{tiny_node},{missing}/details/"
        ))
        .bearer_auth(&key),
    )
    .await;
    assert_eq!(p["node_count"], 1);
    assert_eq!(p["errors"][0]["node_id"], missing);
    // All missing: 404 whose body still carries nodes/errors.
    let r = http
        .get(format!(
            "{base}/workspace/{ws}/storage/{missing},{missing}/details/"
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let b: Value = r.json().await.unwrap();
    let payload = b.get("response").unwrap_or(&b);
    assert_eq!(payload["errors"].as_array().unwrap().len(), 1);

    // `files create-folder` (idempotent) and workspace listing as `workspace list` does it.
    let p = send(
        http.post(format!("{base}/workspace/{ws}/storage/root/createfolder/"))
            .bearer_auth(&key)
            .form(&[("name", "src")]),
    )
    .await;
    assert_eq!(p["node"]["name"], "src");
    let p = send(
        http.get(format!("{base}/workspaces/all/"))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(p["workspaces"][0]["id"], ws.as_str());
}
