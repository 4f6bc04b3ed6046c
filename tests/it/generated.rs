//! The committed `completions/` and `man/` must be exactly what the current command line
//! generates. When this fails, run:
//!
//!     cargo run -- generate completions completions && cargo run -- generate man man

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn generate(what: &str, dir: &Path) {
    Command::cargo_bin("fastio")
        .unwrap()
        .args(["generate", what])
        .arg(dir)
        .assert()
        .success();
}

/// Every file in `fresh` must exist in `committed` with the same bytes, and vice versa.
fn assert_same_tree(committed: &Path, fresh: &Path, what: &str) {
    let names = |dir: &Path| {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let hint = format!("regenerate with `cargo run -- generate {what} {what}` and commit");
    assert_eq!(
        names(committed),
        names(fresh),
        "{what}/ has other files than generated; {hint}"
    );
    for name in names(fresh) {
        let a = fs::read(committed.join(&name)).unwrap();
        let b = fs::read(fresh.join(&name)).unwrap();
        assert!(a == b, "{what}/{name} is stale; {hint}");
    }
}

#[test]
fn committed_completions_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    generate("completions", tmp.path());
    assert_same_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("completions"),
        tmp.path(),
        "completions",
    );
}

#[test]
fn committed_man_pages_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    generate("man", tmp.path());
    assert_same_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("man"),
        tmp.path(),
        "man",
    );
}

#[test]
fn completions_subcommand_prints_a_script_for_each_shell() {
    for (shell, needle) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef fastio"),
        ("fish", "complete -c fastio"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let out = Command::cargo_bin("fastio")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(needle), "{shell} script lacks `{needle}`");
        assert!(
            text.contains("upload"),
            "{shell} script does not know `upload`"
        );
    }
}

#[test]
fn every_subcommand_help_ends_with_examples() {
    for sub in [
        "login",
        "logout",
        "whoami",
        "upload",
        "import-url",
        "lock",
        "ask",
        "emulator",
        "completions",
    ] {
        let out = Command::cargo_bin("fastio")
            .unwrap()
            .args([sub, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{sub} --help");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Examples:"),
            "`fastio {sub} --help` has no examples"
        );
    }
}
