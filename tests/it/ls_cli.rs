//! `fastio ls`: folders listed completely whatever their size (table and `--json`), `-R`, `-l`,
//! a single file, a missing path, and the workspace listing; and where an upload says its
//! files went.

use std::collections::BTreeSet;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn a_folder_of_1200_entries_is_listed_completely_as_a_table_and_as_json() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("big");
    let mut want = BTreeSet::new();
    for i in 0..1200u64 {
        write(&d, &format!("f{i:04}.txt"), i % 7, i);
        want.insert(format!("dst/big/f{i:04}.txt"));
    }
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "dst"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("into `dst` in workspace {}", emu.workspace_id)),
        "the summary says where the files went: {err}"
    );
    assert_eq!(remote_tree(&emu).len(), 1200);

    let lists_before = requests_matching(&emu, "/list");
    let out = fastio(&emu, home.path())
        .args(["ls", "dst/big"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let got: BTreeSet<String> = stdout_of(&out).lines().map(str::to_string).collect();
    assert_eq!(got, want);
    assert_eq!(stdout_of(&out).lines().count(), 1200);
    assert!(
        stderr_of(&out).contains("1200 files"),
        "{}",
        stderr_of(&out)
    );
    // 500 a page: the folder took several pages.
    assert!(requests_matching(&emu, "/list") - lists_before >= 3);

    let out = fastio(&emu, home.path())
        .args(["ls", "dst/big", "--json", "-l"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let entries = of_type(&events, "entry");
    let got: BTreeSet<String> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    assert_eq!(entries.len(), 1200);
    let stored = remote_tree(&emu);
    for e in &entries {
        assert_eq!(e["v"], 1);
        let s = &stored[e["path"].as_str().unwrap()];
        assert_eq!(
            (e["size"].as_u64(), e["id"].as_str()),
            (Some(s.size), Some(s.id.as_str()))
        );
        assert_eq!(e["hash"].as_str(), Some(s.sha256.as_str()));
    }
    let summary = of_type(&events, "ls_summary");
    assert_eq!(summary[0]["files"], 1200, "{summary:?}");
}

#[test]
fn recursive_long_listing_a_file_a_missing_path_and_the_workspaces() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("t");
    write(&d, "a.txt", 3, 1);
    write(&d, "sub/deep/b.txt", 5, 2);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "dst"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stored = remote_tree(&emu);

    let out = fastio(&emu, home.path())
        .args(["ls", "dst", "-R"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert_eq!(
        stdout_of(&out).lines().collect::<Vec<_>>(),
        [
            "dst/t/",
            "dst/t/a.txt",
            "dst/t/sub/",
            "dst/t/sub/deep/",
            "dst/t/sub/deep/b.txt"
        ]
    );
    // Without -R: one level.
    let out = fastio(&emu, home.path())
        .args(["ls", "/dst/t/"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&out).lines().collect::<Vec<_>>(),
        ["dst/t/a.txt", "dst/t/sub/"]
    );

    let out = fastio(&emu, home.path())
        .args(["ls", "-l", "dst/t/sub/deep/b.txt"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let line = stdout_of(&out);
    let b = &stored["dst/t/sub/deep/b.txt"];
    assert!(
        line.contains(&format!("sha256:{}", b.sha256)) && line.contains(" 5 "),
        "{line}"
    );

    let out = fastio(&emu, home.path())
        .args(["ls", "dst/nope"])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(stderr_of(&out).contains("`dst/nope`: no such file or folder"));

    let out = fastio(&emu, home.path())
        .args(["ls", "--workspaces", "--json"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let events = ndjson(&out.stdout);
    let ws = of_type(&events, "workspace");
    assert!(
        ws.iter()
            .any(|w| w["id"] == emu.workspace_id.as_str() && w["name"].is_string()),
        "{events:?}"
    );
    let out = fastio(&emu, home.path())
        .args(["ls", "--workspaces"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&out)
            .lines()
            .any(|l| l.starts_with(&format!("{}  ", emu.workspace_id)))
    );
}
