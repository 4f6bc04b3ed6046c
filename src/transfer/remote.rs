//! What the run knows of the remote tree: for every remote folder path a file goes to, whether
//! it exists (and its id), is missing, or has a file in its way; each answered once per run and
//! all of them at once, so a run's critical path grows with the tree's depth, not with its
//! number of folders.
//!
//! A folder's state comes from its parent's listing: the root exists; a folder whose parent is
//! missing is missing too (nothing is listed below a folder that is not there, nor below one
//! this run creates); an existing folder is listed once, when a skip decision or a child's
//! state needs it. Small files need no folder at all (batches carry `relative_path`, and the
//! server builds the tree); `createfolder` is called only where an id is needed (chunked
//! sessions), once per folder, parent before child.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::FileError;

/// A remote folder path's state at the start of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dir {
    /// It exists: its id (`root` for the workspace root).
    Exists(String),
    /// Nothing of that name: a file sent there makes it (or `createfolder` does).
    Missing,
    /// A non-folder of that name is in the way (at `path`, this folder or an ancestor).
    Blocked { path: String },
}

pub(super) type Cell<T> = Arc<OnceCell<T>>;

/// The run's picture of the remote tree (see the module docs).
#[derive(Default)]
pub struct RemoteTree {
    pub(super) dirs: Mutex<HashMap<String, Cell<Dir>>>,
    /// Folders this run made with `createfolder`: path → id.
    pub(super) made: Mutex<HashMap<String, Cell<String>>>,
    /// Folders found after the run created them (listing-based look-ups): path → id.
    pub(super) found: Mutex<HashMap<String, String>>,
    /// Folders counted as created (one event each).
    pub(super) created: Mutex<HashSet<String>>,
}

pub(super) fn cell<T>(map: &Mutex<HashMap<String, Cell<T>>>, key: &str) -> Cell<T> {
    map.lock()
        .unwrap()
        .entry(key.to_string())
        .or_default()
        .clone()
}

/// `a/b/c` → (`a/b`, `c`); `c` → (``, `c`).
pub fn split_parent(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some((p, n)) => (p, n),
        None => ("", path),
    }
}

/// The `relative_path` of a batch entry for remote folder `dir` under the root: `a/b/`; `None`
/// for the root itself (the key is left out rather than sent empty).
pub fn relative_path(dir: &str) -> Option<String> {
    (!dir.is_empty()).then(|| format!("{dir}/"))
}

/// The error of every file whose folder has a file in its way.
pub fn in_the_way(path: &str) -> FileError {
    let (_, name) = split_parent(path);
    FileError::Server(format!(
        "cannot create folder `{path}`: a file of that name is in the way (`{name}` is not a \
         folder)"
    ))
}

/// The key of a remote path in the run's tables (claims, `--delete`'s twins).
pub fn remote_key(remote: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    remote.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_and_relative_paths() {
        assert_eq!(split_parent("a/b/c"), ("a/b", "c"));
        assert_eq!(split_parent("c"), ("", "c"));
        assert_eq!(relative_path("a/b").as_deref(), Some("a/b/"));
        assert_eq!(relative_path(""), None);
    }
}
