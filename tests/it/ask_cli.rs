//! `fastio ask` against the emulator's extractive answers: a small corpus is uploaded with the
//! real `fastio upload`, a question whose answer sits in one file gets an answer containing
//! the fact and citing that file; intelligence off gives the documented error; `--json`
//! parses; the `/ai/agent/` wire contract of §7 is spelled out by hand.

use std::time::Duration;

use crate::support::cmd::{stderr_of, stdout_of};
use crate::support::emulator::{Env, KEY_A, env};
use crate::support::tree::write_bytes;
use crate::support::wire::{get_as, post_form_as};
use fastio::emulator::EmulatorConfig;
use serde_json::Value;

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_bytes(
        dir.path(),
        "contracts/acme.md",
        b"# Acme supply agreement\n\nThis agreement covers widgets and gaskets.\n\n\
          Payment terms are net 45 days from the invoice date. Late payment incurs a 1.5% \
          monthly fee.\n\nThe agreement renews every January.\n",
    );
    write_bytes(
        dir.path(),
        "contracts/globex.md",
        b"# Globex services\n\nGlobex provides cleaning services on weekdays.\n\n\
          Either party may end the contract with 30 days notice.\n",
    );
    write_bytes(
        dir.path(),
        "ops/deploy.txt",
        b"Deployments happen every Tuesday at 10:00 UTC.\nRollbacks need two approvals.\n",
    );
    write_bytes(dir.path(), "photo.jpg", &[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    dir
}

/// An emulator for `ask`, adjusted by `tweak`, with the [`corpus`] uploaded to `docs/`.
fn env_with_corpus(tweak: impl FnOnce(&mut EmulatorConfig)) -> (Env, tempfile::TempDir) {
    let e = env(tweak);
    let dir = corpus();
    upload_corpus(&e, &dir);
    (e, dir)
}

/// [`env_with_corpus`] with intelligence on and answers taking `delay_ms`.
fn intelligent_with_corpus(delay_ms: u64) -> (Env, tempfile::TempDir) {
    env_with_corpus(|c| {
        c.intelligence = true;
        c.answer_delay = Duration::from_millis(delay_ms);
    })
}

/// A question about an attached file is answered from the file (no indexing needed).
fn assert_attached_file_is_read(e: &Env) {
    let out = e.run(
        KEY_A,
        &[
            "ask",
            "How much notice ends the contract?",
            "--file",
            "docs/contracts/globex.md",
        ],
        0,
    );
    assert!(
        stdout_of(&out).contains("30 days notice"),
        "{}",
        stdout_of(&out)
    );
}

/// The id of the node called `name` among `nodes`.
fn id_named(nodes: &[Value], name: &str) -> String {
    nodes.iter().find(|n| n["name"] == name).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `POST /workspace/{ws}/ai/agent/`: a new chat asking when deployments happen about `refs`.
async fn ask_about_deployments(e: &Env, refs: &str) -> (u16, Value) {
    post_form_as(
        &e.url(&format!("/workspace/{}/ai/agent/", e.ws())),
        KEY_A,
        &[
            ("question", "When do deployments happen?"),
            ("references", refs),
        ],
    )
    .await
}

fn upload_corpus(e: &Env, dir: &tempfile::TempDir) {
    let out = e
        .cmd(KEY_A)
        .args(["upload", "--to", "docs"])
        .arg(format!("{}/", dir.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn answer_contains_the_fact_and_cites_its_file() {
    let (e, _dir) = intelligent_with_corpus(150);

    // An attached file is read directly: no need to wait for its indexing.
    assert_attached_file_is_read(&e);

    let q = "What are the payment terms in the Acme agreement?";
    let out = e.run(KEY_A, &["ask", q, "--folder", "docs", "--wait-indexed"], 0);
    let text = stdout_of(&out);
    assert!(text.contains("net 45 days"), "{text}");
    assert!(text.contains("Sources:"), "{text}");
    assert!(text.contains("[1] docs/contracts/acme.md"), "{text}");

    // --json: one object with answer, citations and state.
    let out = e.run(KEY_A, &["--json", "ask", "When do deployments happen?"], 0);
    let v: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
    assert_eq!(v["type"], "answer");
    assert_eq!(v["state"], "complete");
    assert!(v["answer"].as_str().unwrap().contains("Tuesday"), "{v}");
    let c = &v["citations"][0];
    assert_eq!(c["n"], 1);
    assert_eq!(c["path"], "docs/ops/deploy.txt");
    assert_eq!(c["page"], 1);
    assert!(c["snippet"].as_str().unwrap().contains("Tuesday"));
}

#[tokio::test(flavor = "multi_thread")]
async fn intelligence_off_is_said_plainly_and_enabling_is_explicit() {
    let (e, _dir) = env_with_corpus(|c| c.answer_delay = Duration::from_millis(50));

    let out = e.run(
        KEY_A,
        &["ask", "What are the payment terms?", "--folder", "docs"],
        4,
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("AI intelligence is off for workspace"),
        "{err}"
    );
    assert!(err.contains("--enable-intelligence"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    // An attached file is read directly, without intelligence.
    assert_attached_file_is_read(&e);

    // Opt in: one warning line, the files already there get indexed, then the answer.
    let out = e.run(
        KEY_A,
        &[
            "ask",
            "What fee applies to late payment?",
            "--enable-intelligence",
            "--wait-indexed",
        ],
        0,
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("warning: turning on AI intelligence") && err.contains("costs credits"),
        "{err}"
    );
    assert!(
        stdout_of(&out).contains("1.5% monthly fee"),
        "{}",
        stdout_of(&out)
    );
    assert!(stdout_of(&out).contains("docs/contracts/acme.md"));
}

#[tokio::test(flavor = "multi_thread")]
async fn wire_agent_chat_states_answer_locations_sse_and_activity() {
    let (e, _dir) = intelligent_with_corpus(100);
    let ws = e.ws().to_string();
    // Wait for indexing through the node's ai.state (standard detail level).
    let docs_id = id_named(&e.list("root").await, "docs");
    let ops_id = id_named(&e.list(&docs_id).await, "ops");
    let deploy = e.list(&ops_id).await[0]["id"].as_str().unwrap().to_string();
    let details_url = e.url(&format!(
        "/workspace/{ws}/storage/{deploy}/details/?output=standard"
    ));
    let mut state = String::new();
    for _ in 0..100 {
        let (_, body) = get_as(&details_url, KEY_A).await;
        state = body["response"]["node"]["ai"]["state"]
            .as_str()
            .unwrap()
            .to_string();
        if state == "ready" {
            break;
        }
        assert_eq!(state, "pending");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, "ready");

    let (_, act) = get_as(&e.url(&format!("/activity/poll/{ws}/")), KEY_A).await;
    let since = act["response"]["lastactivity"].to_string();

    let refs = format!(
        r#"[{{"type":"folder","id":"{docs_id}","folder_details":{{"node_id":"{docs_id}"}}}}]"#
    );
    let (s, body) = ask_about_deployments(&e, &refs).await;
    assert_eq!(s, 200, "{body}");
    let chat = body["response"]["thread"]["thread_id"]
        .as_str()
        .unwrap()
        .to_string();
    let msg = body["response"]["turn"]["turn_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The activity long-poll wakes with ai_chat:{chat}.
    let (_, act) = get_as(
        &e.url(&format!(
            "/activity/poll/{ws}/?wait=10&lastactivity={since}"
        )),
        KEY_A,
    )
    .await;
    let keys: Vec<String> = serde_json::from_value(act["response"]["keys"].clone()).unwrap();
    assert!(keys.contains(&format!("ai_chat:{chat}")), "{keys:?}");

    let url = e.url(&format!(
        "/workspace/{ws}/ai/agent/{chat}/message/{msg}/details/"
    ));
    let (s, body) = get_as(&url, KEY_A).await;
    assert_eq!(s, 200);
    let r = &body["response"];
    assert_eq!(r["message"]["state"], "complete");
    assert_eq!(r["message"]["status"], "complete");
    assert!(r.get("text").is_none(), "no top-level text");
    let answer = r["message"]["response"]["text"].as_str().unwrap();
    assert!(answer.contains("Tuesday"));
    assert_eq!(r["result"]["text"], answer);
    let cit = &r["result"]["citations"][0];
    assert_eq!(cit["nodeId"], deploy.as_str());
    assert!(
        cit["entries"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("Tuesday")
    );
    assert_eq!(
        r["message"]["response"]["citations"],
        r["result"]["citations"]
    );

    // SSE read: event stream ending with `done`.
    let resp = reqwest::Client::new()
        .get(e.url(&format!(
            "/workspace/{ws}/ai/agent/{chat}/message/{msg}/read/"
        )))
        .bearer_auth(KEY_A)
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let sse = resp.text().await.unwrap();
    assert!(sse.contains("event: message\ndata: "), "{sse}");
    assert!(
        sse.trim_end()
            .rsplit("\n\n")
            .next()
            .unwrap()
            .starts_with("event: done"),
        "{sse}"
    );

    // Follow-up without searchable terms: flat payload, then needs_input + clarification.
    let (s, body) = post_form_as(
        &e.url(&format!("/workspace/{ws}/ai/agent/{chat}/message/")),
        KEY_A,
        &[("question", "what is it?")],
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["result"], true);
    let turn = body["turn_id"].as_str().unwrap().to_string();
    let url = e.url(&format!(
        "/workspace/{ws}/ai/agent/{chat}/message/{turn}/details/"
    ));
    let mut body = Value::Null;
    for _ in 0..100 {
        body = get_as(&url, KEY_A).await.1;
        if body["response"]["message"]["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let r = &body["response"];
    assert_eq!(r["message"]["state"], "needs_input");
    assert_eq!(r["message"]["status"], "needs_input");
    assert!(r["result"]["clarification"]["question"].is_string());

    // Folder references with intelligence off: 406 / 1605.
    let (s, _) = post_form_as(
        &e.url(&format!("/workspace/{ws}/update/")),
        KEY_A,
        &[("intelligence", "false")],
    )
    .await;
    assert_eq!(s, 200);
    let (s, body) = ask_about_deployments(&e, &refs).await;
    assert_eq!(s, 406, "{body}");
    assert_eq!(body["error"]["code"], 1605);
}

#[tokio::test(flavor = "multi_thread")]
async fn needs_input_prints_the_clarifying_question() {
    let (e, _dir) = intelligent_with_corpus(20);
    let out = e.run(KEY_A, &["ask", "what is it?", "--wait-indexed"], 1);
    assert!(
        stdout_of(&out).starts_with("The assistant needs more information: "),
        "{}",
        stdout_of(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn library_stream_reads_the_answer_as_it_arrives() {
    use fastio::api::chat::{self, Reference, TurnState};
    let (e, _dir) = intelligent_with_corpus(100);
    let client = fastio::api::Client::new(
        &e.emu.base_url,
        std::sync::Arc::new(fastio::api::StaticToken(KEY_A.to_string().into())),
    )
    .unwrap();
    let ws = e.ws().to_string();
    // Let indexing finish (the CLI's --wait-indexed does this through ai.state).
    e.run(KEY_A, &["ask", "warm up deployments", "--wait-indexed"], 0);
    let subjects: Vec<Reference> = Vec::new();
    let started = chat::create_chat(&client, &ws, "When do deployments happen?", &[], &subjects)
        .await
        .unwrap();
    let mut pieces = Vec::new();
    chat::read_stream(&client, &ws, &started, |t| pieces.push(t.to_string()))
        .await
        .unwrap();
    // The stream only shows progress: the answer and citations come from the details.
    let turn = chat::message_details(&client, &ws, &started).await.unwrap();
    assert_eq!(turn.state, TurnState::Complete);
    assert!(pieces.concat().contains("Tuesday"), "{pieces:?}");
    assert_eq!(
        turn.answer.as_deref().map(|a| a.contains("Tuesday")),
        Some(true)
    );
    assert!(!turn.citations.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_gate_and_credits_are_explained() {
    for (gate, code, says) in [
        (403u16, 1695, "need a plan with the AI agent feature"),
        (402, 1696, "no AI credits left"),
    ] {
        let e = env(|c| {
            c.intelligence = true;
            c.ai_gate = Some(gate);
        });
        // On the wire: the documented status and code.
        let (s, body) = post_form_as(
            &e.url(&format!("/workspace/{}/ai/agent/", e.ws())),
            KEY_A,
            &[("question", "anything?")],
        )
        .await;
        assert_eq!(s, gate, "{body}");
        assert_eq!(body["error"]["code"], code);
        // Through the CLI: exit 3 with a plain explanation.
        let out = e
            .cmd(KEY_A)
            .args(["ask", "What are the payment terms?"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains(says), "{}", stderr_of(&out));
    }
}

/// Issue 9 rule 7: `ask` works under the envelope variants, and a server that reports no AI
/// state for files gets a warning, not a refusal.
#[tokio::test(flavor = "multi_thread")]
async fn ask_survives_envelope_variants_and_a_missing_ai_state() {
    use fastio::emulator::Variant;
    for v in [
        Variant::YesNo,
        Variant::Response,
        Variant::FlipEnvelopes,
        Variant::NoAiState,
    ] {
        let (e, _dir) = env_with_corpus(|c| {
            c.intelligence = true;
            c.answer_delay = Duration::from_millis(50);
            c.variants = [v].into();
        });
        let mut args = vec!["ask", "What are the payment terms in the Acme agreement?"];
        args.extend(["--folder", "docs"]);
        if v != Variant::NoAiState {
            args.push("--wait-indexed");
        } else {
            // Give indexing a moment: nothing in the answer path waits on the AI state.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let out = e.cmd(KEY_A).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{v}: {}", stderr_of(&out));
        assert!(
            stdout_of(&out).contains("net 45 days"),
            "{v}: {}",
            stdout_of(&out)
        );
        if v == Variant::NoAiState {
            assert!(
                stderr_of(&out).contains("no known AI state"),
                "{}",
                stderr_of(&out)
            );
        }
    }
}
