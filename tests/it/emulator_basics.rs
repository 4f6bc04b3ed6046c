#![cfg(feature = "emulator")]
//! Envelope, auth, workspace discovery and storage basics over real HTTP. The wire format is
//! spelled out here by hand, independent of the server's types.

use fastio::emulator::{EmulatorConfig, start};
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get(url: &str, key: &str) -> (u16, Value) {
    let r = client().get(url).bearer_auth(key).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn auth_check_accepts_configured_keys_only() {
    let emu = start(EmulatorConfig {
        api_keys: vec!["k-one".into(), "k-two".into()],
        ..Default::default()
    })
    .unwrap();
    let (s, body) = get(&format!("{}/user/auth/check/", emu.base_url), "k-one").await;
    assert_eq!(s, 200);
    assert_eq!(body["result"], "yes");
    assert!(body["response"]["id"].as_str().unwrap().len() >= 10);

    // Same route without the trailing slash.
    let (s, _) = get(&format!("{}/user/auth/check", emu.base_url), "k-two").await;
    assert_eq!(s, 200);

    let (s, body) = get(&format!("{}/user/auth/check/", emu.base_url), "wrong").await;
    assert_eq!(s, 401);
    assert_eq!(body["result"], "no");
    assert_eq!(body["error"]["code"], 1650);

    let r = client()
        .get(format!("{}/user/auth/check/", emu.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_envelopes() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let (s, body) = get(&format!("{}/no/such/thing/", emu.base_url), &emu.api_key).await;
    assert_eq!(s, 404);
    assert_eq!(body["error"]["code"], 9992);
    let r = client()
        .delete(format!("{}/user/auth/check/", emu.base_url))
        .bearer_auth(&emu.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"], "no");
}

#[tokio::test]
async fn workspaces_are_listed_and_resolvable_by_name() {
    let emu = start(EmulatorConfig {
        workspaces: vec!["alpha".into(), "beta".into()],
        ..Default::default()
    })
    .unwrap();
    let (s, body) = get(&format!("{}/orgs/list/", emu.base_url), &emu.api_key).await;
    assert_eq!(s, 200);
    let org = body["response"]["orgs"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, ext) = get(
        &format!("{}/orgs/list/external/", emu.base_url),
        &emu.api_key,
    )
    .await;
    assert_eq!(ext["response"]["orgs"], json!([]));
    let (s, body) = get(
        &format!("{}/org/{org}/list/workspaces/", emu.base_url),
        &emu.api_key,
    )
    .await;
    assert_eq!(s, 200);
    let names: Vec<&str> = body["response"]["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["folder_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    let alpha_id = body["response"]["workspaces"][0]["id"].as_str().unwrap();
    assert_eq!(alpha_id, emu.workspace_id);
    assert!(alpha_id.chars().all(|c| c.is_ascii_digit()));

    let (s, body) = get(
        &format!("{}/workspace/beta/details/", emu.base_url),
        &emu.api_key,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(body["response"]["workspace"]["folder_name"], "beta");
    let (s, body) = get(
        &format!("{}/workspace/gamma/details/", emu.base_url),
        &emu.api_key,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(body["error"]["code"], 1609);
    let (_, all) = get(&format!("{}/workspaces/all/", emu.base_url), &emu.api_key).await;
    assert_eq!(all["response"]["workspaces"].as_array().unwrap().len(), 2);
}

async fn createfolder(
    emu: &fastio::emulator::RunningEmulator,
    parent: &str,
    name: &str,
    force: bool,
) -> (u16, Value) {
    let mut form = vec![("name", name.to_string())];
    if force {
        form.push(("force", "true".into()));
    }
    let r = client()
        .post(format!(
            "{}/workspace/{}/storage/{parent}/createfolder/",
            emu.base_url, emu.workspace_id
        ))
        .bearer_auth(&emu.api_key)
        .form(&form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn createfolder_is_idempotent_unless_forced_and_validates_names() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let (s, a) = createfolder(&emu, "root", "docs", false).await;
    assert_eq!(s, 200);
    let id = a["response"]["node"]["id"].as_str().unwrap().to_string();
    assert_eq!(a["response"]["node"]["type"], "folder");
    let (_, b) = createfolder(&emu, "root", "docs", false).await;
    assert_eq!(b["response"]["node"]["id"], id.as_str());
    let (_, c) = createfolder(&emu, "root", "docs", true).await;
    assert_ne!(c["response"]["node"]["id"], id.as_str());
    assert_eq!(c["response"]["node"]["name"], "docs (2)");
    // Nested, addressed by the id without hyphens.
    let bare: String = id.chars().filter(|c| *c != '-').collect();
    let (s, d) = createfolder(&emu, &bare, "inner", false).await;
    assert_eq!(s, 200);
    assert_eq!(d["response"]["node"]["parent"], id.as_str());

    let (s, e) = createfolder(&emu, "root", "a/b", false).await;
    assert_eq!(s, 406);
    assert_eq!(e["error"]["code"], 1605);
    assert_eq!(e["error"]["params"][0]["name"], "name");
    let r = client()
        .post(format!(
            "{}/workspace/{}/storage/root/createfolder/",
            emu.base_url, emu.workspace_id
        ))
        .bearer_auth(&emu.api_key)
        .form(&[("force", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["params"][0]["kind"], "missing");
}

#[tokio::test]
async fn validation_status_switches_to_400() {
    let emu = start(EmulatorConfig {
        validation_400: true,
        ..Default::default()
    })
    .unwrap();
    let (s, e) = createfolder(&emu, "root", "", false).await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], 1605);
}

#[tokio::test]
async fn flipped_envelopes_are_flat_with_boolean_result() {
    let emu = start(EmulatorConfig {
        flip_envelopes: true,
        ..Default::default()
    })
    .unwrap();
    let (s, body) = get(&format!("{}/user/auth/check/", emu.base_url), &emu.api_key).await;
    assert_eq!(s, 200);
    assert_eq!(body["result"], true);
    assert!(body.get("response").is_none());
    assert!(body["id"].is_string());
    let (_, e) = get(&format!("{}/user/auth/check/", emu.base_url), "bad").await;
    assert_eq!(e["result"], false);
    assert_eq!(e["error"]["code"], "1650");
    assert!(e["error"]["message"].is_string());
}

#[tokio::test]
async fn listing_pages_through_a_folder_with_a_cursor() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let (_, parent) = createfolder(&emu, "root", "many", false).await;
    let parent = parent["response"]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut want = Vec::new();
    for i in 0..23 {
        let name = format!("f{i:03}");
        createfolder(&emu, &parent, &name, false).await;
        want.push(name);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!(
            "{}/workspace/{}/storage/{parent}/list/?page_size=10&sort_by=name&sort_dir=asc",
            emu.base_url, emu.workspace_id
        );
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (s, body) = get(&url, &emu.api_key).await;
        assert_eq!(s, 200, "{body}");
        pages += 1;
        for n in body["response"]["nodes"].as_array().unwrap() {
            seen.push(n["name"].as_str().unwrap().to_string());
        }
        let p = &body["response"]["pagination"];
        if p["has_more"] == true {
            cursor = Some(p["next_cursor"].as_str().unwrap().to_string());
        } else {
            assert!(p["next_cursor"].is_null());
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, want);

    // Descending order, one page.
    let (_, body) = get(
        &format!(
            "{}/workspace/{}/storage/{parent}/list/?page_size=100&sort_dir=desc",
            emu.base_url, emu.workspace_id
        ),
        &emu.api_key,
    )
    .await;
    let first = body["response"]["nodes"][0]["name"].as_str().unwrap();
    assert_eq!(first, "f022");
}

#[tokio::test]
async fn stats_count_requests_per_route_and_status() {
    let emu = start(EmulatorConfig::default()).unwrap();
    get(&format!("{}/user/auth/check/", emu.base_url), &emu.api_key).await;
    get(&format!("{}/user/auth/check/", emu.base_url), "nope").await;
    let stats: Value = client()
        .get(format!("{}/__emulator/stats", emu.root_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let route = &stats["requests"]["GET /current/user/auth/check"];
    assert_eq!(route["200"], 1);
    assert_eq!(route["401"], 1);
    assert!(stats["bytes_received"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn filename_search_finds_exact_and_partial_names() {
    let emu = start(EmulatorConfig::default()).unwrap();
    let (_, a) = createfolder(&emu, "root", "Reports", false).await;
    let reports = a["response"]["node"]["id"].as_str().unwrap().to_string();
    createfolder(&emu, &reports, "reports-2024", false).await;
    createfolder(&emu, "root", "other", false).await;
    let q = |query: &str| {
        format!(
            "{}/workspace/{}/storage/search/?search_in=filename&{query}",
            emu.base_url, emu.workspace_id
        )
    };
    let (s, v) = get(
        &q("search=Reports&name_match=exact&case_sensitive=true"),
        &emu.api_key,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let files = v["response"]["files"].as_object().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[&reports]["parent_id"], "root");
    let (_, v) = get(&q("search=report&name_match=contains"), &emu.api_key).await;
    assert_eq!(v["response"]["files"].as_object().unwrap().len(), 2);
    let (s, _) = get(&q("search=x"), &emu.api_key).await;
    assert_eq!(s, 406);
}

#[tokio::test]
async fn framework_rejections_become_error_envelopes() {
    let emu = start(EmulatorConfig::default()).unwrap();
    // A chunk upload that is not multipart is refused by the body extractor.
    let r = client()
        .post(format!(
            "{}/upload/5aaaa-bbbbb/chunk/?order=1",
            emu.base_url
        ))
        .bearer_auth(&emu.api_key)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"], "no");
    assert_eq!(body["error"]["code"], 1605);
    assert!(!body["error"]["text"].as_str().unwrap().is_empty());
}
