//! The one owner of the terminal: human progress on stderr, results on stdout, NDJSON with
//! `--json`.
//!
//! [`Printer`] answers "what may be printed, and how" once (terminal detection, `NO_COLOR`,
//! `TERM=dumb`, `--progress`, `-q`, `-v`, `--json`); every command prints through it or through
//! one of the renderers here: [`upload`] (the run's [`Event`]s: bars, plain lines, NDJSON; the
//! schema is documented there), [`import`], [`verify`], [`bench`], [`ask`], [`lock`], [`auth`]
//! (login, whoami), [`receipt`] (the `--receipt` writer), [`github`] (Actions annotations and
//! step summary). Every `--json` line is one object with `"v"` ([`SCHEMA_VERSION`]) and
//! `"type"`. Names from disk or from the server are escaped on the terminal ([`escape`],
//! [`escape_control`]), never in JSON.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::{Value, json};

use crate::auth::{Notice, Notices};
use crate::cli::{GlobalArgs, ProgressMode};
use crate::transfer::{Event, Events};

pub mod ask;
pub mod auth;
pub mod bench;
pub mod doctor;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod github;
pub mod import;
pub mod lock;
pub mod log;
pub mod ls;
pub mod receipt;
pub mod sinks;
pub mod stdout;
mod sync;
pub mod upload;
mod upload_json;
pub mod verify;

pub use upload::{event_json, report, summary_json, summary_line, throughput};

/// NDJSON schema version.
pub const SCHEMA_VERSION: u32 = 1;
/// Plain mode: at most one status line per this interval.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(10);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Bars,
    Plain,
    None,
}

/// What may be printed, decided once per run.
#[derive(Debug, Clone)]
pub struct Printer {
    pub progress: Progress,
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour allowed on stderr (terminal, `NO_COLOR` unset, `TERM` not `dumb`).
    pub color: bool,
}

impl Printer {
    pub fn new(g: &GlobalArgs, settings: &crate::settings::Settings) -> Printer {
        let term_is_dumb = || settings.term_dumb;
        let no_color = || settings.no_color;
        let tty = std::io::stderr().is_terminal();
        // Log lines on stderr (-vv, RUST_LOG) would tear the bars apart.
        let logs = g.verbose >= 2 || settings.rust_log.is_some();
        let progress = match (g.quiet, g.progress) {
            (true, _) | (_, ProgressMode::None) => Progress::None,
            (_, ProgressMode::Bars) if !tty => {
                Self::say_once(
                    "--progress bars: stderr is not a terminal, so no bars can be drawn; showing plain status lines instead",
                );
                Progress::Plain
            }
            (_, ProgressMode::Bars) if logs => {
                Self::say_once(
                    "--progress bars: log lines go to stderr (-vv or RUST_LOG), so no bars are drawn; showing plain status lines instead (--log-file keeps the log off the terminal)",
                );
                Progress::Plain
            }
            (_, ProgressMode::Bars) => Progress::Bars,
            (_, ProgressMode::Plain) => Progress::Plain,
            (_, ProgressMode::Auto) if tty && !term_is_dumb() && !logs => Progress::Bars,
            (_, ProgressMode::Auto) => Progress::Plain,
        };
        Printer {
            progress,
            json: g.json,
            quiet: g.quiet,
            verbose: g.verbose,
            color: tty && !no_color() && !term_is_dumb(),
        }
    }

    /// Why the progress asked for is not the one shown: said once, when the run's printer is
    /// made (before any bar could be drawn).
    fn say_once(why: &str) {
        eprintln!("fastio: {why}");
    }

    /// One line on stderr (never while bars are drawn: use the reporter for that).
    pub fn line(&self, msg: &str) {
        if !self.quiet {
            eprintln!("fastio: {}", escape_control(msg));
        }
    }

    /// A result on stdout (what scripts read: a token, a state, an answer), whatever `-q` says.
    pub fn result(&self, text: &str) {
        stdout::line(text);
    }

    /// Part of a result on stdout, without a line break (an answer as it streams in).
    pub fn result_piece(&self, text: &str) {
        stdout::write(text);
    }

    /// One line on stderr even under `-q`: something went wrong that the user must hear of.
    pub fn alert(&self, msg: &str) {
        eprintln!("fastio: {}", escape_control(msg));
    }

    /// A notice from the auth layer, outside an upload run: details with `-v`, warnings
    /// unless `-q`, login prompts always (the user must act on them).
    pub fn notice(&self, notice: &Notice) {
        match notice {
            Notice::Detail(msg) if self.verbose > 0 => self.line(msg),
            Notice::Detail(_) => {}
            Notice::Warning(msg) => self.line(&format!("warning: {msg}")),
            Notice::Prompt(msg) => eprintln!("{msg}"),
            Notice::Ask(msg) => {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{msg}");
                let _ = err.flush();
            }
        }
    }

    /// Notices sent to this printer.
    pub fn notices(&self) -> Notices {
        let printer = self.clone();
        Notices::new(move |n| printer.notice(&n))
    }

