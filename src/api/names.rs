//! Names as a server may give them back: Unicode-normalised (NFC), trimmed, or matched
//! case-insensitively. Used to read `createfolder`'s answer (fastio-api.md §4, ◇): the folder
//! it returns is ours unless its name is the auto-renamed form of ours (`name (2)`, with the
//! extension kept after the counter), which is how the server says a file was in the way.

use unicode_normalization::UnicodeNormalization as _;

/// A name as the server may fold it: trimmed, NFC, lower case.
pub fn fold(name: &str) -> String {
    name.trim().nfc().collect::<String>().to_lowercase()
}

/// Is `got` the auto-renamed form of `asked` (`asked (N)`, or `stem (N).ext`), up to
/// normalisation and case?
pub fn is_auto_renamed(asked: &str, got: &str) -> bool {
    let (asked, got) = (fold(asked), fold(got));
    let (stem, ext) = match asked.rfind('.') {
        Some(i) if i > 0 => (&asked[..i], &asked[i..]),
        _ => (asked.as_str(), ""),
    };
    [(asked.as_str(), ""), (stem, ext)]
        .iter()
        .any(|(stem, ext)| counter_of(&got, stem, ext).is_some())
}

/// `N` when `got` is `{stem} (N){ext}`.
fn counter_of(got: &str, stem: &str, ext: &str) -> Option<u64> {
    let rest = got.strip_prefix(stem)?.strip_suffix(ext)?;
    let n = rest.strip_prefix(" (")?.strip_suffix(')')?;
    n.parse::<u64>().ok().filter(|n| *n >= 2)
}

/// `createfolder` was asked for `asked` and answered a folder named `got` (empty when the
/// answer names none): `Some(got)` only when the server says it renamed the folder (a file
/// holds the name); a missing, normalised or differently cased name is the folder asked for.
pub fn renamed_folder(asked: &str, got: &str) -> Option<String> {
    if got.is_empty() || fold(got) == fold(asked) {
        return None;
    }
    is_auto_renamed(asked, got).then(|| got.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_cased_and_missing_names_are_the_folder_asked_for() {
        assert_eq!(renamed_folder("docs", "docs"), None);
        assert_eq!(renamed_folder("docs", "Docs"), None);
        assert_eq!(renamed_folder(" docs ", "docs"), None);
        assert_eq!(renamed_folder("cafe\u{301}", "caf\u{e9}"), None);
        assert_eq!(renamed_folder("docs", ""), None);
        // Another spelling the server chose (not a counter): still the folder asked for.
        assert_eq!(renamed_folder("a:b", "a_b"), None);
    }

    #[test]
    fn the_auto_renamed_form_is_a_conflict() {
        assert_eq!(
            renamed_folder("b.txt", "b (77).txt").as_deref(),
            Some("b (77).txt")
        );
        assert_eq!(
            renamed_folder("b.txt", "b.txt (2)").as_deref(),
            Some("b.txt (2)")
        );
        assert_eq!(
            renamed_folder("photos", "Photos (2)").as_deref(),
            Some("Photos (2)")
        );
        assert_eq!(renamed_folder("photos", "photos (1)"), None);
        assert_eq!(renamed_folder("photos", "photos (x)"), None);
    }
}
