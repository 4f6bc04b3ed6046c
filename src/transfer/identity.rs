//! One local file is one local file: what makes a file the same file whatever its spelling
//! ([`FileId`]: device and inode), and the walk's record of which mention (a PATH argument or a
//! `--files-from` entry) first reached each file ([`Mentions`]), so that a file reached again
//! by another mention (`src/s` and `./src/s/../s`, a symlinked parent, a folder and a file in
//! it, the same file listed under two spellings) is skipped, not uploaded twice. Within one
//! mention nothing is skipped: a tree walked with `--follow-symlinks` keeps every name.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What makes a file the same file whatever its path: device and inode (elsewhere, the
/// canonical path).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    pub(super) fn of(path: &Path, meta: &std::fs::Metadata) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            Some(FileId((meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }

    /// The file at `path` (symlinks followed).
    pub(super) fn at(path: &Path) -> Option<FileId> {
        FileId::of(path, &std::fs::metadata(path).ok()?)
    }
}

/// Which mention first reached each file (kept only when there are several mentions).
#[derive(Default)]
pub(super) struct Mentions {
    inner: Option<RefCell<State>>,
}

#[derive(Default)]
struct State {
    /// The mention being walked (0-based).
    current: u32,
    /// The PATH arguments, for messages (list entries are named by their position).
    args: Vec<PathBuf>,
    first: HashMap<FileId, u32>,
}

impl Mentions {
    /// Tracking on when a run can have several mentions: several PATH arguments, or a list.
    pub(super) fn new(args: &[PathBuf], list: bool) -> Mentions {
        Mentions {
            inner: (args.len() > 1 || list).then(|| {
                RefCell::new(State {
                    current: 0,
                    args: args.to_vec(),
                    first: HashMap::new(),
                })
            }),
        }
    }

    /// The walk is at PATH argument `i` (0-based).
    pub(super) fn at_arg(&self, i: usize) {
        if let Some(s) = &self.inner {
            s.borrow_mut().current = i as u32;
        }
    }

    /// The walk is at entry `n` (1-based, as [`crate::input::Records`] counts) of the list.
    pub(super) fn at_entry(&self, n: u64) {
        if let Some(s) = &self.inner {
            let mut s = s.borrow_mut();
            let at = (s.args.len() as u64 + n).saturating_sub(1);
            s.current = at.min(u32::MAX as u64) as u32;
        }
    }

    /// A file the current mention reached: `Some(why it is skipped)` when an earlier mention
    /// reached it already.
    pub(super) fn seen(&self, path: &Path, meta: &std::fs::Metadata) -> Option<String> {
        let mut s = self.inner.as_ref()?.borrow_mut();
        let id = FileId::of(path, meta)?;
        let current = s.current;
        let first = *s.first.entry(id).or_insert(current);
        if first == current {
            return None;
        }
        let by = match s.args.get(first as usize) {
            Some(arg) => format!("`{}`", super::names::show(arg)),
            None => format!(
                "entry {} of --files-from",
                (first as usize + 1).saturating_sub(s.args.len())
            ),
        };
        Some(format!(
            "{}: the same file as reached by {by}",
            super::LISTED_TWICE
        ))
    }
}
