//! Inputs and layout: where arguments land remotely, filters, `--files-from`, symlinks, unicode
//! names, skip/overwrite rules, dry runs, and every bad-input case with its message and exit code.

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

#[test]
fn layout_dir_lands_as_folder_trailing_slash_as_contents_file_in_destination() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    write(src.path(), "photos/a.jpg", 10, 1);
    write(src.path(), "photos/2025/b.jpg", 20, 2);
    write(src.path(), "notes.txt", 5, 3);

    let photos = src.path().join("photos");
    let mut with_slash = photos.clone().into_os_string();
    with_slash.push("/");
    fastio(&emu, home.path())
        .args(["upload", "--to", "backup"])
        .arg(&photos)
        .arg(src.path().join("notes.txt"))
        .assert()
        .code(0);
    fastio(&emu, home.path())
        .args(["upload", "--to", "flat/x"])
        .arg(&with_slash)
        .assert()
        .code(0);
    let tree = remote_tree(&emu);
    let paths: Vec<&str> = tree.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "backup/notes.txt",
            "backup/photos/2025/b.jpg",
            "backup/photos/a.jpg",
            "flat/x/2025/b.jpg",
            "flat/x/a.jpg"
        ]
    );
}

#[test]
fn unicode_names_and_empty_files_upload() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("names");
    for (i, name) in [
        "with space.txt",
        "hash#tag.txt",
        "100%.txt",
        "emoji 🚀.txt",
        "cafe\u{301}.txt",
        "empty.txt",
        "sub dir #2/ünï.txt",
    ]
    .iter()
    .enumerate()
    {
        let size = if name.starts_with("empty") {
            0
        } else {
            10 + i as u64
        };
        write(&d, name, size, i as u64);
    }
    fastio(&emu, home.path())
        .args(["upload"])
        .arg(&d)
        .assert()
        .code(0);
    assert_stored(&emu, &d, "names");
    assert_eq!(remote_tree(&emu).len(), 7);
}

#[test]
fn include_exclude_and_files_from_nul_separated_stdin() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("proj");
    write(&d, "a.csv", 1, 1);
    write(&d, "b.txt", 1, 2);
    write(&d, "sub/c.csv", 1, 3);
    write(&d, "tmp/d.csv", 1, 4);
    fastio(&emu, home.path())
        .args([
            "upload",
            "--include",
            "*.csv",
            "--exclude",
            "tmp",
            "--to",
            "f",
        ])
        .arg(&d)
        .assert()
        .code(0);
    let got: Vec<String> = remote_tree(&emu).into_keys().collect();
    assert_eq!(got, ["f/proj/a.csv", "f/proj/sub/c.csv"]);

    // --files-from - -0: relative entries keep their folders.
    fastio(&emu, home.path())
        .current_dir(&d)
        .args(["upload", "--files-from", "-", "-0", "--to", "list"])
        .write_stdin("./b.txt\0sub/c.csv\0")
        .assert()
        .code(0);
    let got: Vec<String> = remote_tree(&emu)
        .into_keys()
        .filter(|k| k.starts_with("list/"))
        .collect();
    assert_eq!(got, ["list/b.txt", "list/sub/c.csv"]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_listed_and_skipped_unless_followed_with_loop_detection() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("links");
    write(&d, "real.txt", 3, 1);
    write(src.path(), "outside/o.txt", 4, 2);
    std::os::unix::fs::symlink(d.join("real.txt"), d.join("alias.txt")).unwrap();
    std::os::unix::fs::symlink(src.path().join("outside"), d.join("out")).unwrap();
    std::os::unix::fs::symlink(&d, d.join("loop")).unwrap();

    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "plain"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let events = ndjson(&out.stdout);
    let links = events
        .iter()
        .filter(|e| e["type"] == "symlink_skipped")
        .count();
    assert_eq!(links, 3);
    assert_eq!(summary_of(&events)["symlinks_skipped"], 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("alias.txt"), "{stderr}");

    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--follow-symlinks", "--to", "follow"])
        .arg(&d)
        .output()
        .unwrap();
    // The loop is reported (exit 1), everything else uploads.
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(failed[0]["error"].as_str().unwrap().contains("loop"));
    let got: Vec<String> = remote_tree(&emu)
        .into_keys()
        .filter(|k| k.starts_with("follow/"))
        .collect();
    assert_eq!(
        got,
        [
            "follow/links/alias.txt",
            "follow/links/out/o.txt",
            "follow/links/real.txt"
        ]
    );
}

#[test]
fn skip_existing_overwrite_and_if_changed_hash() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("s");
    write(&d, "a.txt", 100, 1);
    write(&d, "b.txt", 100, 2);
    let run = |extra: &[&str]| {
        let out = fastio(&emu, home.path())
            .args(["upload", "--json", "--no-resume"])
            .args(extra)
            .arg(&d)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        summary_of(&ndjson(&out.stdout))
    };
    assert_eq!(run(&[])["uploaded"], 2);
    // Same size, different bytes: size mode skips; the default and hash mode upload.
    write(&d, "a.txt", 100, 99);
    let s = run(&["--if-changed", "size"]);
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(0), Some(2))
    );
    let s = run(&[]);
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    assert_stored(&emu, &d, "s");
    write(&d, "b.txt", 100, 98);
    let s = run(&["--if-changed", "hash"]);
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    assert_stored(&emu, &d, "s");
    let s = run(&["--overwrite"]);
    assert_eq!(s["uploaded"], 2);
}

