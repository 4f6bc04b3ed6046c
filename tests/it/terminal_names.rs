//! The terminal shows what is there: names with bidi overrides or zero-width characters are
//! printed escaped like control characters (never reordered, never twins of other names), in
//! `--json` as they are; and `upload -` with a terminal on stdin refuses instead of waiting
//! silently.

use std::time::Duration;

use crate::support::{cmd::*, emulator::*, tree::*};
use fastio::emulator::EmulatorConfig;

const SNEAKY: [(&str, &str); 4] = [
    ("invoice\u{202e}fdp.exe", "invoice\\u{202e}fdp.exe"),
    ("zero\u{200b}width.txt", "zero\\u{200b}width.txt"),
    (
        "iso\u{2067}late\u{2069}.txt",
        "iso\\u{2067}late\\u{2069}.txt",
    ),
    ("\u{feff}bom.txt", "\\u{feff}bom.txt"),
];

/// No character of `text` is one of the hidden ones.
fn assert_nothing_hidden(text: &str) {
    for (raw, _) in SNEAKY {
        for c in raw.chars().filter(|c| !c.is_ascii()) {
            assert!(!text.contains(c), "raw {c:?} on the terminal: {text}");
        }
    }
}

#[test]
fn hidden_and_reordering_characters_in_names_are_escaped_on_the_terminal() {
    let (emu, home, src) = upload_world(EmulatorConfig::default());
    let d = src.path().join("names");
    for (i, (raw, _)) in SNEAKY.iter().enumerate() {
        write(&d, raw, 10 + i as u64, i as u64);
    }
    // `-v` names every file as it is uploaded.
    let out = fastio(&emu, home.path())
        .args(["upload", "-v"])
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let err = stderr_of(&out);
    assert_nothing_hidden(&err);
    for (_, shown) in SNEAKY {
        assert!(err.contains(&format!("names/{shown}")), "{shown}: {err}");
    }
    // The names are stored exactly.
    let remote = remote_tree(&emu);
    for (raw, _) in SNEAKY {
        assert!(remote.contains_key(&format!("names/{raw}")), "{remote:?}");
    }
    // `verify`'s report on stdout is escaped the same way.
    let out = fastio(&emu, home.path())
        .arg("verify")
        .arg(&d)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let report = stdout_of(&out);
    assert_nothing_hidden(&report);
    for (_, shown) in SNEAKY {
        assert!(report.contains(shown), "{shown}: {report}");
    }
    // NDJSON carries the names exactly (JSON escapes what it must).
    let out = fastio(&emu, home.path())
        .args(["upload", "--json", "--to", "again"])
        .arg(&d)
        .output()
        .unwrap();
    let events = ndjson(&out.stdout);
    for (raw, _) in SNEAKY {
        let want = format!("again/names/{raw}");
        assert!(
            of_type(&events, "file_done")
                .iter()
                .any(|e| e["remote_path"] == want.as_str()),
            "{want:?}"
        );
    }
}

/// A pseudo-terminal: (controller, the terminal end to hand to a child).
#[cfg(target_os = "linux")]
fn pty() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on a descriptor we own; the name buffer outlives its use.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_str()
            .unwrap()
            .to_string();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .unwrap();
        (std::fs::File::from_raw_fd(master), slave)
    }
}

/// `upload -` with the terminal on stdin refuses at once (exit 2) saying how to give it data,
/// instead of waiting under a full-looking bar for input nobody means to type.
#[cfg(target_os = "linux")]
#[test]
fn uploading_stdin_from_a_terminal_refuses_and_says_how() {
    let (emu, home, _src) = upload_world(EmulatorConfig::default());
    let (_controller, terminal) = pty();
    let child = fastio_std(&emu, home.path())
        .args(["upload", "-", "--name", "typed.txt"])
        .stdin(terminal)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the process itself to end (20 s at most: then it waited on the terminal).
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(Duration::from_secs(20)) else {
        kill("-KILL", pid);
        panic!("`upload -` waited on the terminal");
    };
    let out = out.unwrap();
    assert_exit(&out, 2);
    let err = stderr_of(&out);
    assert!(
        err.contains("standard input is a terminal") && err.contains("| fastio upload -"),
        "{err}"
    );
    assert!(remote_tree(&emu).is_empty());
}
