//! The committed `completions/` and `man/` must be exactly what the current command line
//! generates. When this fails, rewrite them and commit:
//!
//!     FASTIO_BLESS=1 cargo test --test it generated::
//!
//! Also here: the manual as a reader sees it (every page rendered by `man` and by `groff`: no
//! page named that does not exist, no example or exit-code row broken across lines) and the
//! completion scripts (no hidden command offered).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clap::CommandFactory;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn bless() -> bool {
    std::env::var_os("FASTIO_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
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
    if bless() {
        let _ = fs::remove_dir_all(committed);
        fs::create_dir_all(committed).unwrap();
        for name in names(fresh) {
            fs::copy(fresh.join(&name), committed.join(&name)).unwrap();
        }
        return;
    }
    let hint = "rewrite them with `FASTIO_BLESS=1 cargo test --test it generated::` and commit";
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
    fastio::cli::completions::write_scripts(tmp.path()).unwrap();
    assert_same_tree(&root().join("completions"), tmp.path(), "completions");
}

#[test]
fn committed_man_pages_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    fastio::cli::man::write_pages(tmp.path()).unwrap();
    assert_same_tree(&root().join("man"), tmp.path(), "man");
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

/// The names of every subcommand, at any depth, that clap hides from help.
fn hidden_subcommands(cmd: &clap::Command, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            out.push(sub.get_name().to_string());
        }
        hidden_subcommands(sub, out);
    }
}

/// How each shell's script offers subcommand `name` of `fastio` (clap_complete's layouts).
fn offers(shell: clap_complete::Shell, script: &str, name: &str) -> bool {
    use clap_complete::Shell;
    let pattern = match shell {
        Shell::Bash => format!("fastio,{name})"),
        Shell::Zsh => format!("\n({name})\n"),
        Shell::Fish => format!("-a \"{name}\""),
        Shell::PowerShell => format!("new('{name}'"),
        Shell::Elvish => format!("cand {name} "),
        other => panic!("no pattern for {other}"),
    };
    script.contains(&pattern)
}

/// A completion script offers only commands a user may type: no hidden one (the maintainers'
/// `generate` was one; clap_complete lists hidden subcommands like the others).
#[test]
fn completions_offer_no_hidden_command() {
    let mut hidden = vec!["generate".to_string()];
    hidden_subcommands(&fastio::cli::Cli::command(), &mut hidden);
    for shell in fastio::cli::completions::SHELLS {
        let mut script = Vec::new();
        fastio::cli::completions::script(shell, &mut script);
        let script = String::from_utf8(script).unwrap();
        // Every visible subcommand is offered (so the pattern is the shell's)...
        for visible in ["upload", "lock", "completions", "verify"] {
            assert!(offers(shell, &script, visible), "{shell}: no `{visible}`");
        }
        // ...and no hidden one.
        for name in &hidden {
            assert!(
                !offers(shell, &script, name),
                "the {shell} script offers the hidden `{name}`"
            );
        }
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
