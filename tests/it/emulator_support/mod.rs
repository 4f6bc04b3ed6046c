//! Wire helpers of the emulator tests (`emulator_uploads`, `emulator_variants`): requests
//! written out by hand with reqwest, independent of the server's types. They assume the
//! canonical (nested) envelopes unless they say otherwise.
#![allow(dead_code)]

use fastio::emulator::{EmulatorConfig, RunningEmulator};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const MIB: usize = 1024 * 1024;

pub fn small_limits() -> EmulatorConfig {
    EmulatorConfig {
        chunk_size: 2 * MIB as u64,
        max_chunks: 8,
        max_file_size: 16 * MIB as u64,
        max_sessions: 5,
        ..Default::default()
    }
}

pub fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u32).wrapping_mul(2654435761).rotate_left(seed as u32) as u8 ^ seed)
        .collect()
}

pub fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

pub async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

pub async fn single_call(
    emu: &RunningEmulator,
    folder: &str,
    name: &str,
    data: Vec<u8>,
) -> (u16, Value) {
    let form = Form::new()
        .text("name", name.to_string())
        .text("size", data.len().to_string())
        .text("action", "create")
        .text("instance_id", emu.workspace_id.clone())
        .text("folder_id", folder.to_string())
        .text("profile_type", "workspace")
        .part("chunk", Part::bytes(data).file_name(name.to_string()));
    let r = reqwest::Client::new()
        .post(format!("{}/upload/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

pub async fn read_node(emu: &RunningEmulator, node: &str) -> Vec<u8> {
    let r = reqwest::Client::new()
        .get(format!(
            "{}/workspace/{}/storage/{node}/read/",
            emu.base_url, emu.workspace_id
        ))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.bytes().await.unwrap().to_vec()
}

pub async fn node_details(emu: &RunningEmulator, node: &str) -> Value {
    let r = reqwest::Client::new()
        .get(format!(
            "{}/workspace/{}/storage/{node}/details/",
            emu.base_url, emu.workspace_id
        ))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 200, "{v}");
    v["response"]["node"].clone()
}

pub async fn create_session(
    emu: &RunningEmulator,
    name: &str,
    size: usize,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = vec![
        ("name", name.to_string()),
        ("size", size.to_string()),
        ("action", "create".into()),
        ("instance_id", emu.workspace_id.clone()),
        ("folder_id", "root".into()),
        ("profile_type", "workspace".into()),
    ];
    for (k, v) in extra {
        form.push((k, v.to_string()));
    }
    let r = reqwest::Client::new()
        .post(format!("{}/upload/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .form(&form)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

pub async fn send_chunk(
    emu: &RunningEmulator,
    id: &str,
    order: usize,
    data: Vec<u8>,
    query_extra: &str,
) -> (u16, Value) {
    let form = Form::new().part("chunk", Part::bytes(data.clone()).file_name("chunk.bin"));
    let r = reqwest::Client::new()
        .post(format!(
            "{}/upload/{id}/chunk/?order={order}&size={}{query_extra}",
            emu.base_url,
            data.len()
        ))
        .bearer_auth(&emu.api_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

pub async fn session(emu: &RunningEmulator, id: &str, wait: u32) -> Value {
    let r = reqwest::Client::new()
        .get(format!("{}/upload/{id}/details/?wait={wait}", emu.base_url))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 200, "{v}");
    v["response"]["session"].clone()
}

pub async fn complete(emu: &RunningEmulator, id: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/upload/{id}/complete/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .form(&[("", "")][..0])
        .send()
        .await
        .unwrap();
    json_of(r).await
}

pub async fn wait_stored(emu: &RunningEmulator, id: &str) -> Value {
    for _ in 0..100 {
        let s = session(emu, id, 5).await;
        match s["status"].as_str().unwrap() {
            "stored" => return s,
            "assembly_failed" | "store_failed" => panic!("upload failed: {s}"),
            _ => {}
        }
    }
    panic!("upload {id} never reached stored");
}

pub async fn batch(
    emu: &RunningEmulator,
    manifest: Value,
    files: Vec<(usize, &str, Vec<u8>)>,
) -> (u16, Value) {
    let mut form = Form::new()
        .text("instance_id", emu.workspace_id.clone())
        .text("manifest", manifest.to_string());
    for (i, name, data) in files {
        form = form.part(
            format!("file_{i}"),
            Part::bytes(data).file_name(name.to_string()),
        );
    }
    let r = reqwest::Client::new()
        .post(format!("{}/upload/batch/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

pub async fn list(emu: &RunningEmulator, folder: &str) -> Vec<Value> {
    let r = reqwest::Client::new()
        .get(format!(
            "{}/workspace/{}/storage/{folder}/list/?page_size=500",
            emu.base_url, emu.workspace_id
        ))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, 200, "{v}");
    v["response"]["nodes"].as_array().unwrap().clone()
}

/// The payload of a success body in either envelope: `response` if present, else the body
/// without `result`.
pub fn payload(body: &Value) -> Value {
    if let Some(r) = body.get("response") {
        return r.clone();
    }
    let mut b = body.clone();
    if let Some(m) = b.as_object_mut() {
        m.remove("result");
    }
    b
}

/// `GET {base_url}{path}` with the emulator's key: (status, body).
pub async fn get_json(emu: &RunningEmulator, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{}{path}", emu.base_url))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

/// A form POST to `{base_url}{path}` with the emulator's key: (status, body).
pub async fn post_form(emu: &RunningEmulator, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", emu.base_url))
        .bearer_auth(&emu.api_key)
        .form(form)
        .send()
        .await
        .unwrap();
    json_of(r).await
}
