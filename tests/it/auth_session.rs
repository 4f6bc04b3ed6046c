//! The refreshing OAuth credential in-process: many concurrent workers on the shared API client
//! while access tokens live one second, with request latency longer than the early-refresh
//! margin so that requests also arrive with just-expired tokens (the 401 → refresh path).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::oauth::{oauth_tokens_by_hand, tokens_of};
use fastio::api::Client;
use fastio::auth::session::OAuthSession;
use fastio::emulator::{EmulatorConfig, start};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_workers_share_one_refresh_per_expiry() {
    const TTL: u64 = 1;
    const WORKERS: usize = 32;
    let emu = start(EmulatorConfig {
        token_ttl: Duration::from_secs(TTL),
        latency_ms: 150,
        ..Default::default()
    })
    .unwrap();
    let t = oauth_tokens_by_hand(&emu, &"a".repeat(43)).await;
    let tokens = tokens_of(&emu, &t, 1000 * TTL as i64);
    let session = Arc::new(
        OAuthSession::new(
            "test-session",
            None,
            tokens,
            fastio::auth::Notices::discard(),
        )
        .unwrap(),
    );
    let client = Client::new(&emu.base_url, session.clone()).unwrap();

    let run_for = Duration::from_millis(3200);
    let started = Instant::now();
    let ok = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (client, ok) = (client.clone(), ok.clone());
        workers.push(tokio::spawn(async move {
            while started.elapsed() < run_for {
                client
                    .get("/user/auth/check/", &[])
                    .await
                    .expect("every request succeeds across expiries");
                ok.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    let stats = emu.stats();
    let refreshes = stats["counters"]["oauth_refreshes"].as_u64().unwrap_or(0);
    let replays = stats["counters"]["oauth_refresh_replays"]
        .as_u64()
        .unwrap_or(0);
    let rejected = stats["requests"]["GET /current/user/auth/check"]["401"]
        .as_u64()
        .unwrap_or(0);
    let lifetimes = elapsed.as_secs_f64() / TTL as f64;
    eprintln!(
        "{WORKERS} workers, {:?}: {} requests ok, {refreshes} refreshes, {rejected} answered 401 (retried)",
        elapsed,
        ok.load(Ordering::Relaxed)
    );
    assert_eq!(replays, 0);
    assert_eq!(session.refresh_count(), refreshes);
    assert!(refreshes >= 2, "tokens expired {lifetimes:.1} times");
    let bound = (lifetimes / 0.9).ceil() as u64 + 1;
    assert!(
        refreshes <= bound,
        "{refreshes} refreshes, at most {bound} expected"
    );
}

/// A second fastio process rotated the refresh token and stored the new one: this session's
/// refresh is refused (its token was used up), so it adopts the stored tokens and goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_rotated_by_another_process_is_adopted_from_the_keyring() {
    use fastio::auth::store::{Store, StoredCredential};
    use secrecy::ExposeSecret;

    let emu = start(EmulatorConfig {
        token_ttl: Duration::from_secs(1),
        ..Default::default()
    })
    .unwrap();
    let profile = format!("test-rot-{}", hex::encode(rand::random::<[u8; 6]>()));
    let store = tokio::task::spawn_blocking({
        let profile = profile.clone();
        move || Store::open(&profile).unwrap()
    })
    .await
    .unwrap();
    let as_tokens = |t: &Value| tokens_of(&emu, t, 1000);
    let first = as_tokens(&oauth_tokens_by_hand(&emu, &"a".repeat(43)).await);
    store.save(&StoredCredential::OAuth(first.clone())).unwrap();
    let session = Arc::new(
        OAuthSession::new(
            &profile,
            Some(store.clone()),
            first.clone(),
            fastio::auth::Notices::discard(),
        )
        .unwrap(),
    );

    // The other process: refresh by hand and store the result.
    let rotated: Value = reqwest::Client::new()
        .post(format!("{}/oauth/token/", emu.base_url))
        .form(&[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                first.refresh_token.as_ref().unwrap().expose_secret(),
            ),
            ("client_id", "fastio-cli"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = as_tokens(&rotated);
    store
        .save(&StoredCredential::OAuth(second.clone()))
        .unwrap();

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let client = Client::new(&emu.base_url, session.clone()).unwrap();
    let result = client.get("/user/auth/check/", &[]).await;
    let now_stored = match store.load().unwrap() {
        Some(StoredCredential::OAuth(t)) => t,
        other => panic!("{other:?}"),
    };
    store.delete().unwrap();
    result.expect("the session recovers with the stored tokens");
    let counters = &emu.stats()["counters"];
    // Ours was the replay; the other process's refresh and then ours with the adopted token
    // succeeded, and the result was persisted.
    assert_eq!(counters["oauth_refresh_replays"], 1);
    assert_eq!(counters["oauth_refreshes"], 2);
    let kept = now_stored.refresh_token.unwrap();
    assert_ne!(
        kept.expose_secret(),
        second.refresh_token.unwrap().expose_secret()
    );
    assert_ne!(
        kept.expose_secret(),
        first.refresh_token.unwrap().expose_secret()
    );
}
