//! Shared helpers of the auth tests: an isolated home, a per-test keyring profile, an emulator,
//! and a scripted browser.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fastio::auth::store::Store;
use fastio::emulator::{EmulatorConfig, RunningEmulator, start};

/// One test's world: its own HOME/XDG dirs, its own keyring profile, its own emulator.
pub struct World {
    pub home: tempfile::TempDir,
    pub profile: String,
    pub emu: RunningEmulator,
}

impl World {
    pub fn new(token_ttl: Duration) -> World {
        World::with(EmulatorConfig {
            token_ttl,
            ..Default::default()
        })
    }

    pub fn with(config: EmulatorConfig) -> World {
        let emu = start(config).expect("emulator starts");
        World {
            home: tempfile::tempdir().unwrap(),
            profile: format!("test-{}", hex::encode(rand::random::<[u8; 6]>())),
            emu,
        }
    }

    /// The binary with a clean environment: no FASTIO_* variables from outside, HOME and XDG in
    /// the temp dir, the emulator as API base and this test's profile.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.cmd_no_base();
        cmd.arg("--api-base").arg(&self.emu.base_url);
        cmd
    }

    /// Like [`World::cmd`] without `--api-base` (the profile's config must supply it).
    pub fn cmd_no_base(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("fastio"));
        for (k, _) in std::env::vars() {
            if k.starts_with("FASTIO_") || k == "BROWSER" {
                cmd.env_remove(k);
            }
        }
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NO_COLOR", "1")
            .arg("--profile")
            .arg(&self.profile);
        cmd
    }

    /// A `BROWSER` script that records the URL it is asked to open into `browser-url.txt`.
    pub fn browser_script(&self) -> (PathBuf, PathBuf) {
        let script = self.home.path().join("browser.sh");
        let out = self.home.path().join("browser-url.txt");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp'\nmv '{0}.tmp' '{0}'\n",
                out.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        (script, out)
    }

    pub fn store(&self) -> Store {
        Store::open(&self.profile).expect("an OS keyring is available to the tests")
    }

    pub fn counter(&self, name: &str) -> u64 {
        self.emu.stats()["counters"][name].as_u64().unwrap_or(0)
    }

    /// Log in through the paste-back path; returns the whole stderr of the login.
    pub fn paste_login(&self, extra: &[&str]) -> String {
        let mut child = self
            .cmd()
            .args(extra)
            .args(["login", "--no-browser", "--timeout", "30"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (url, stderr) = read_until_url(&mut child);
        let code = displayed_code(&url, &self.emu.api_key);
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{code}").unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let mut seen = stderr.join().unwrap();
        seen.push_str(&String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "paste-back login failed: {seen}");
        seen
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // Leave nothing in the user's real keyring.
        if let Ok(store) = Store::open(&self.profile) {
            let _ = store.delete();
        }
    }
}

/// Read the child's stderr until a line with a consent URL; return the URL and a handle that
/// yields the whole stderr once the child closes it.
pub fn read_until_url(child: &mut Child) -> (String, std::thread::JoinHandle<String>) {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let all = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            seen.push_str(&line);
            if let Some(pos) = line.find("http://") {
                let url = line[pos..].trim().to_string();
                if url.contains("/connect?") {
                    let _ = tx.send(url);
                }
            }
            line.clear();
        }
        seen
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(url) => (url, all),
        Err(_) => panic!("no consent URL printed: {}", all.join().unwrap()),
    }
}

/// Approve on the consent page opened with `display_code=true` and read the code it shows.
pub fn displayed_code(url: &str, api_key: &str) -> String {
    assert!(url.contains("display_code=true"), "{url}");
    let (status, html, _) = approve(url, api_key);
    assert_eq!(status, 200, "{html}");
    let start = html.find("<code id=\"code\">").expect("page shows a code") + 16;
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end].to_string()
}

/// The scripted browser on the consent page: open it (a form that asks for the emulator's API
/// key), paste `api_key` into its `api_key` field and submit. Returns the submit's (status,
/// body, Location header).
pub fn approve(url: &str, api_key: &str) -> (u16, String, Option<String>) {
    let (status, page, _) = blocking_get(url);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("name=\"api_key\""),
        "the consent page asks for the API key: {page}"
    );
    let parsed = url::Url::parse(url).unwrap();
    let mut form: Vec<(String, String)> = parsed
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k == "auth_request_id" || k == "display_code")
        .collect();
    form.push(("api_key".into(), api_key.into()));
    let action = parsed.join("/connect").unwrap();
    blocking_send(action.as_str(), Some(form))
}

/// The scripted browser on a consent URL opened with `display_code=true`: approve with
/// `api_key`; the page shows the code and a link back to the client's redirect URI. Returns that
/// link (what a browser user clicking "return to the application" would open).
pub fn approve_and_return(url: &str, api_key: &str) -> String {
    assert!(url.contains("display_code=true"), "{url}");
    let (status, html, _) = approve(url, api_key);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("<code id=\"code\">"),
        "the page shows the code: {html}"
    );
    let start = html
        .find("id=\"return\" href=\"")
        .expect("the page links back to the redirect URI")
        + "id=\"return\" href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

/// A GET from a plain thread (the tests are synchronous): (status, body, Location header).
pub fn blocking_get(url: &str) -> (u16, String, Option<String>) {
    blocking_send(url, None)
}

/// A GET, or a form POST when `form` is given, from a plain thread.
fn blocking_send(url: &str, form: Option<Vec<(String, String)>>) -> (u16, String, Option<String>) {
    let url = url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let r = match &form {
                Some(f) => client.post(&url).form(f).send().await.unwrap(),
                None => client.get(&url).send().await.unwrap(),
            };
            let status = r.status().as_u16();
            let location = r
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string());
            (status, r.text().await.unwrap_or_default(), location)
        })
    })
    .join()
    .unwrap()
}

/// Wait for a file to appear (the scripted browser writes it).
pub fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(s) = std::fs::read_to_string(path) {
            if !s.is_empty() {
                return s;
            }
        }
        assert!(Instant::now() < deadline, "the browser was never opened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The OAuth dance by hand, as a browser would do it: authorize, approve on the display-code
/// page with the emulator's key, exchange the code with `verifier`. The token JSON.
pub async fn oauth_tokens_by_hand(emu: &RunningEmulator, verifier: &str) -> serde_json::Value {
    use base64::Engine as _;
    use sha2::Digest as _;
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = "http://localhost:19836/callback";
    let body: serde_json::Value = http
        .get(format!("{}/oauth/authorize/", emu.base_url))
        .query(&[
            ("client_id", "fastio-cli"),
            ("response_type", "code"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("redirect_uri", redirect),
            ("response_format", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = body["response"]["auth_request_id"].as_str().unwrap();
    // The consent form: paste the emulator's API key and approve.
    let page = http
        .post(format!("{}/connect", emu.root_url()))
        .form(&[
            ("auth_request_id", id),
            ("display_code", "true"),
            ("api_key", emu.api_key.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("<code id=\"code\">").unwrap() + 16;
    let code = &page[start..start + page[start..].find('<').unwrap()];
    http.post(format!("{}/oauth/token/", emu.base_url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("client_id", "fastio-cli"),
            ("redirect_uri", redirect),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