#[test]
fn dry_run_uses_read_only_calls() {
    let (emu, home, src) = upload_world(small_limits());
    let d = src.path().join("dry");
    write(&d, "a.txt", 10, 1);
    write(&d, "x/y/big.bin", 5 * MIB, 2);
    let out = fastio(&emu, home.path())
        .args(["upload", "--dry-run", "--json", "--to", "new"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let events = ndjson(&out.stdout);
    assert_eq!(
        events
            .iter()
            .filter(|e| e["type"] == "would_upload")
            .count(),
        2
    );
    assert!(events.iter().any(|e| e["type"] == "would_create_folder"));
    let s = summary_of(&events);
    assert_eq!(s["dry_run"], true);
    assert_eq!(s["bytes"], 10 + 5 * MIB);
    let stats = emu.stats();
    for (route, _) in stats["requests"].as_object().unwrap() {
        assert!(route.starts_with("GET"), "write call in a dry run: {route}");
    }
    assert!(remote_tree(&emu).is_empty());
    assert!(remote_folders(&emu).is_empty());
}

#[test]
fn missing_and_unreadable_paths_are_named_and_the_rest_uploads() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let ok = write(src.path(), "ok.txt", 3, 1);
    let missing = src.path().join("nope.txt");
    let out = fastio(&emu, home.path())
        .args(["upload"])
        .arg(&missing)
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("nope.txt"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("no such file or directory"), "{line}");
    assert!(remote_tree(&emu).contains_key("ok.txt"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = write(src.path(), "locked.txt", 3, 2);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&locked).is_err() {
            // Not root: the file really is unreadable.
            let out = fastio(&emu, home.path())
                .args(["upload"])
                .arg(&locked)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("locked.txt") && stderr.contains("ermission"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn usage_and_server_errors_have_their_exit_codes() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let f = write(src.path(), "a.txt", 3, 1);

    let check = |args: &[&str], code: i32, needle: &str| {
        let out = fastio(&emu, home.path()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    };
    let fp = f.to_str().unwrap();
    check(&["upload"], 2, "nothing to upload");
    check(&["upload", "--include", "a[", fp], 2, "a[");
    check(&["upload", "--to", "a/../b", fp], 2, "..");
    check(
        &["upload", "--workspace", "no-such-ws", fp],
        4,
        "no-such-ws",
    );
    check(&["upload", "--token", "wrong-key", fp], 3, "401");

    // Server unreachable.
    let out = fastio(&emu, home.path())
        .args(["upload", "--api-base", "http://127.0.0.1:9/current", fp])
        .output()
        .unwrap();
    assert_exit(&out, 4);
}

#[test]
fn a_file_changing_while_sent_fails_alone() {
    let emu = throttled(1_000_000);
    let home = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let d = src.path().join("live");
    let growing = write(&d, "growing.log", 6 * MIB, 1);
    write(&d, "steady.txt", 10, 2);
    let child = spawn_piped(
        fastio_std(&emu, home.path())
            .args(["upload", "--json"])
            .arg(&d),
    );
    let t0 = std::time::Instant::now();
    while emu.stats()["chunk_bytes"].as_u64().unwrap_or(0) == 0 {
        assert!(t0.elapsed() < std::time::Duration::from_secs(30));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&growing)
            .unwrap();
        f.write_all(b"one more line\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_exit(&out, 1);
    let events = ndjson(&out.stdout);
    let failed = failed_files(&events, 1);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("changed while being sent")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("growing.log"), "{stderr}");
    let tree = remote_tree(&emu);
    assert!(tree.contains_key("live/steady.txt"));
    assert!(!tree.contains_key("live/growing.log"));
}

#[test]
fn uploads_start_before_the_walk_ends() {
    // Paths arrive on stdin one at a time; the first file is stored while stdin is still open.
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    write(src.path(), "first.txt", 5, 1);
    write(src.path(), "second.txt", 6, 2);
    let mut child = fastio_std(&emu, home.path())
        .current_dir(src.path())
        .args(["upload", "--files-from", "-", "--progress", "none"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    {
        use std::io::Write;
        writeln!(stdin, "first.txt").unwrap();
        stdin.flush().unwrap();
    }
    let t0 = std::time::Instant::now();
    while !remote_tree(&emu).contains_key("first.txt") {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(30),
            "first file not uploaded while the list was still open"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    {
        use std::io::Write;
        writeln!(stdin, "second.txt").unwrap();
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(remote_tree(&emu).contains_key("second.txt"));
}

#[cfg(unix)]
#[test]
fn names_the_server_refuses_fail_alone_with_its_message() {
    let (emu, home, src) = upload_world(small_limits());
    let d = src.path().join("names");
    write(&d, "back\\slash.txt", 5, 1);
    write(&d, "big back\\slash.bin", 5 * MIB, 2);
    write(&d, "fine.txt", 5, 3);
    let (out, events) = upload_json(&emu, home.path(), &d, 1);
    let failed = failed_files(&events, 2);
    for f in &failed {
        assert!(f["local"].as_str().unwrap().contains("slash"));
        assert!(f["error"].as_str().unwrap().contains("not allowed"), "{f}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("failed `")).count(),
        2,
        "{stderr}"
    );
    assert!(remote_tree(&emu).contains_key("names/fine.txt"));
}
