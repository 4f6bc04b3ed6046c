//! The shape of `src/` that the developers' guide asks for, checked on the source text, so a
//! change that reads the environment below `commands/`, picks an exit code outside the command
//! edge or prints outside `output/` fails here and names the file and line.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` with its lines, comments left out.
fn sources() -> Vec<(PathBuf, Vec<(usize, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect();
        let rel = entry.path().strip_prefix(&root).unwrap().to_path_buf();
        out.push((rel, lines));
    }
    assert!(out.len() > 50, "src/ not found under {}", root.display());
    out
}

/// `file:line: text` for every line matching `what` in a file `allowed` does not accept.
fn offenders(what: &[&str], allowed: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (path, lines) in sources() {
        let p = path.to_string_lossy().replace('\\', "/");
        if allowed(&p) {
            continue;
        }
        for (n, line) in lines {
            if what.iter().any(|w| line.contains(w)) {
                found.push(format!("src/{p}:{n}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_settings_layer_reads_the_environment() {
    let found = offenders(&["env::var", "var_os(", "env::temp_dir"], |p| {
        p == "settings.rs" || p.starts_with("emulator/")
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn exit_codes_are_chosen_at_the_command_edge_only() {
    let found = offenders(&["crate::exit", "exit::"], |p| {
        p.starts_with("commands/") || p == "exit.rs" || p == "main.rs" || p == "lib.rs"
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn only_output_writes_to_the_terminal() {
    let prints = ["println!", "eprintln!", "print!(", "eprint!("];
    let found = offenders(&prints, |p| {
        p.starts_with("output/") || p.starts_with("emulator/") || p == "main.rs"
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_source_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let n = std::fs::read_to_string(entry.path())
                .unwrap()
                .lines()
                .count();
            if n > 600 {
                long.push(format!("{}: {n} lines", entry.path().display()));
            }
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}
