//! The README's CI examples hold up: every YAML block loads, and every `fastio` command line in
//! it (shell lines in `run:`/`script:`, a container's `args:`) parses with the binary's own clap
//! definition, with the runner's `${{ … }}` and `$VAR` expansions stood in for by sample values.

use clap::Parser as _;
use yaml_rust2::{Yaml, YamlLoader};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The fenced ```yaml blocks of the README.
fn yaml_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_start() == "```yaml" => current = Some(String::new()),
            Some(block) if line.trim_start() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// Every string in `y`, with the key it stands under (`args` sequences joined as one command).
fn commands(y: &Yaml, key: &str, out: &mut Vec<Vec<String>>) {
    match y {
        Yaml::Hash(h) => {
            for (k, v) in h {
                commands(v, k.as_str().unwrap_or(""), out);
            }
        }
        Yaml::Array(a) if key == "args" => {
            let mut argv = vec!["fastio".to_string()];
            argv.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)));
            out.push(argv);
        }
        Yaml::Array(a) => a.iter().for_each(|v| commands(v, key, out)),
        // Shell lines: GitHub's `run`, GitLab's `script` (and its `before_script` /
        // `after_script`), a container's `command`.
        Yaml::String(s) if key == "run" || key.ends_with("script") || key == "command" => {
            for line in s.lines() {
                out.extend(fastio_invocations(line));
            }
        }
        _ => {}
    }
}

/// The `fastio …` invocations in one shell line, split into words (quotes honoured, runner
/// expansions replaced by sample values), up to a shell operator.
fn fastio_invocations(line: &str) -> Vec<Vec<String>> {
    let line = expand(line);
    let words = shell_words(&line);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // A command starts the line or follows an operator (`cargo install … fastio` is not one).
        let starts = i == 0
            || matches!(
                words[i - 1].as_str(),
                ";" | "|" | "||" | "&&" | "do" | "then" | "time"
            );
        if words[i] == "fastio" && starts {
            let argv: Vec<String> = words[i..]
                .iter()
                .take_while(|w| {
                    !matches!(
                        w.as_str(),
                        "|" | "||" | "&&" | ";" | ">" | "2>" | "do" | "done"
                    )
                })
                .cloned()
                .collect();
            i += argv.len();
            out.push(argv);
        } else {
            i += 1;
        }
    }
    out
}

/// `${{ matrix.shard }}` → `1`, any other `${{ … }}` → `x`, `$VAR`/`${VAR}` → `x`.
fn expand(line: &str) -> String {
    let mut s = line.replace("${{ matrix.shard }}", "1");
    while let Some(start) = s.find("${{") {
        let end = s[start..].find("}}").map_or(s.len(), |e| start + e + 2);
        s.replace_range(start..end, "x");
    }
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_' || *n == '{')
        {
            let braced = chars.peek() == Some(&'{');
            if braced {
                chars.next();
            }
            while chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_')
            {
                chars.next();
            }
            if braced {
                chars.next();
            }
            out.push('x');
        } else {
            out.push(c);
        }
    }
    out
}

/// Words of a shell line: whitespace-separated, single and double quotes grouping, `;` and `|`
/// as words of their own; a `#` comment ends the line.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (None, ';') => {
                if started {
                    words.push(std::mem::take(&mut cur));
                    started = false;
                }
                words.push(";".into());
            }
            (None, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(cur);
    }
    words
}

#[test]
fn every_yaml_example_loads_and_its_fastio_commands_parse() {
    let blocks = yaml_blocks(&readme());
    assert!(blocks.len() >= 4, "{} YAML blocks", blocks.len());
    let mut checked = 0;
    for block in &blocks {
        let docs = YamlLoader::load_from_str(block)
            .unwrap_or_else(|e| panic!("a README YAML block does not load: {e}\n{block}"));
        let mut argvs = Vec::new();
        for d in &docs {
            commands(d, "", &mut argvs);
        }
        for argv in argvs {
            if let Err(e) = fastio::cli::Cli::try_parse_from(&argv) {
                panic!("`{}` does not parse: {e}", argv.join(" "));
            }
            checked += 1;
        }
    }
    // The upload, sharded upload, two verifies, Kubernetes and GitLab examples at least.
    assert!(checked >= 6, "only {checked} fastio command lines found");
}

#[test]
fn the_word_splitter_finds_commands_behind_shell_operators() {
    let got = fastio_invocations(
        r#"status=0; fastio upload ./dist --to "builds/${GITHUB_SHA}" --json > x || status=$?"#,
    );
    assert_eq!(
        got,
        vec![vec![
            "fastio", "upload", "./dist", "--to", "builds/x", "--json"
        ]]
    );
    let got = fastio_invocations(r#"for r in a; do fastio verify --receipt "$r"; done"#);
    assert_eq!(got, vec![vec!["fastio", "verify", "--receipt", "x"]]);
}
