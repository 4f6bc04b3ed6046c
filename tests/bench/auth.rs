//! Auth figures (not pass/fail): keyring latency, login wall time, and what the refreshing
//! credential costs per request compared with a fixed key.
//!
//! `cargo test --release --test bench -- --ignored --nocapture --test-threads 1`
//! (under `.ci/keyring-env` to measure the Secret Service instead of the kernel keyring).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support::auth::World;
use fastio::api::{Client, Credentials, StaticToken};
use fastio::auth::session::OAuthSession;
use fastio::auth::store::{OAuthTokens, Store, StoredCredential};
use fastio::emulator::{EmulatorConfig, start};
use secrecy::SecretString;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
#[ignore]
fn bench_keyring_save_and_load() {
    let profile = format!("bench-{}", hex::encode(rand::random::<[u8; 4]>()));
    let store = Store::open(&profile).unwrap();
    let cred = StoredCredential::ApiKey {
        api_base: "http://127.0.0.1:1/current".into(),
        key: SecretString::from("fio_bench_key_0123456789abcdef"),
    };
    let (mut saves, mut loads) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        let t = Instant::now();
        store.save(&cred).unwrap();
        saves.push(t.elapsed());
        let t = Instant::now();
        assert!(store.load().unwrap().is_some());
        loads.push(t.elapsed());
    }
    store.delete().unwrap();
    saves.sort();
    loads.sort();
    println!(
        "keyring ({}): save p50 {:?} p95 {:?}; load p50 {:?} p95 {:?} (50 each)",
        store.backend(),
        percentile(&saves, 0.5),
        percentile(&saves, 0.95),
        percentile(&loads, 0.5),
        percentile(&loads, 0.95)
    );
}

#[test]
#[ignore]
fn bench_paste_back_login_wall_time() {
    let mut times = Vec::new();
    for _ in 0..5 {
        let world = World::new(Duration::from_secs(3600));
        let t = Instant::now();
        world.paste_login(&[]);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "paste-back login through the binary (authorize, consent page, token, check, keyring): \
         p50 {:?}, max {:?} (5 runs)",
        percentile(&times, 0.5),
        times[times.len() - 1]
    );
}

async fn hammer(client: Client, workers: usize, run_for: Duration) -> f64 {
    let ok = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (client, ok) = (client.clone(), ok.clone());
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < run_for {
                client.get("/user/auth/check/", &[]).await.unwrap();
                ok.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    ok.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

#[test]
#[ignore]
fn bench_refreshing_credential_overhead() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let emu = start(EmulatorConfig {
            token_ttl: Duration::from_secs(1),
            ..Default::default()
        })
        .unwrap();
        let world_tokens = {
            // Reuse the hand-written dance from the session test via the binary-free path.
            let verifier = "b".repeat(43);
            tokens_by_hand(&emu, &verifier).await
        };
        let fixed: Arc<dyn Credentials> =
            Arc::new(StaticToken(SecretString::from(emu.api_key.clone())));
        let session = Arc::new(
            OAuthSession::new(
                "bench",
                None,
                world_tokens,
                fastio::auth::Notices::discard(),
            )
            .unwrap(),
        );
        let run_for = Duration::from_secs(3);
        let key_rate = hammer(Client::new(&emu.base_url, fixed).unwrap(), 16, run_for).await;
        let oauth_rate = hammer(
            Client::new(&emu.base_url, session.clone()).unwrap(),
            16,
            run_for,
        )
        .await;
        println!(
            "16 workers, 3 s each: API key {key_rate:.0} req/s; OAuth with 1 s tokens \
             {oauth_rate:.0} req/s, {} refreshes (emulator counted {})",
            session.refresh_count(),
            emu.stats()["counters"]["oauth_refreshes"]
        );
    });
}

async fn tokens_by_hand(emu: &fastio::emulator::RunningEmulator, verifier: &str) -> OAuthTokens {
    let t = crate::support::oauth::oauth_tokens_by_hand(emu, verifier).await;
    crate::support::oauth::tokens_of(emu, &t, 1000)
}
