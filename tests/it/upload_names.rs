//! Names the protocol cannot carry as they are (bytes that are not UTF-8, control characters,
//! long names the batch endpoint would shorten), two local files for one remote path, and
//! things in a tree that are not regular files. Nothing may be lost silently: each such file
//! fails alone, before anything is sent, and its siblings are uploaded.

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;
use serde_json::Value;

fn failed_events(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == "file_failed")
        .collect()
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_fail_alone_and_never_share_a_remote_name() {
    use std::os::unix::ffi::OsStrExt;
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let u = src.path().join("u");
    std::fs::create_dir_all(&u).unwrap();
    let os = |b: &[u8]| u.join(std::ffi::OsStr::from_bytes(b));
    std::fs::write(os(b"bad\xff.txt"), b"AAAA").unwrap();
    std::fs::write(os(b"bad\xfe.txt"), b"BBBBB").unwrap();
    std::fs::create_dir_all(os(b"dir\xff")).unwrap();
    std::fs::write(os(b"dir\xff/inner.txt"), b"CC").unwrap();
    std::fs::write(u.join("good.txt"), b"good").unwrap();

    for run in 0..2 {
        let out = fastio(&emu, home.path())
            .args(["upload", "--json", "--to", "x"])
            .arg(&u)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "run {run}: {stderr}");
        let events = ndjson(&out.stdout);
        let failed = failed_events(&events);
        assert_eq!(failed.len(), 3, "{events:?}");
        let mut locals: Vec<&str> = failed
            .iter()
            .map(|f| f["local"].as_str().unwrap())
            .collect();
        locals.sort();
        // Shown apart: the bytes that are not UTF-8 appear as \xNN.
        assert!(locals[0].ends_with("u/bad\\xFE.txt"), "{locals:?}");
        assert!(locals[1].ends_with("u/bad\\xFF.txt"), "{locals:?}");
        assert!(locals[2].ends_with("u/dir\\xFF/inner.txt"), "{locals:?}");
        for f in &failed {
            assert!(
                f["error"].as_str().unwrap().contains("not valid UTF-8"),
                "{f}"
            );
        }
        assert!(
            stderr.contains("bad\\xFF.txt") && stderr.contains("bad\\xFE.txt"),
            "{stderr}"
        );
        let s = summary_of(&events);
        assert_eq!(s["failed"], 3);
        assert_eq!(s["planned"], 4);
        // The server holds the good file and nothing made of the others.
        let tree = remote_tree(&emu);
        let paths: Vec<&str> = tree.keys().map(String::as_str).collect();
        assert_eq!(paths, ["x/u/good.txt"], "run {run}");
    }
}

#[test]
fn two_local_files_for_one_remote_path_fail_the_second_and_keep_the_first() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let a = write(src.path(), "a/x.txt", 4, 1);
    let b = write(src.path(), "b/x.txt", 5, 2);
    // Absolute --files-from entries land in the destination: both as `x.txt`.
    let list = format!("{}\n{}\n", a.display(), b.display());
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--files-from", "-", "--to", "dest"])
        .write_stdin(list)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let events = ndjson(&out.stdout);
    let failed = failed_events(&events);
    assert_eq!(failed.len(), 1, "{events:?}");
    assert_eq!(failed[0]["local"], b.display().to_string());
    let error = failed[0]["error"].as_str().unwrap();
    assert!(
        error.contains("dest/x.txt") && error.contains(&a.display().to_string()),
        "names the other file and the remote path: {error}"
    );
    let tree = remote_tree(&emu);
    assert_eq!(tree.len(), 1);
    assert_eq!(tree["dest/x.txt"].size, 4, "the first file's content");
    assert_eq!(versions_of(&emu, "dest/x.txt"), 1, "written once");
}

