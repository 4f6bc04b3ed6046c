//! The man pages as a reader sees them: every committed page rendered by `man -l` (man-db,
//! 80 columns) and by `groff -man -Tascii`, with no warning; every page it names exists; every
//! example is on one line of its own, as typed; every exit-code row starts its own line with
//! its code; no other line is wider than the terminal.
//!
//! Needs `man` and `groff` (`.ci/run` installs man-db and groff); the CI workflow runs this
//! module on Linux only, and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;

const WIDTH: usize = 80;

fn man_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("man")
}

/// `(page name, command)` for every page the manual has: `fastio`, `fastio-upload`,
/// `fastio-lock-acquire`, ...
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, name: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, format!("{name}-{}", sub.get_name()), out);
        }
        out.push((name, cmd.clone()));
    }
    let mut out = Vec::new();
    walk(&fastio::cli::Cli::command(), "fastio".into(), &mut out);
    out
}

fn run(program: &str, args: &[&str], page: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(page)
        .env("MANWIDTH", WIDTH.to_string())
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("MAN_KEEP_FORMATTING")
        .output()
        .unwrap_or_else(|e| {
            panic!("`{program}` is needed to check the man pages ({e}); install man-db and groff")
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "{program} {args:?} {}: {stderr}",
        page.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The page rendered both ways, as text without overstrikes.
fn renderings(page: &Path) -> [(&'static str, String); 2] {
    let strip = |s: String| {
        // Bold and underline as overstrikes (`x\bx`, `_\bx`) if a renderer left any.
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c == '\u{8}' {
                out.pop();
            } else {
                out.push(c);
            }
        }
        out
    };
    [
        ("man -l", strip(run("man", &["-l"], page))),
        (
            "groff",
            strip(run(
                "groff",
                &["-k", "-man", "-Tascii", "-P-cbou", "-ww"],
                page,
            )),
        ),
    ]
}

/// `l` with its words one space apart (filled lines are justified).
fn words(l: &str) -> String {
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `name(N)` in `text`.
fn references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    for i in 0..bytes.len() {
        if bytes[i] == '('
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_digit()
            && bytes[i + 2] == ')'
        {
            let mut start = i;
            while start > 0
                && (bytes[start - 1].is_ascii_alphanumeric() || "-_.".contains(bytes[start - 1]))
            {
                start -= 1;
            }
            if start < i {
                let name: String = bytes[start..i].iter().collect();
                found.push(format!("{name}.{}", bytes[i + 1]));
            }
        }
    }
    found
}

/// The lines of `Examples:` and the codes of an `Exit codes:` table in a command's long help.
fn examples_and_codes(cmd: &clap::Command) -> (Vec<String>, Vec<(String, String)>) {
    let text = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let (mut examples, mut codes) = (Vec::new(), Vec::new());
    for block in text.split("\n\n") {
        let mut lines = block.lines();
        match lines.next().map(str::trim_end) {
            Some("Examples:") => examples.extend(lines.map(|l| l.trim().to_string())),
            Some("Exit codes:") => {
                for l in lines {
                    if let Some(row) = l.strip_prefix("  ").filter(|r| !r.starts_with(' ')) {
                        let (code, meaning) = row.split_once(' ').unwrap();
                        let first = meaning.split_whitespace().next().unwrap().to_string();
                        codes.push((code.to_string(), first));
                    }
                }
            }
            _ => {}
        }
    }
    (examples, codes)
}

#[test]
fn every_man_page_renders_whole_and_names_only_pages_that_exist() {
    let dir = man_dir();
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let commands = commands();
    assert_eq!(
        files,
        commands.iter().map(|(n, _)| format!("{n}.1")).collect(),
        "one page per visible command, nested ones included"
    );
    let (mut examples_seen, mut rows_seen) = (0, 0);
    for (name, cmd) in &commands {
        let page = dir.join(format!("{name}.1"));
        let (examples, codes) = examples_and_codes(cmd);
        for (how, text) in renderings(&page) {
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                lines
                    .iter()
                    .any(|l| words(l).starts_with(&format!("{name} - "))),
                "{how} {name}: no NAME line\n{text}"
            );
            for r in references(&text) {
                assert!(
                    files.contains(&r),
                    "{how} {name}: names `{r}`, which is not a page of the manual\n{text}"
                );
            }
            // Examples: each one whole, on a line of its own.
            for ex in &examples {
                assert!(
                    lines.iter().any(|l| l.trim() == ex),
                    "{how} {name}: the example `{ex}` is not on a line of its own\n{text}"
                );
                examples_seen += 1;
            }
            // The exit-code table: each code starts its own line, its meaning beside it.
            for (code, first_word) in &codes {
                let row = lines.iter().any(|l| {
                    let mut words = l.split_whitespace();
                    words.next() == Some(code.as_str()) && words.next() == Some(first_word.as_str())
                });
                assert!(
                    row,
                    "{how} {name}: exit code {code} is not a row of its own\n{text}"
                );
                rows_seen += 1;
            }
            // Filled text fits the terminal (examples are kept as typed, however long).
            for l in &lines {
                let is_example = examples.iter().any(|ex| l.trim() == ex);
                assert!(
                    is_example || l.chars().count() <= WIDTH,
                    "{how} {name}: a line wider than {WIDTH} columns: `{l}`"
                );
            }
        }
    }
    assert!(
        examples_seen > 40 && rows_seen > 20,
        "{examples_seen} {rows_seen}"
    );
}

#[test]
fn the_lock_pages_name_their_actions_and_their_parents() {
    let text = &renderings(&man_dir().join("fastio-lock.1"))[0].1;
    for action in ["acquire", "status", "heartbeat", "release", "run"] {
        assert!(text.contains(&format!("fastio-lock-{action}(1)")), "{text}");
    }
    assert!(!text.contains("help(1)"), "{text}");
    let text = &renderings(&man_dir().join("fastio-lock-acquire.1"))[1].1;
    assert!(text.contains("SEE ALSO"), "{text}");
    assert!(text.contains("fastio-lock(1), fastio(1)"), "{text}");
}
