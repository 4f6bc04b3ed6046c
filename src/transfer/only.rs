//! The files of one `upload --watch` pass: the walk plans only these, and descends only into
//! the folders on their way.

use std::path::{Path, PathBuf};

/// A pass over some files only (`upload --watch`): the files, and every folder on their way,
/// as absolute paths. The walk descends only into those folders and plans only those files.
#[derive(Debug, Clone, Default)]
pub struct OnlyPaths {
    files: std::collections::HashSet<PathBuf>,
    dirs: std::collections::HashSet<PathBuf>,
}

impl OnlyPaths {
    pub fn new(files: impl IntoIterator<Item = PathBuf>) -> OnlyPaths {
        let mut only = OnlyPaths::default();
        for f in files {
            let f = std::path::absolute(&f).unwrap_or(f);
            let mut up = f.parent();
            while let Some(d) = up {
                if !only.dirs.insert(d.to_path_buf()) {
                    break;
                }
                up = d.parent();
            }
            only.files.insert(f);
        }
        only
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The files (absolute paths).
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub(super) fn has_file(&self, p: &Path) -> bool {
        self.files
            .contains(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    }

    pub(super) fn has_dir(&self, p: &Path) -> bool {
        self.dirs
            .contains(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    }
}
