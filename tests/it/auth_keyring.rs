//! The OS keyring, for real: API-key login stored in and read back from the store the machine
//! has (Secret Service under `.ci/keyring-env`, the kernel keyutils store otherwise), the kernel
//! store on its own, and the one-line refusal when no store is available.

use std::time::{Duration, Instant};

use crate::support::auth::World;
use fastio::auth::store::{Backend, Store, StoredCredential};
use secrecy::{ExposeSecret, SecretString};

#[test]
fn api_key_login_lands_in_the_os_keyring_and_logout_removes_it() {
    let world = World::new(Duration::from_secs(3600));
    let store = world.store();
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        // Under .ci/keyring-env a Secret Service runs, and `auto` must pick it.
        assert_eq!(store.backend(), Backend::SecretService);
    }
    eprintln!("keyring backend under test: {}", store.backend());

    let out = world.login_with_key(&[], &[], &world.emu.api_key);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("{}", store.backend())), "{stderr}");

    // Read back from the OS store by this (separate) process.
    match store.load().unwrap() {
        Some(StoredCredential::ApiKey { api_base, key }) => {
            assert_eq!(api_base, world.emu.base_url);
            assert_eq!(key.expose_secret(), world.emu.api_key);
        }
        other => panic!("expected the API key, got {other:?}"),
    }
    // Nothing secret in any file under the isolated home.
    for entry in walkdir::WalkDir::new(world.home.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(&world.emu.api_key),
                "the key was written to {}",
                entry.path().display()
            );
        }
    }

    let out = world.cmd().arg("whoami").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&world.emu.state().default_user_id));

    let out = world.cmd().arg("logout").output().unwrap();
    assert!(out.status.success());
    assert!(store.load().unwrap().is_none());
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the kernel keyutils store is Linux's (macOS and Windows use the OS keychain, tested above)"
)]
fn kernel_keyutils_store_round_trip() {
    let profile = format!("test-ku-{}", hex::encode(rand::random::<[u8; 6]>()));
    let store = Store::with_backend(Backend::Keyutils, &profile);
    assert!(store.load().unwrap().is_none());
    let cred = StoredCredential::ApiKey {
        api_base: "http://127.0.0.1:1/current".into(),
        key: SecretString::from("fio_kernel_store_test_key"),
    };
    store.save(&cred).unwrap();
    // Replacing keeps one entry.
    store.save(&cred).unwrap();
    match store.load().unwrap() {
        Some(StoredCredential::ApiKey { key, .. }) => {
            assert_eq!(key.expose_secret(), "fio_kernel_store_test_key")
        }
        other => panic!("{other:?}"),
    }
    // Another process sees it: the binary, told to use the kernel store.
    let mut world = World::new(Duration::from_secs(3600));
    world.profile = profile.clone();
    let out = world
        .cmd_no_base()
        .env("FASTIO_KEYRING", "keyutils")
        .args(["--api-base", "http://127.0.0.1:9/current"])
        .arg("whoami")
        .output()
        .unwrap();
    // It finds the entry and refuses to send it to another server than the one it is for.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("is logged in to http://127.0.0.1:1/current"),
        "{stderr}"
    );

    assert!(store.delete().unwrap());
    assert!(!store.delete().unwrap());
    assert!(store.load().unwrap().is_none());
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "makes the Secret Service unreachable through D-Bus, which only Linux uses (macOS and Windows always have their keychain)"
)]
fn without_any_keyring_login_says_so_in_one_line() {
    let world = World::new(Duration::from_secs(3600));
    // Secret Service demanded, but the session bus address leads nowhere: no store available.
    let env = [
        ("FASTIO_KEYRING", "secret-service"),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/fastio-test-bus",
        ),
    ];
    let started = Instant::now();
    let out = world.login_with_key(&env, &[], &world.emu.api_key);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no OS keyring is available"), "{stderr}");
    assert!(stderr.contains("FASTIO_API_KEY"), "{stderr}");
    assert!(!stderr.contains(&world.emu.api_key));
    eprintln!("refusal took {:?}", started.elapsed());

    // No plaintext fallback anywhere under HOME.
    for entry in walkdir::WalkDir::new(world.home.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(
                !text.contains(&world.emu.api_key),
                "{}",
                entry.path().display()
            );
        }
    }

    // Commands needing a credential say the same; FASTIO_API_KEY works without any keyring.
    let mut cmd = world.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.arg("whoami").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no OS keyring is available"));

    let mut cmd = world.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .env("FASTIO_API_KEY", &world.emu.api_key)
        .arg("whoami")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("FASTIO_API_KEY"));
}

/// `login --json` prints one line in the common envelope (`v`, `type`), naming no secret.
#[test]
fn login_json_is_one_line_in_the_common_envelope() {
    let world = World::new(Duration::from_secs(3600));
    let out = world.login_with_key(&[], &["--json"], &world.emu.api_key);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        (v["v"].as_u64(), v["type"].as_str()),
        (Some(1), Some("login"))
    );
    assert_eq!(v["profile"], world.profile.as_str());
    assert_eq!(v["api_base"], world.emu.base_url.trim_end_matches('/'));
    assert!(v.get("event").is_none(), "{v}");
    assert!(!stdout.contains(&world.emu.api_key), "{stdout}");
}
