//! Local names as text, and the names the protocol can carry: valid UTF-8, no control
//! character, no `/` or `\`, at most 255 characters ([`check_name`]).

use std::ffi::OsStr;
use std::path::Path;

pub(super) fn display(p: &Path) -> String {
    show(p)
}

/// A local path as text, unambiguously: valid UTF-8 as it is, every byte that is not shown as
/// `\xNN` (so two names differing only in invalid bytes never print alike). Control characters
/// are kept: the terminal printer escapes them, JSON escapes them itself.
pub fn show(p: &Path) -> String {
    show_os(p.as_os_str())
}

#[cfg(unix)]
fn show_os(s: &OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = s.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).expect("checked valid"));
                let n = e.error_len().unwrap_or(bad.len());
                for b in &bad[..n] {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                bytes = &bad[n..];
            }
        }
    }
}

#[cfg(not(unix))]
fn show_os(s: &OsStr) -> String {
    s.to_string_lossy().into_owned()
}

/// Longest remote name, in characters.
pub const NAME_MAX_CHARS: usize = 255;

/// A control character as `U+XXXX`.
fn codepoint(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The remote form of one local name (a file's, or a folder's when `folder`), or why the
/// protocol cannot carry it.
pub fn check_name(name: &OsStr, folder: bool) -> Result<String, String> {
    let what = if folder { "folder name" } else { "name" };
    let Some(text) = name.to_str() else {
        return Err(format!(
            "{what} `{}` is not valid UTF-8: remote names are Unicode text, so it cannot be \
             stored under its own name (rename it)",
            show_os(name)
        ));
    };
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{what} `{text}` contains the control character {}, which is not allowed in remote \
             names (rename it)",
            codepoint(c)
        ));
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(format!(
            "{what} `{text}` contains `{c}`, which is not allowed in remote names (rename it)"
        ));
    }
    let n = text.chars().count();
    if n > NAME_MAX_CHARS {
        return Err(format!(
            "{what} is {n} characters long; remote names are at most {NAME_MAX_CHARS} (rename it)"
        ));
    }
    Ok(text.to_string())
}