    /// Notices sent into an upload run's events (drawn by its reporter, listed in `--json`)
    /// while the run lasts, to the terminal after it (the route does not hold the run open);
    /// prompts always go straight to the terminal.
    pub fn route_notices(&self, notices: &Notices, events: &Events) {
        let (printer, events) = (self.clone(), events.weak());
        notices.route(move |n| {
            let event = match &n {
                Notice::Warning(message) => Event::Warning {
                    message: message.clone(),
                },
                Notice::Detail(message) => Event::Notice {
                    message: message.clone(),
                },
                _ => return printer.notice(&n),
            };
            if !events.emit(event) {
                printer.notice(&n);
            }
        });
    }
}

/// `s` with every control character escaped (`\n`, `\r`, `\t`, otherwise `\u{1b}`), and
/// every character that is there without showing (bidi overrides and isolates, zero-width
/// characters and the other format characters, line and paragraph separators: see
/// [`is_invisible`]) escaped the same way (`\u{202e}`), for the terminal: a name can neither
/// break a line, nor reach the terminal as an escape sequence, nor show reordered
/// (`invoice\u{202e}fdp.exe`) or as a twin of another.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| c.is_control() || is_invisible(c);
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal does not show as themselves: Unicode's format characters (category
/// Cf: bidi embeddings, overrides, isolates and marks, zero-width space, joiners, word joiner,
/// invisible operators, the byte order mark, soft hyphen, the Mongolian vowel separator,
/// interlinear annotations, tags), the line and paragraph separators, and the Hangul fillers.
/// (Variation selectors, which emoji need, are shown as they are.)
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// The line said as a long wait imposed by the server starts: `rate limited by the server
/// (HTTP 429): waiting 3 min, until 14:05:10` (local time; the date too when not today), and
/// what the server asked for when `--max-wait` cut it.
pub fn wait_line(n: &crate::api::WaitNotice) -> String {
    use crate::api::error::human_duration;
    let until = chrono::DateTime::<chrono::Local>::from(n.until);
    let at = if until.date_naive() == chrono::Local::now().date_naive() {
        until.format("%H:%M:%S").to_string()
    } else {
        until.format("%Y-%m-%d %H:%M:%S").to_string()
    };
    let who = match n.status {
        429 => "rate limited by the server (HTTP 429)".to_string(),
        s => format!("the server asks to come back later (HTTP {s})"),
    };
    let mut line = format!("{who}: waiting {}, until {at}", human_duration(n.wait.wait));
    if n.wait.was_capped() {
        line.push_str(&format!(
            " (it asked for {}; --max-wait caps the wait)",
            human_duration(n.wait.asked)
        ));
    }
    line
}

/// A signal's name for messages and JSON.
pub fn signal_name(signo: i32) -> String {
    match signo {
        1 => "SIGHUP".into(),
        2 => "SIGINT".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

/// A fatal error, as the process ends: one line on stderr (`fastio: …`), the same in the log
/// file, and with `--json` one `{"type":"error","message","exit_code"}` object on stdout, so a
/// pipeline reading the events sees why they stopped.
pub fn fatal(json: bool, message: &str, exit_code: u8) {
    tracing::error!(target: crate::logging::RUN, exit_code, "{message}");
    eprintln!("fastio: {}", escape_control(message));
    if json {
        json_line(error_json(message, exit_code));
    }
}

/// The `error` event of a fatal error.
pub fn error_json(message: &str, exit_code: u8) -> Value {
    json!({"type": "error", "message": message, "exit_code": exit_code})
}

/// Write one NDJSON object (with the schema version) to stdout.
pub fn json_line(mut obj: Value) {
    if let Value::Object(map) = &mut obj {
        map.insert("v".into(), json!(SCHEMA_VERSION));
    }
    stdout::line(&obj.to_string());
}

/// Text from outside (file names, server messages) made safe for a terminal: the same as
/// [`escape_control`].
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    escape_control(s)
}

/// A wall time for people: milliseconds below a second (so a quick run never reads "0.0s").
pub fn human_wall(d: Duration) -> String {
    wall_time(d)
}

pub(crate) fn wall_time(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        assert_eq!(escape_control("plain ünï"), "plain ünï");
        assert_eq!(
            escape_control("a\nb\rc\u{1b}[31md\u{7f}"),
            "a\\nb\\rc\\u{1b}[31md\\u{7f}"
        );
        // Reordering and invisible characters too; letters of every script stay as they are.
        assert_eq!(
            escape_control("invoice\u{202e}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        for c in [
            '\u{200b}', '\u{200d}', '\u{2066}', '\u{2069}', '\u{feff}', '\u{2028}',
        ] {
            assert!(escape_control(&format!("a{c}b")).contains("\\u{"), "{c:?}");
        }
        assert_eq!(
            escape_control("עברית مرحبا 日本語 👍🏽 ❤️"),
            "עברית مرحبا 日本語 👍🏽 ❤️"
        );
        assert_eq!(escape("tab\there"), "tab\\there");
    }
}
