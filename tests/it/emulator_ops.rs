#![cfg(feature = "emulator")]
//! Operational behaviour: rate limiting, fault injection, persistence across restarts, the
//! activity long-poll and the `fastio emulator` command line.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::wire::{emu_request, sent};
use fastio::emulator::{EmulatorConfig, RunningEmulator, start};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn auth_check(emu: &RunningEmulator, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/user/auth/check/", emu.base_url))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn rate_limit_answers_429_with_limit_headers_per_token_and_a_separate_batch_bucket() {
    let emu = start(EmulatorConfig {
        api_keys: vec!["one".into(), "two".into()],
        rate_limit: 2.0,
        burst: Some(5),
        ..Default::default()
    })
    .unwrap();
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..8 {
        let r = auth_check(&emu, "one").await;
        statuses.push(r.status().as_u16());
        last = Some(r);
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(statuses[5..].contains(&429), "{statuses:?}");
    let r = last.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let h = r.headers().clone();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(h["x-ve-limit-avail"], "0");
    assert_eq!(h["x-ve-limit-max"], "5");
    let exp: u64 = h["x-ve-limit-expires"].to_str().unwrap().parse().unwrap();
    assert!(exp >= now && exp <= now + 2, "expiry {exp} vs now {now}");
    assert!(h.get("retry-after").is_none());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], 1671);

    // Another token has its own bucket.
    assert_eq!(auth_check(&emu, "two").await.status().as_u16(), 200);
    // The batch endpoint has its own bucket too: not refused although `one` is exhausted.
    let r = reqwest::Client::new()
        .post(format!("{}/upload/batch/", emu.base_url))
        .bearer_auth("one")
        .multipart(
            Form::new()
                .text("instance_id", emu.workspace_id.clone())
                .text(
                    "manifest",
                    json!([{"index": 0, "filename": "x.txt"}]).to_string(),
                )
                .part("file_0", Part::bytes(b"x".to_vec()).file_name("x.txt")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(emu.stats()["rate_limited"].as_u64().unwrap() >= 1);
    // Successful responses carry the headers as well.
    let ok = auth_check(&emu, "two").await;
    assert!(ok.headers().contains_key("x-ve-limit-avail"));
}

#[tokio::test]
async fn legacy_rate_headers_and_datetime_expiry() {
    let emu = start(EmulatorConfig {
        rate_limit: 1.0,
        burst: Some(1),
        legacy_rate_headers: true,
        datetime_expiry: true,
        ..Default::default()
    })
    .unwrap();
    auth_check(&emu, &emu.api_key).await;
    let r = auth_check(&emu, &emu.api_key).await;
    assert_eq!(r.status().as_u16(), 429);
    let exp = r.headers()["x-rate-limit-expiry"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        exp.ends_with(" UTC") && exp.len() == "2026-04-24 23:49:04 UTC".len(),
        "{exp}"
    );
    assert!(r.headers().contains_key("x-rate-limit-available"));
    assert!(r.headers().contains_key("x-rate-limit-max"));
}

#[tokio::test]
async fn injected_failures_are_envelopes_and_counted() {
    let emu = start(EmulatorConfig {
        fail_rate: 1.0,
        seed: Some(7),
        ..Default::default()
    })
    .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..12 {
        let r = auth_check(&emu, &emu.api_key).await;
        let s = r.status().as_u16();
        assert!([502, 503, 504].contains(&s), "{s}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["result"], "no");
        seen.insert(s);
    }
    assert!(seen.len() >= 2, "{seen:?}");
    let faults = &emu.stats()["faults"];
    let total: u64 = ["fail_502", "fail_503", "fail_504"]
        .iter()
        .map(|k| faults[k].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 12);
    // The stats route itself is never faulted.
    let r = reqwest::get(format!("{}/__emulator/stats", emu.root_url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn reset_rate_drops_connections_without_an_answer() {
    let emu = start(EmulatorConfig {
        reset_rate: 1.0,
        seed: Some(1),
        ..Default::default()
    })
    .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/upload/batch/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .body(vec![0u8; 4 << 20])
        .send()
        .await;
    assert!(
        r.is_err(),
        "expected a dropped connection, got {:?}",
        r.map(|r| r.status())
    );
    assert_eq!(emu.stats()["faults"]["reset"], 1);
}

#[tokio::test]
async fn bandwidth_per_connection_throttles_request_bodies() {
    let emu = start(EmulatorConfig {
        bandwidth_per_conn: Some(1_000_000),
        ..Default::default()
    })
    .unwrap();
    // 1.5 MB at 1 MB/s cannot arrive in less than ~1.4 s (burst allowance is 50 ms worth).
    let data = vec![7u8; 1_500_000];
    let form = Form::new()
        .text("name", "slow.bin")
        .text("size", data.len().to_string())
        .text("action", "create")
        .text("instance_id", emu.workspace_id.clone())
        .text("folder_id", "root")
        .text("profile_type", "workspace")
        .part("chunk", Part::bytes(data).file_name("slow.bin"));
    let t = Instant::now();
    let r = sent(emu_request(&emu, Method::POST, "/upload/").multipart(form)).await;
    assert_eq!(r.status().as_u16(), 200);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(1300),
        "throttle had no effect: {took:?}"
    );
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        api_keys: vec!["persist-key".into()],
        workspaces: vec!["keep".into()],
        ..Default::default()
    };
    let emu = start(cfg()).unwrap();
    let ws = emu.workspace_id.clone();
    let form = Form::new()
        .text("name", "kept.txt")
        .text("size", "5")
        .text("action", "create")
        .text("instance_id", ws.clone())
        .text("folder_id", "root")
        .text("profile_type", "workspace")
        .part(
            "chunk",
            Part::bytes(b"kept!".to_vec()).file_name("kept.txt"),
        );
    let v: Value = reqwest::Client::new()
        .post(format!("{}/upload/", emu.base_url))
        .bearer_auth("persist-key")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let node = v["new_file_id"].as_str().unwrap().to_string();
    // An unfinished chunked session survives too.
    let v: Value = reqwest::Client::new()
        .post(format!("{}/upload/", emu.base_url))
        .bearer_auth("persist-key")
        .form(&[
            ("name", "later.bin"),
            ("size", "10"),
            ("action", "create"),
            ("instance_id", ws.as_str()),
            ("folder_id", "root"),
            ("profile_type", "workspace"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sid = v["id"].as_str().unwrap().to_string();
    let r = reqwest::Client::new()
        .post(format!(
            "{}/upload/{sid}/chunk/?order=1&size=4",
            emu.base_url
        ))
        .bearer_auth("persist-key")
        .multipart(Form::new().part(
            "chunk",
            Part::bytes(b"abcd".to_vec()).file_name("chunk.bin"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    tokio::task::spawn_blocking(move || emu.shutdown())
        .await
        .unwrap();

    let emu = start(cfg()).unwrap();
    assert_eq!(emu.workspace_id, ws, "workspace ids are stable");
    let bytes = reqwest::Client::new()
        .get(format!(
            "{}/workspace/{ws}/storage/{node}/read/",
            emu.base_url
        ))
        .bearer_auth("persist-key")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"kept!");
    let v: Value = reqwest::Client::new()
        .get(format!("{}/upload/{sid}/details/", emu.base_url))
        .bearer_auth("persist-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["response"]["session"]["chunks"], json!({"1": 4}));
}

#[tokio::test]
async fn activity_poll_returns_early_with_the_changed_key() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let url = format!("{}/activity/poll/{}/", emu.base_url, emu.workspace_id);
    let v: Value = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let since = v["response"]["lastactivity"].as_u64().unwrap();
    let key = emu.api_key.clone();
    let poll = tokio::spawn(async move {
        let t = Instant::now();
        let v: Value = reqwest::Client::new()
            .get(format!("{url}?wait=60&lastactivity={since}"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (v, t.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let v: Value = sent(
        emu_request(
            &emu,
            Method::POST,
            &format!("/workspace/{}/storage/root/createfolder/", emu.workspace_id),
        )
        .form(&[("name", "poke")]),
    )
    .await
    .json()
    .await
    .unwrap();
    let folder = v["response"]["node"]["id"].as_str().unwrap().to_string();
    let (v, took) = poll.await.unwrap();
    assert!(took < Duration::from_secs(30), "{took:?}");
    let keys: Vec<&str> = v["response"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&format!("storage:{folder}").as_str()),
        "{keys:?}"
    );
    assert!(v["response"]["lastactivity"].as_u64().unwrap() > since);
}

#[test]
fn command_prints_shell_exports_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fastio"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--api-key",
            "cli-key",
            "--workspace",
            "w1",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        lines.push(l.trim_end().to_string());
    }
    assert!(
        lines[0].starts_with("export FASTIO_API_BASE=http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(lines[0].ends_with("/current"));
    assert_eq!(lines[1], "export FASTIO_API_KEY=cli-key");
    let ws = lines[2].strip_prefix("export FASTIO_WORKSPACE=").unwrap();
    assert!(
        ws.len() == 19 && ws.chars().all(|c| c.is_ascii_digit()),
        "{ws}"
    );
    let base = lines[0]
        .strip_prefix("export FASTIO_API_BASE=")
        .unwrap()
        .to_string();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{base}/workspace/{ws}/details/"))
            .bearer_auth("cli-key")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
    // SIGTERM → clean exit 0.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn writes_to_a_node_locked_by_someone_else_are_refused_with_423() {
    use fastio::emulator::caller::{Caller, TokenKind};
    let emu = start(EmulatorConfig::default()).unwrap();
    let upload = |name: &'static str, body: &'static [u8]| {
        let form = Form::new()
            .text("name", name)
            .text("size", body.len().to_string())
            .text("action", "create")
            .text("instance_id", emu.workspace_id.clone())
            .text("folder_id", "root")
            .text("profile_type", "workspace")
            .part("chunk", Part::bytes(body.to_vec()).file_name(name));
        reqwest::Client::new()
            .post(format!("{}/upload/", emu.base_url))
            .bearer_auth(&emu.api_key)
            .multipart(form)
            .send()
    };
    let v: Value = upload("locked.txt", b"v1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let node = v["new_file_id"].as_str().unwrap().to_string();
    let other = Caller {
        user_id: "9999999999999999999".into(),
        kind: TokenKind::ApiKey,
        principal: "someone-else".into(),
        token: "not-a-real-token".into(),
        share_password: None,
    };
    let lock = emu
        .state()
        .locks
        .acquire(&node, &other, 300, json!({}))
        .unwrap();

    let r = upload("locked.txt", b"v2").await.unwrap();
    assert_eq!(r.status().as_u16(), 423);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], 1677);
    let r = sent(emu_request(&emu, Method::POST, "/upload/").form(&[
        ("name", "locked.txt"),
        ("size", "2"),
        ("action", "create"),
        ("instance_id", emu.workspace_id.as_str()),
        ("folder_id", "root"),
        ("profile_type", "workspace"),
    ]))
    .await;
    assert_eq!(
        r.status().as_u16(),
        423,
        "chunked session create is refused too"
    );
    let v: Value = sent(emu_request(&emu, Method::POST, "/upload/batch/").multipart(
            Form::new()
                .text("instance_id", emu.workspace_id.clone())
                .text("manifest", json!([{"index": 0, "filename": "locked.txt"}, {"index": 1, "filename": "free.txt"}]).to_string())
                .part("file_0", Part::bytes(b"v3".to_vec()).file_name("locked.txt"))
                .part("file_1", Part::bytes(b"ok".to_vec()).file_name("free.txt")),
        )).await.json().await.unwrap();
    assert_eq!(v["count_succeeded"], 1);
    assert_eq!(v["errors"][0]["error_code"], 1677);

    emu.state().locks.release(&node, &lock.lock_token).unwrap();
    assert_eq!(
        upload("locked.txt", b"v4").await.unwrap().status().as_u16(),
        200
    );
    let bytes = sent(emu_request(
        &emu,
        Method::GET,
        &format!("/workspace/{}/storage/{node}/read/", emu.workspace_id),
    ))
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(&bytes[..], b"v4");
}

#[tokio::test]
async fn two_emulators_can_share_one_data_dir() {
    // As when `fastio emulator` runs and `fastio --emulator ...` starts another on the same dir.
    let dir = tempfile::tempdir().unwrap();
    let cfg = || EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        api_keys: vec!["shared".into()],
        ..Default::default()
    };
    let a = start(cfg()).unwrap();
    let b = start(cfg()).unwrap();
    assert_eq!(a.workspace_id, b.workspace_id);
    let mut tasks = Vec::new();
    for i in 0..60u32 {
        let emu_base = if i % 2 == 0 {
            a.base_url.clone()
        } else {
            b.base_url.clone()
        };
        let ws = a.workspace_id.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("shared-{i:02}.txt");
            let body = format!("content {i}").into_bytes();
            let form = Form::new()
                .text("name", name.clone())
                .text("size", body.len().to_string())
                .text("action", "create")
                .text("instance_id", ws)
                .text("folder_id", "root")
                .text("profile_type", "workspace")
                .part("chunk", Part::bytes(body).file_name(name));
            let r = reqwest::Client::new()
                .post(format!("{emu_base}/upload/"))
                .bearer_auth("shared")
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "{:?}", r.text().await);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v: Value = reqwest::Client::new()
        .get(format!(
            "{}/workspace/{}/storage/root/list/?page_size=500",
            b.base_url, b.workspace_id
        ))
        .bearer_auth("shared")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["response"]["nodes"].as_array().unwrap().len(), 60);
}
