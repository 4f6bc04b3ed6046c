//! Identifier formats: 19-digit numeric profile ids and 30-character opaque ids shown with a `-`
//! every 5 characters (accepted with or without the hyphens, case-insensitively).

use rand::Rng as _;

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `n` random lowercase alphanumerics.
pub fn random_alnum(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

/// A 19-digit numeric id (never starting with 0).
pub fn numeric_id() -> String {
    let mut rng = rand::rng();
    let first = rng.random_range(1..=9u8);
    let rest: String = (0..18)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    format!("{first}{rest}")
}

/// A new opaque id with a type prefix (`2` storage node, `5` upload, `3` version, `7` chat …).
pub fn opaque(prefix: char) -> String {
    hyphenate(&format!("{prefix}{}", random_alnum(29)))
}

fn hyphenate(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + raw.len() / 5);
    for (i, c) in raw.chars().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// The stored (hyphenated, lowercase) form of an opaque id given in any accepted spelling.
pub fn canonical(id: &str) -> String {
    let raw: String = id
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if raw.len() == 30 && raw.chars().all(|c| c.is_ascii_alphanumeric()) {
        hyphenate(&raw)
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_round_trip_without_hyphens() {
        let id = opaque('2');
        assert_eq!(id.len(), 35);
        assert!(id.starts_with('2'));
        let bare: String = id.chars().filter(|c| *c != '-').collect();
        assert_eq!(canonical(&bare), id);
        assert_eq!(canonical(&bare.to_uppercase()), id);
        assert_eq!(canonical("root"), "root");
    }

    #[test]
    fn numeric_ids_have_19_digits() {
        let id = numeric_id();
        assert_eq!(id.len(), 19);
        assert!(id.chars().all(|c| c.is_ascii_digit()));
    }
}