#[test]
fn long_names_sharing_their_first_100_characters_both_arrive_whole() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("long");
    let stem = "n".repeat(150);
    let one = format!("{stem}-one.txt");
    let two = format!("{stem}-two.txt");
    assert!(one.chars().count() > 150);
    write(&d, &one, 1000, 1);
    write(&d, &two, 2000, 2);
    write(&d, "short.txt", 10, 3);
    let out = fastio(&emu, home.path())
        .args(["upload", "--json"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let tree = remote_tree(&emu);
    assert_eq!(tree.len(), 3, "{:?}", tree.keys().collect::<Vec<_>>());
    assert_stored(&emu, &d, "long");
    assert!(tree.contains_key(&format!("long/{one}")));
    assert!(tree.contains_key(&format!("long/{two}")));
}

#[cfg(unix)]
#[test]
fn control_characters_in_names_fail_alone_and_are_printed_escaped() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("ctl");
    for i in 0..50 {
        write(&d, &format!("good{i:02}.txt"), 10 + i, i);
    }
    let bad = [
        "new\nline.txt",
        "carriage\rreturn.txt",
        "ctl\u{1}.txt",
        "esc\u{1b}[31mred.txt",
    ];
    for (i, name) in bad.iter().enumerate() {
        write(&d, name, 7, 100 + i as u64);
    }
    // On the terminal: one escaped line per bad name, no raw control character.
    let out = fastio(&emu, home.path())
        .args(["upload"])
        .arg(&d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\r') && !stderr.contains('\u{1}'),
        "raw control characters reached the terminal: {stderr:?}"
    );
    let failed: Vec<&str> = stderr.lines().filter(|l| l.contains("failed `")).collect();
    assert_eq!(failed.len(), 4, "{stderr}");
    for l in &failed {
        assert!(l.contains("control character"), "{l}");
    }
    assert!(stderr.contains("new\\nline.txt"), "{stderr}");
    assert!(stderr.contains("esc\\u{1b}[31mred.txt"), "{stderr}");
    let tree = remote_tree(&emu);
    assert_eq!(tree.len(), 50, "every good sibling is stored");
    assert_stored(
        &emu,
        &{
            // Compare the good files only.
            let good = src.path().join("good-only");
            for i in 0..50 {
                write(&good, &format!("good{i:02}.txt"), 10 + i, i);
            }
            good
        },
        "ctl",
    );

    // In JSON: the names exactly (JSON escapes them), the same outcome on a rerun.
    let (_, events) = upload_json(&emu, home.path(), &d, 1);
    let mut locals: Vec<String> = failed_events(&events)
        .iter()
        .map(|f| {
            f["local"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    locals.sort();
    let mut want: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(locals, want);
    let s = summary_of(&events);
    assert_eq!(
        (s["skipped"].as_u64(), s["failed"].as_u64()),
        (Some(50), Some(4))
    );
}

#[test]
fn a_destination_with_a_control_character_is_a_usage_error() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let f = write(src.path(), "a.txt", 3, 1);
    let out = fastio(&emu, home.path())
        .args(["upload", "--to", "ok/bad\u{1b}name"])
        .arg(&f)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("control character"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(remote_tree(&emu).is_empty());
}

#[cfg(unix)]
#[test]
fn fifos_and_sockets_in_a_tree_are_listed_as_skipped() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("special");
    write(&d, "real.txt", 3, 1);
    let fifo = d.join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let _sock = std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap();

    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--progress", "plain"])
        .arg(&d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let events = ndjson(&out.stdout);
    let mut skipped: Vec<(String, String)> = events
        .iter()
        .filter(|e| e["type"] == "special_skipped")
        .map(|e| {
            (
                e["local"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        [
            ("pipe".to_string(), "a FIFO".to_string()),
            ("sock".to_string(), "a socket".to_string())
        ]
    );
    assert_eq!(summary_of(&events)["special_skipped"], 2);
    assert!(
        stderr.contains("pipe`: a FIFO, not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 FIFOs, sockets or devices skipped"),
        "{stderr}"
    );
    let paths: Vec<String> = remote_tree(&emu).into_keys().collect();
    assert_eq!(paths, ["special/real.txt"]);
}

#[test]
fn the_same_file_listed_twice_is_uploaded_once() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    write(src.path(), "x.txt", 4, 1);
    let out = fastio(&emu, home.path())
        .current_dir(src.path())
        .args(["upload", "--json", "--files-from", "-", "--overwrite"])
        .write_stdin("x.txt\n./x.txt\n")
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let s = summary_of(&ndjson(&out.stdout));
    assert_eq!(
        (s["uploaded"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(versions_of(&emu, "x.txt"), 1);
}
