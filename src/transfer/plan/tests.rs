//! Unit tests of the walk's planning rules.

use super::*;
use std::ffi::OsStr;

#[test]
fn filters_relative_with_bare_names_at_any_depth() {
    let f = Filters::new(&["*.csv".into()], &["tmp".into(), "a/**/skip.csv".into()]).unwrap();
    assert!(f.wants_file("x.csv"));
    assert!(f.wants_file("a/b/x.csv"));
    assert!(!f.wants_file("a/b/x.txt"));
    assert!(!f.wants_file("a/b/skip.csv"));
    assert!(!f.wants_dir("a/tmp"));
    assert!(f.wants_dir("a/b"));
    let g = Filters::new(&["docs/*.md".into()], &[]).unwrap();
    assert!(g.wants_file("docs/a.md"));
    assert!(!g.wants_file("docs/sub/a.md"));
    assert!(Filters::new(&["a[".into()], &[]).is_err());
}

#[test]
fn files_from_entries_keep_relative_folders() {
    assert_eq!(entry_remote_parent(Path::new("./a/b.csv")).unwrap(), "a");
    assert_eq!(entry_remote_parent(Path::new("b.csv")).unwrap(), "");
    assert_eq!(entry_remote_parent(Path::new("/x/b.csv")).unwrap(), "");
    assert_eq!(entry_remote_parent(Path::new("../b.csv")).unwrap(), "");
    assert!(entry_remote_parent(Path::new("a\tb/c.csv")).is_err());
    assert!(has_trailing_slash(Path::new("photos/")));
    assert!(!has_trailing_slash(Path::new("photos")));
    assert_eq!(remote_join("", "a"), "a");
    assert_eq!(remote_join("x/y", "a"), "x/y/a");
}

#[test]
fn names_the_protocol_cannot_carry_are_refused_with_the_reason() {
    let ok = |n: &str| check_name(OsStr::new(n), false);
    assert_eq!(ok("caf\u{e9} 🚀.txt").unwrap(), "caf\u{e9} 🚀.txt");
    for (bad, why) in [
        ("a\nb", "U+000A"),
        ("a\rb", "U+000D"),
        ("a\u{1}b", "U+0001"),
        ("a\u{1b}[31mb", "U+001B"),
        ("a\u{7f}", "U+007F"),
        ("a\\b", "`\\`"),
    ] {
        let e = ok(bad).unwrap_err();
        assert!(e.contains(why) && e.contains("not allowed"), "{bad:?}: {e}");
    }
    assert!(ok(&"x".repeat(255)).is_ok());
    assert!(ok(&"x".repeat(256)).unwrap_err().contains("256 characters"));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let a = OsStr::from_bytes(b"bad\xff.txt");
        let b = OsStr::from_bytes(b"bad\xfe.txt");
        let (ea, eb) = (
            check_name(a, false).unwrap_err(),
            check_name(b, false).unwrap_err(),
        );
        assert!(ea.contains("bad\\xFF.txt") && ea.contains("UTF-8"), "{ea}");
        assert_ne!(ea, eb);
        assert_eq!(show(Path::new(a)), "bad\\xFF.txt");
    }
}
