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

/// The module a file is, as a path (`transfer::engine` for `src/transfer/engine.rs`,
/// `transfer` for `src/transfer/mod.rs`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|l| l == "mod" || l == "lib" || l == "main")
    {
        parts.pop();
    }
    parts
}

/// A cycle among the modules at `depth` below `under` (`[]`: the crate's top level), outside
/// the emulator, as the modules' names in order; `None` when the imports only go one way.
fn import_cycle(under: &[&str], depth: usize) -> Option<Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let files = sources();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(p, _)| module_of(p)).collect();
    let key = |m: &[String]| -> Option<String> {
        let inside = m.len() > under.len() && m.iter().zip(under).all(|(a, b)| a == b);
        (inside && m[0] != "emulator").then(|| {
            m[under.len()..]
                .iter()
                .take(depth)
                .cloned()
                .collect::<Vec<_>>()
                .join("::")
        })
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let path_re = |line: &str, prefix: &str| -> Vec<Vec<String>> {
        line.match_indices(prefix)
            .map(|(i, _)| {
                line[i + prefix.len()..]
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or("")
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    };
    for (path, lines) in &files {
        let me = module_of(path);
        let Some(from) = key(&me) else { continue };
        let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
        for (_, line) in lines {
            let mut targets = path_re(line, "crate::");
            for rel in path_re(line, "super::") {
                targets.push(parent.iter().cloned().chain(rel).collect());
            }
            for t in targets {
                // The longest prefix that is a module of the crate.
                let Some(m) = (1..=t.len())
                    .rev()
                    .map(|n| t[..n].to_vec())
                    .find(|p| modules.contains(p))
                else {
                    continue;
                };
                if let Some(to) = key(&m)
                    && to != from
                {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            return Some(stack[i..].to_vec());
        }
        if !done.insert(n.to_string()) {
            return None;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, &edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_among_the_modules() {
    // The crate's top level, and one level inside each of its layers.
    let mut places: Vec<Vec<&str>> = vec![vec![]];
    for layer in [
        "api", "auth", "transfer", "output", "commands", "locks", "imports", "ask",
    ] {
        places.push(vec![layer]);
    }
    for under in places {
        if let Some(cycle) = import_cycle(&under, 1) {
            panic!(
                "import cycle under `{}`: {}",
                under.join("::"),
                cycle.join(" -> ")
            );
        }
    }
}
