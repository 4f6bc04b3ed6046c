//! Duplicate-safe retries: a batch the server applied but whose answer was lost (the proxy in
//! front of the emulator forwards the request, then answers 502) is not sent again; the client
//! finds the files in the folder listing instead.

mod upload_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use fastio::emulator::EmulatorConfig;
use upload_support::*;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    swallowed: Arc<AtomicU64>,
}

/// Forward everything; the first `/upload/batch/` answer is replaced by a 502 after the
/// emulator has processed the request.
async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let pq = parts.uri.path_and_query().unwrap().as_str().to_string();
    let mut rb = p
        .http
        .request(parts.method.clone(), format!("{}{pq}", p.upstream));
    for (k, v) in &parts.headers {
        if k != "host" && k != "content-length" {
            rb = rb.header(k, v);
        }
    }
    let resp = rb.body(bytes).send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap();
    if parts.uri.path().contains("/upload/batch") && p.swallowed.fetch_add(1, Ordering::SeqCst) == 0
    {
        return Response::builder()
            .status(502)
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"result":"no","error":{"code":1654,"text":"bad gateway (proxy)"}}"#,
            ))
            .unwrap();
    }
    let mut out = Response::builder().status(status.as_u16());
    for (k, v) in &headers {
        if k != "content-length" && k != "transfer-encoding" {
            out = out.header(k, v);
        }
    }
    out.body(Body::from(body)).unwrap()
}

#[test]
fn an_applied_batch_whose_answer_was_lost_is_not_resent() {
    let emu = emulator(EmulatorConfig::default());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let proxy = Proxy {
        upstream: emu.root_url(),
        http: reqwest::Client::new(),
        swallowed: Arc::new(AtomicU64::new(0)),
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });

    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("b");
    for i in 0..20 {
        write(&d, &format!("f{i}.txt"), 100 + i, i);
    }
    let out = fastio(&emu, home.path())
        .env("FASTIO_API_BASE", format!("http://{addr}/current"))
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = ndjson(&out.stdout);
    assert!(events.iter().any(|e| e["type"] == "retry"), "{events:?}");
    assert_eq!(summary_of(&events)["uploaded"], 20);
    assert_eq!(
        proxy.swallowed.load(Ordering::SeqCst),
        1,
        "one batch request only"
    );
    assert_eq!(requests_matching(&emu, "/upload/batch"), 1);
    assert_stored(&emu, &d, "b");
}
