//! The API pieces other commands build on: workspace resolution by id, folder_name and display
//! name (fastio-api.md §8), and remote folder paths created once under concurrency (§4).

use std::sync::Arc;

use crate::support::{emulator::*, tree::*};
use fastio::api::{Client, FolderResolver, StaticToken, resolve_workspace};
use fastio::emulator::EmulatorConfig;
use secrecy::SecretString;

fn client(emu: &fastio::emulator::RunningEmulator) -> Client {
    Client::new(
        &emu.base_url,
        Arc::new(StaticToken(SecretString::from(emu.api_key.clone()))),
    )
    .unwrap()
}

#[tokio::test]
async fn workspace_resolves_by_id_folder_name_and_name() {
    let emu = emulator(EmulatorConfig {
        workspaces: vec!["team-alpha".into(), "team-beta".into()],
        ..Default::default()
    });
    let c = client(&emu);
    let (beta_id, beta_folder) = emu.workspaces[1].clone();
    // An all-digits value is the id itself: no lookup.
    let by_id = resolve_workspace(&c, &beta_id).await.unwrap();
    assert_eq!(by_id.id, beta_id);
    let by_folder_name = resolve_workspace(&c, &beta_folder).await.unwrap();
    assert_eq!(by_folder_name.id, beta_id);
    let by_folder = resolve_workspace(&c, "team-beta").await.unwrap();
    assert_eq!(by_folder.id, beta_id);

    let missing = resolve_workspace(&c, "no-such-team").await.unwrap_err();
    assert_eq!(
        fastio::exit::exit_status(&missing),
        fastio::exit::ExitStatus::Unavailable
    );
    assert!(format!("{missing:#}").contains("no-such-team"));
    // (A wrong all-digits id surfaces at the first real call: tests/live_api.rs.)
}

#[tokio::test]
async fn folder_paths_are_created_once_under_concurrency() {
    let emu = emulator(EmulatorConfig::default());
    let c = client(&emu);
    let folders = Arc::new(FolderResolver::new(
        c.clone(),
        emu.workspace_id.clone(),
        true,
    ));
    let mut tasks = Vec::new();
    for i in 0..32 {
        let f = folders.clone();
        tasks.push(tokio::spawn(async move {
            let path = if i % 2 == 0 {
                "reports/2026/q1"
            } else {
                "/reports//2026/q1/"
            };
            f.ensure(path).await.unwrap()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one folder id for one path");
    assert_eq!(
        folders.cached("reports/2026/q1/"),
        Some(Some(ids[0].clone()))
    );
    assert_eq!(folders.cached("reports/2027"), None);
    assert_eq!(folders.cached(""), Some(Some("root".into())));
    assert_eq!(
        remote_folders(&emu),
        ["reports", "reports/2026", "reports/2026/q1"]
    );
    let creates = emu.stats()["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| route.contains("createfolder"))
        .flat_map(|(_, by_status)| by_status.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(creates, 3, "each folder created exactly once");

    // Lookup mode writes nothing and sees what exists.
    let lookup = FolderResolver::new(c, emu.workspace_id.clone(), false);
    assert_eq!(
        lookup.resolve("reports/2026/q1").await.unwrap(),
        Some(ids[0].clone())
    );
    assert_eq!(lookup.resolve("reports/2027/q1").await.unwrap(), None);
    assert_eq!(
        remote_folders(&emu),
        ["reports", "reports/2026", "reports/2026/q1"]
    );
}
