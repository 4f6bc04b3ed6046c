#![cfg(feature = "emulator")]
//! Stream uploads (fastio-api.md §3.10) on the emulator, over real HTTP: a session with
//! `stream=true` and no size, one raw octet-stream body that finalises by itself, and the 406
//! rules for mixing stream and chunk calls; `max_size`; the `no-stream` variant.

use crate::support::{tree::*, wire::*};
use fastio::emulator::{EmulatorConfig, RunningEmulator, Variant, start};
use serde_json::Value;

/// The body in pieces, as a pipe would deliver it.
async fn send_stream(emu: &RunningEmulator, id: &str, data: Vec<u8>, query: &str) -> (u16, Value) {
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        data.chunks(100_000).map(|c| Ok(c.to_vec())).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(pieces));
    let r = reqwest::Client::new()
        .post(format!("{}/upload/{id}/stream/{query}", emu.base_url))
        .bearer_auth(&emu.api_key)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await;
    match r {
        Ok(r) => json_of(r).await,
        // The server may close the connection while the body is still being sent.
        Err(e) => (0, serde_json::json!({"transport": e.to_string()})),
    }
}

#[tokio::test]
async fn a_stream_session_stores_its_raw_body_and_finalises_by_itself() {
    let emu = start(wire_limits()).unwrap();
    let (s, v) = create_stream(&emu, "s.bin", &[]).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let data = bytes(5 * MIB_USIZE + 123, 9);
    let (s, v) = send_stream(&emu, &id, data.clone(), "").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(payload(&v)["size"], data.len());
    // No /complete/: it is stored on its own.
    let session = wait_stored(&emu, &id).await;
    assert_eq!(session["size"], data.len());
    assert_eq!(session["stream"], true);
    let node = session["new_file_id"].as_str().unwrap();
    assert_eq!(read_node(&emu, node).await, data);
    assert_eq!(node_details(&emu, node).await["hash"], sha256_hex(&data));
    assert_eq!(emu.stats()["counters"]["streams"], 1);

    // Single shot: a second stream into the same session is refused.
    let (s, v) = send_stream(&emu, &id, b"again".to_vec(), "").await;
    assert_eq!(s, 406, "{v}");
}

#[tokio::test]
async fn mixing_stream_and_chunk_calls_is_406() {
    let emu = start(wire_limits()).unwrap();
    let (_, v) = create_stream(&emu, "m.bin", &[]).await;
    let stream_id = v["id"].as_str().unwrap().to_string();
    let (s, v) = send_chunk(&emu, &stream_id, 1, bytes(MIB_USIZE, 1), "").await;
    assert_eq!(s, 406, "chunk on a stream session: {v}");
    let (s, v) = complete(&emu, &stream_id).await;
    assert_eq!(s, 406, "complete on a stream session: {v}");
    assert!(
        v["error"]["text"].as_str().unwrap().contains("stream"),
        "{v}"
    );

    let (_, v) = create_session(&emu, "c.bin", MIB_USIZE, &[]).await;
    let chunked = v["id"].as_str().unwrap().to_string();
    let (s, v) = send_stream(&emu, &chunked, bytes(MIB_USIZE, 2), "").await;
    assert_eq!(s, 406, "stream on a chunked session: {v}");

    // A size does not go with a stream session.
    let (s, v) = create_stream(&emu, "x.bin", &[("size", "10")]).await;
    assert_eq!(s, 406, "{v}");
}

#[tokio::test]
async fn a_stream_over_max_size_is_cut_off_and_the_session_fails() {
    let emu = start(wire_limits()).unwrap();
    let (s, v) = create_stream(&emu, "big.bin", &[("max_size", "1000000")]).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = send_stream(&emu, &id, bytes(3 * MIB_USIZE, 3), "").await;
    assert!(s == 413 || s == 0, "over max_size: {s} {v}");
    let session = session(&emu, &id, 0).await;
    assert_eq!(session["status"], "assembly_failed", "{session}");
    assert!(list(&emu, "root").await.is_empty());
    // Above the file size limit the session is not even created.
    let (s, _) = create_stream(&emu, "huge.bin", &[("max_size", "999999999999")]).await;
    assert_eq!(s, 413);
}

#[tokio::test]
async fn a_streamed_hash_that_does_not_match_fails_the_session() {
    let emu = start(wire_limits()).unwrap();
    let (_, v) = create_stream(&emu, "h.bin", &[]).await;
    let id = v["id"].as_str().unwrap().to_string();
    let data = bytes(1000, 4);
    let wrong = sha256_hex(b"other");
    let (s, v) = send_stream(&emu, &id, data, &format!("?hash={wrong}&hash_algo=sha256")).await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(session(&emu, &id, 0).await["status"], "assembly_failed");
}

#[tokio::test]
async fn the_no_stream_variant_refuses_stream_sessions() {
    let emu = start(EmulatorConfig {
        variants: [Variant::NoStream].into(),
        ..wire_limits()
    })
    .unwrap();
    let (s, v) = create_stream(&emu, "s.bin", &[]).await;
    assert_eq!(s, 406, "{v}");
    assert_eq!(v["error"]["code"], 1605);
    // Chunked sessions work as usual.
    let (s, _) = create_session(&emu, "c.bin", MIB_USIZE, &[]).await;
    assert_eq!(s, 200);
}
