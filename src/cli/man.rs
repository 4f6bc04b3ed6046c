//! The man pages, from the same clap definition as `--help`: `fastio.1`, one page per visible
//! subcommand (`fastio-upload.1`) and per visible subcommand of those (`fastio-lock-acquire.1`),
//! so every page a SUBCOMMANDS or SEE ALSO section names exists. clap's `help` subcommand has no
//! page (`--help` is on every page's options).
//!
//! clap_mangen renders the sections clap knows (NAME, SYNOPSIS, DESCRIPTION, OPTIONS,
//! SUBCOMMANDS, VERSION); the text after the options in `--help` is laid out here instead of
//! printed as one reflowed block: `Examples:` becomes an EXAMPLES section with one command per
//! line (never filled), an `Exit codes:` table becomes an EXIT STATUS list with one entry per
//! code, and the other paragraphs join the DESCRIPTION.

use std::path::Path;

use clap::CommandFactory;
use clap_mangen::roff::{Roff, roman};

use super::Cli;

/// The pages' date (changed by hand when the manual changes meaningfully, so regenerating is
/// reproducible).
pub const DATE: &str = "2026-11-22";

/// One man page: its file name (`fastio-upload.1`) and its roff source.
pub struct Page {
    pub file: String,
    pub roff: String,
}

/// Every page of the manual.
pub fn pages() -> Vec<Page> {
    let root = without_help_subcommand(Cli::command());
    let mut out = Vec::new();
    collect(&root, "fastio", "fastio", &[], &mut out);
    out
}

/// Write every page into `dir` (created if needed).
pub fn write_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for page in pages() {
        std::fs::write(dir.join(&page.file), page.roff)?;
    }
    Ok(())
}

/// `cmd` and all its subcommands without clap's generated `help` subcommand.
fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.disable_help_subcommand(true);
    for name in names {
        cmd = cmd.mut_subcommand(name, without_help_subcommand);
    }
    cmd
}

fn collect(cmd: &clap::Command, name: &str, bin: &str, parents: &[String], out: &mut Vec<Page>) {
    let page = cmd.clone().name(name.to_string()).bin_name(bin.to_string());
    out.push(Page {
        file: format!("{name}.1"),
        roff: render(page, parents),
    });
    let mut chain = parents.to_vec();
    chain.push(name.to_string());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(
            sub,
            &format!("{name}-{}", sub.get_name()),
            &format!("{bin} {}", sub.get_name()),
            &chain,
            out,
        );
    }
}

/// What follows the options in `--help`, taken apart.
#[derive(Debug, Default, PartialEq)]
struct After {
    examples: Vec<String>,
    /// `(code, meaning)` rows of an exit-code table.
    exit_rows: Vec<(String, String)>,
    /// An exit-code sentence (`Exit codes: 0 done; 1 …`) without its label.
    exit_text: Option<String>,
    notes: Vec<String>,
}

fn parse_after(text: &str) -> After {
    let mut after = After::default();
    for block in text
        .split("\n\n")
        .map(str::trim_end)
        .filter(|b| !b.is_empty())
    {
        let mut lines = block.lines();
        let first = lines.next().unwrap_or_default();
        if first.trim_end() == "Examples:" {
            after.examples.extend(lines.map(|l| l.trim().to_string()));
        } else if first.trim_end() == "Exit codes:" {
            for line in lines {
                match line.strip_prefix("  ") {
                    Some(row) if !row.starts_with(' ') => {
                        let (code, meaning) = row.split_once(' ').unwrap_or((row, ""));
                        after
                            .exit_rows
                            .push((code.to_string(), meaning.trim().to_string()));
                    }
                    _ => {
                        if let Some(last) = after.exit_rows.last_mut() {
                            last.1.push(' ');
                            last.1.push_str(line.trim());
                        }
                    }
                }
            }
        } else if let Some(rest) = first.strip_prefix("Exit codes:") {
            let mut sentence = rest.trim().to_string();
            for line in lines {
                sentence.push(' ');
                sentence.push_str(line.trim());
            }
            after.exit_text = Some(sentence);
        } else {
            after
                .notes
                .push(block.lines().map(str::trim).collect::<Vec<_>>().join(" "));
        }
    }
    after
}

fn render(cmd: clap::Command, parents: &[String]) -> String {
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|t| parse_after(&t.to_string()))
        .unwrap_or_default();
    // The notes join the description; the rest of the after-help is laid out below.
    let mut description = cmd
        .get_long_about()
        .or_else(|| cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    for note in &after.notes {
        description.push_str("\n\n");
        description.push_str(note);
    }
    let cmd = cmd
        .long_about(description)
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);

    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .date(DATE)
        .render(&mut page)
        .expect("rendering into memory");
    let page = String::from_utf8(page).expect("roff is UTF-8");

    let mut extra = Roff::new();
    if !after.examples.is_empty() {
        extra.control("SH", ["EXAMPLES"]);
        extra.control("RS", ["2"]);
        extra.control("nf", []);
        for line in &after.examples {
            extra.text([roman(line.as_str())]);
        }
        extra.control("fi", []);
        extra.control("RE", []);
    }
    if !after.exit_rows.is_empty() || after.exit_text.is_some() {
        extra.control("SH", ["EXIT STATUS"]);
        if let Some(text) = &after.exit_text {
            extra.text([roman(text.as_str())]);
        }
        for (code, meaning) in &after.exit_rows {
            extra.control("TP", ["6"]);
            extra.text([roman(code.as_str())]);
            extra.text([roman(meaning.as_str())]);
        }
    }
    if !parents.is_empty() {
        extra.control("SH", ["SEE ALSO"]);
        let refs: Vec<String> = parents.iter().rev().map(|p| format!("{p}(1)")).collect();
        extra.text([roman(refs.join(", "))]);
    }
    let extra = extra.render();
    // The page already has the roff preamble `render` puts first.
    let extra = extra.find(".SH ").map_or("", |at| &extra[at..]);
    // Before VERSION, the last section of the root page; at the end of the others.
    match page.find(".SH VERSION") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]),
        None => format!("{page}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_help_is_taken_apart() {
        let a = parse_after(
            "Examples:\n  fastio a\n  fastio b   # two\n\nSome prose\nwrapped.\n\n\
             Exit codes:\n  0    fine\n  1    some failed; a long line\n       continued\n  130  stop",
        );
        assert_eq!(a.examples, ["fastio a", "fastio b   # two"]);
        assert_eq!(a.notes, ["Some prose wrapped."]);
        assert_eq!(
            a.exit_rows,
            [
                ("0".into(), "fine".into()),
                ("1".into(), "some failed; a long line continued".into()),
                ("130".into(), "stop".into())
            ]
        );
        let b = parse_after("Exit codes: 0 done; 1 held\nby another.");
        assert_eq!(b.exit_text.as_deref(), Some("0 done; 1 held by another."));
    }

    #[test]
    fn every_page_named_in_a_page_exists() {
        let pages = pages();
        let files: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
        assert!(files.contains(&"fastio-lock-acquire.1"), "{files:?}");
        assert!(!files.iter().any(|f| f.contains("help")), "{files:?}");
    }
}
