//! `fastio import-url` against the emulator, which really fetches from a loopback HTTP server
//! started inside the test: identical bytes land; a 404, a stalling source, an unreachable
//! source and a private address each fail with their own per-URL error; invalid URLs are usage
//! errors before anything is sent. The `/web_upload/` wire calls are also spelled out by hand.

use std::time::Duration;

use crate::support::cmd::{stderr_of, stdout_of};
use crate::support::emulator::{KEY_A, env};
use crate::support::wire::{get_as as http_get, post_form_as};
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;

/// Deterministic pseudo-random bytes.
fn payload(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A source server on 127.0.0.1:0; returns its base URL. Lives as long as the test's runtime.
async fn source_server() -> String {
    let app = Router::new()
        .route("/files/a.bin", get(|| async { payload(300_000, 1) }))
        .route(
            "/download",
            get(|| async {
                (
                    [(
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"report-2026.csv\"",
                    )],
                    "year,total\n2026,42\n",
                )
                    .into_response()
            }),
        )
        .route(
            "/missing.txt",
            get(|| async { (axum::http::StatusCode::NOT_FOUND, "no").into_response() }),
        )
        .route(
            "/stall.bin",
            get(|| async {
                // Headers and a first piece at once, then nothing for a long time.
                let first = futures_util::stream::once(async {
                    Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"partial"))
                });
                let stall = futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"late"))
                });
                axum::body::Body::from_stream(futures_util::StreamExt::chain(first, stall))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn events(out: &std::process::Output) -> Vec<Value> {
    stdout_of(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

fn event_for<'a>(evs: &'a [Value], kind: &str, url: &str) -> &'a Value {
    evs.iter()
        .find(|e| e["type"] == kind && e["url"] == url)
        .unwrap_or_else(|| panic!("no {kind} event for {url}: {evs:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn imports_land_with_identical_bytes() {
    let src = source_server().await;
    let e = env(|c| c.allow_private_urls = true);
    let a = format!("{src}/files/a.bin");
    let csv = format!("{src}/download");
    let cmd = e
        .std_cmd(KEY_A)
        .args(["--json", "import-url", &a, &csv, "--to", "inbox/web"])
        .output()
        .unwrap();
    assert_eq!(cmd.status.code(), Some(0), "{}", stderr_of(&cmd));
    let evs = events(&cmd);
    let done_a = event_for(&evs, "import_done", &a);
    assert_eq!(done_a["remote_path"], "inbox/web/a.bin");
    assert_eq!(done_a["size"], 300_000);
    let done_csv = event_for(&evs, "import_done", &csv);
    assert_eq!(
        done_csv["remote_path"], "inbox/web/report-2026.csv",
        "name from Content-Disposition"
    );
    let summary = evs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["imported"], 2);
    assert_eq!(summary["failed"], 0);

    let stored = e.read(done_a["node_id"].as_str().unwrap()).await;
    assert!(stored == payload(300_000, 1), "identical bytes");
    let stored = e.read(done_csv["node_id"].as_str().unwrap()).await;
    assert_eq!(stored, b"year,total\n2026,42\n");

    // --name renames; the human report names path, size and node.
    let out = e.run(
        KEY_A,
        &["import-url", &a, "--to", "inbox", "--name", "renamed.bin"],
        0,
    );
    let line = stdout_of(&out);
    assert!(
        line.contains("inbox/renamed.bin") && line.contains("node "),
        "{line}"
    );
    let inbox = e.list("root").await;
    let inbox_id = inbox.iter().find(|n| n["name"] == "inbox").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let names: Vec<String> = e
        .list(&inbox_id)
        .await
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"renamed.bin".to_string()), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_failing_source_gets_its_own_error() {
    let src = source_server().await;
    let e = env(|c| {
        c.allow_private_urls = true;
        c.import_timeout = Duration::from_secs(2);
    });
    let good = format!("{src}/files/a.bin");
    let missing = format!("{src}/missing.txt");
    let stall = format!("{src}/stall.bin");
    // Nothing listens on port 1.
    let refused = "http://127.0.0.1:1/x.bin".to_string();
    let out = e
        .std_cmd(KEY_A)
        .args(["--json", "import-url", &good, &missing, &stall, &refused])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "some failed: {}",
        stderr_of(&out)
    );
    let evs = events(&out);
    event_for(&evs, "import_done", &good);
    let err = |url: &str| {
        event_for(&evs, "import_failed", url)["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(err(&missing).contains("HTTP 404"), "{}", err(&missing));
    assert!(
        err(&stall).contains("did not finish within 2 s"),
        "{}",
        err(&stall)
    );
    assert!(err(&refused).contains("fetch failed"), "{}", err(&refused));
    // Every failure also gets its own line on stderr naming the URL.
    let stderr = stderr_of(&out);
    for url in [&missing, &stall, &refused] {
        assert!(stderr.contains(url.as_str()), "{stderr}");
    }
    // Nothing is left behind for the failed ones.
    let names: Vec<String> = e
        .list("root")
        .await
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["a.bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn private_addresses_are_refused_by_default() {
    let src = source_server().await;
    let e = env(|_| {});
    let url = format!("{src}/files/a.bin");
    let out = e.cmd(KEY_A).args(["import-url", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("private or loopback"),
        "{}",
        stderr_of(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalid_urls_are_usage_errors_before_anything_is_sent() {
    let e = env(|c| c.allow_private_urls = true);
    let out = e
        .cmd(KEY_A)
        .args(["import-url", "https://ok.test/a", "ftp://example.com/file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("`ftp://example.com/file` is not an http or https URL"));

    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    std::fs::write(&list, "# sources\nhttps://ok.test/a\n\nnot a url\n").unwrap();
    let out = e
        .cmd(KEY_A)
        .args(["import-url", "--urls-from"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("urls.txt:4: `not a url`"), "{stderr}");

    let out = e
        .cmd(KEY_A)
        .args(["import-url", "https://ok.test/a", "--name", "../evil"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // Nothing was submitted.
    let (s, body) = http_get(&e.url("/web_upload/"), KEY_A).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["response"]["uploads"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wire_jobs_move_through_documented_statuses_and_cancel() {
    let src = source_server().await;
    let e = env(|c| c.allow_private_urls = true);
    let submit = |url: String| {
        let e = &e;
        async move {
            let (s, body) = post_form_as(
                &e.url("/web_upload/"),
                KEY_A,
                &[
                    ("source_url", url.as_str()),
                    ("profile_id", e.ws()),
                    ("profile_type", "workspace"),
                    ("folder_id", "root"),
                ],
            )
            .await;
            assert_eq!(s, 200, "{body}");
            let id = body["response"]["upload_id"].as_str().unwrap().to_string();
            assert_eq!(body["response"]["id"], id.as_str());
            id
        }
    };
    let allowed = [
        "pending",
        "queued",
        "downloading",
        "uploading",
        "complete",
        "failed",
        "canceled",
    ];
    let id = submit(format!("{src}/files/a.bin")).await;
    let mut seen = Vec::new();
    for _ in 0..200 {
        let (s, body) = http_get(&e.url(&format!("/web_upload/{id}/details/")), KEY_A).await;
        assert_eq!(s, 200);
        let status = body["response"]["upload"]["status"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(allowed.contains(&status.as_str()), "{status}");
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "complete" {
            assert!(body["response"]["upload"]["new_file_id"].is_string());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );
    assert!(seen.len() >= 2, "progress is observable: {seen:?}");

    // Cancel a job stuck on a stalling source: DELETE /web_upload/?id=…
    let id = submit(format!("{src}/stall.bin")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = reqwest::Client::new()
        .delete(e.url("/web_upload/"))
        .query(&[("id", id.as_str())])
        .bearer_auth(KEY_A)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, body) = http_get(&e.url(&format!("/web_upload/{id}/details/")), KEY_A).await;
    assert_eq!(body["response"]["upload"]["status"], "canceled");

    // The list is served by the root path and filters by status.
    let (s, body) = http_get(&e.url("/web_upload/?status=complete"), KEY_A).await;
    assert_eq!(s, 200);
    assert_eq!(body["response"]["uploads"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sources_over_the_size_cap_fail() {
    let src = source_server().await;
    let e = env(|c| {
        c.allow_private_urls = true;
        c.max_file_size = 100_000;
    });
    let url = format!("{src}/files/a.bin");
    let out = e.cmd(KEY_A).args(["import-url", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("larger than the 100000-byte limit"), "{err}");
    assert!(e.list("root").await.is_empty());
}

/// Issue 9: URL imports under the envelope variants land with identical bytes.
#[tokio::test(flavor = "multi_thread")]
async fn imports_survive_the_envelope_variants() {
    use fastio::emulator::Variant;
    let src = source_server().await;
    for v in [Variant::YesNo, Variant::Response, Variant::FlipEnvelopes] {
        let e = env(|c| {
            c.allow_private_urls = true;
            c.variants = [v].into();
        });
        let a = format!("{src}/files/a.bin");
        let out = e
            .std_cmd(KEY_A)
            .args(["--json", "import-url", &a, "--to", "inbox"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        let evs = events(&out);
        let done = event_for(&evs, "import_done", &a);
        let stored = e.read(done["node_id"].as_str().unwrap()).await;
        assert!(stored == payload(300_000, 1), "{v}: identical bytes");
    }
}

/// A refused credential fails every URL and exits 3; a server that cannot be reached at all
/// exits 4. The workspace id is all digits, so no lookup comes first: the imports themselves
/// meet the refusal (each URL still gets its own `import_failed` line).
#[test]
fn refused_credentials_exit_3_and_an_unreachable_server_exits_4() {
    let e = env(|_| {});
    let ws = e.ws().to_string();
    assert!(ws.bytes().all(|b| b.is_ascii_digit()), "{ws}");
    let urls = ["https://a.test/1.bin", "https://a.test/2.bin"];
    let failed_lines = |out: &std::process::Output| {
        stdout_of(out)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["type"] == "import_failed")
            .count()
    };
    let out = e
        .cmd("fio_not_a_key_of_this_server")
        .args(["--json", "import-url", urls[0], urls[1], "--workspace", &ws])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert_eq!(failed_lines(&out), 2, "{}", stdout_of(&out));

    // A loopback port nothing listens on any more.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_base = format!("http://{}/current", dead.local_addr().unwrap());
    drop(dead);
    let out = e
        .cmd(KEY_A)
        .env("FASTIO_API_BASE", &dead_base)
        .args(["--json", "import-url", urls[0], urls[1], "--workspace", &ws])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert_eq!(failed_lines(&out), 2, "{}", stdout_of(&out));
}
