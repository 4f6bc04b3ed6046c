//! Planning: turn path arguments and `--files-from` entries into a stream of files with their
//! remote folder, on a blocking thread feeding a bounded channel (the walk never gets far ahead
//! of the uploads, so memory does not grow with the number of files).
//!
//! Layout rules: a file argument lands in the destination; a directory argument lands as a folder
//! of the same name under the destination with its tree preserved; with a trailing `/` its
//! contents land directly in the destination. A relative `--files-from` entry keeps its relative
//! folder (`./a/b.csv` → `DEST/a/b.csv`); an absolute one lands in the destination.
//!
//! Filters (`--include`/`--exclude`, globset, `*` stays inside one path segment, `**` crosses
//! them) apply to paths relative to the argument; a pattern without `/` also matches the base
//! name at any depth. Excluded folders are not descended into.
//!
//! Names: every segment of a remote path (the file's name and each folder above it that the
//! walk names) must be something the protocol can carry: valid UTF-8, no control character
//! (U+0000–U+001F, U+007F–U+009F), no `/` or `\`, at most 255 characters ([`check_name`]). A
//! file whose remote path breaks that rule fails alone, here, before anything is sent; its
//! siblings go on. Two invalid names can therefore never collapse into one remote name.
//!
//! Only regular files are uploaded: symlinks (unless followed) and FIFOs, sockets and devices met
//! inside a tree are listed as skipped.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use tokio::sync::mpsc;

pub use super::filters::Filters;
use super::identity::{FileId, Mentions};
use super::names::display;
pub use super::names::{NAME_MAX_CHARS, check_name, show};
pub use super::only::OnlyPaths;
use super::{FilesFrom, UploadOptions};

/// One local file and where it goes.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    pub local: PathBuf,
    /// Remote folder path under the workspace root (`""` = root), `/`-separated.
    pub remote_dir: String,
    pub name: String,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u64,
    /// The file's identity on its device (a hash of device and inode on unix; 0 elsewhere).
    pub file_id: u64,
}

impl PlannedFile {
    pub fn remote_path(&self) -> String {
        remote_join(&self.remote_dir, &self.name)
    }

    /// The local path as text for events and messages ([`show`]).
    pub fn shown(&self) -> String {
        show(&self.local)
    }
}

/// Whether `second` is the file `first` already is (both absolute): the same path, or another
/// spelling of it (`src/s` and `./src/s/../s`, a symlinked parent, a hard link): the same
/// device and inode. `Some(the reason a second mention is skipped)`.
pub fn same_file(first: &Path, second: &Path) -> Option<String> {
    const TWICE: &str = super::LISTED_TWICE;
    if first == second {
        return Some(TWICE.into());
    }
    let (a, b) = (
        std::fs::metadata(first).ok()?,
        std::fs::metadata(second).ok()?,
    );
    (FileId::of(first, &a)? == FileId::of(second, &b)?)
        .then(|| format!("the same file as `{}`, {TWICE}", show(first)))
}

/// `a` + `b` with one `/` between (either may be empty).
pub fn remote_join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// What the walk produces.
#[derive(Debug)]
pub enum PlanItem {
    File(PlannedFile),
    /// With `--delete`: a directory argument, whose files land under this remote folder (the
    /// filters apply below it).
    Root(String),
    /// With `--delete`: a remote path left alone though nothing is uploaded there (a symlink
    /// not followed, a special file).
    Kept(String),
    /// A symlink not followed.
    Symlink(PathBuf),
    /// A FIFO, socket or device inside a tree: not a regular file, so not uploaded.
    Special {
        path: PathBuf,
        kind: &'static str,
    },
    /// A path that could not be read: named, with the reason.
    Error {
        path: String,
        error: String,
    },
    /// The input itself is unusable (a `--files-from` list past its bounds): a usage error,
    /// the run stops.
    BadInput(String),
    /// A file an earlier mention (PATH argument or list entry) reached already: skipped.
    Duplicate {
        file: PlannedFile,
        reason: String,
    },
}

/// The identity of the file `meta` describes: device and inode on unix (a file replaced by
/// another one under the same name has a new one), 0 where the platform has none.
pub fn file_id(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.dev().rotate_left(32) ^ meta.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// Modification time of `meta` in nanoseconds since the epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// `rel` as a `/`-separated string.
fn slash_path(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The remote folder path for the local folders of `rel` (every normal component), checked.
fn remote_dirs(rel: &Path) -> Result<String, String> {
    let mut out = String::new();
    for c in rel.components() {
        if let Component::Normal(seg) = c {
            let seg = check_name(seg, true)?;
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&seg);
        }
    }
    Ok(out)
}

/// What kind of non-regular file this is (for the "skipped" line).
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_char_device() {
            return "a character device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// Does the argument end in a path separator (upload the directory's contents)?
pub(crate) fn has_trailing_slash(p: &Path) -> bool {
    let s = p.as_os_str().to_string_lossy();
    s.len() > 1 && (s.ends_with('/') || s.ends_with(std::path::MAIN_SEPARATOR))
}

/// The name a directory argument gets remotely (`.` → the current folder's name), checked.
pub(crate) fn dir_name(p: &Path) -> Option<Result<String, String>> {
    match p.file_name() {
        Some(n) if p.components().next_back() != Some(Component::ParentDir) => {
            Some(check_name(n, true))
        }
        _ => std::fs::canonicalize(p)
            .ok()?
            .file_name()
            .map(|n| check_name(n, true)),
    }
}

struct Walker<'a> {
    opts: &'a UploadOptions,
    filters: Filters,
    tx: mpsc::Sender<PlanItem>,
    /// The files of [`UploadOptions::leave_out`] that exist.
    leave_out: Vec<FileId>,
    /// Which mention first reached each file.
    mentions: Mentions,
}

impl Walker<'_> {
    /// Outside the files of a `--watch` pass: not planned (nor reported).
    fn passed_over(&self, path: &Path, dir: bool) -> bool {
        match &self.opts.only {
            None => false,
            Some(only) if dir => !only.has_dir(path),
            Some(only) => !only.has_file(path),
        }
    }

    /// A file to plan: as it is, or as a duplicate when an earlier mention reached it.
    fn file(&self, f: PlannedFile, meta: &std::fs::Metadata) -> bool {
        match self.mentions.seen(&f.local, meta) {
            Some(reason) => self.send(PlanItem::Duplicate { file: f, reason }),
            None => self.send(PlanItem::File(f)),
        }
    }

    /// Whether this file is one the run leaves out (its own receipt or list).
    fn left_out(&self, path: &Path, meta: &std::fs::Metadata) -> bool {
        !self.leave_out.is_empty()
            && FileId::of(path, meta).is_some_and(|id| self.leave_out.contains(&id))
    }

    /// Send, or report that the receiver is gone (run stopped).
    fn send(&self, item: PlanItem) -> bool {
        self.tx.blocking_send(item).is_ok()
    }

    fn error(&self, path: &Path, error: impl std::fmt::Display) -> bool {
        self.send(PlanItem::Error {
            path: display(path),
            error: error.to_string(),
        })
    }

    /// One argument (or `--files-from` entry) landing under `remote_parent`.
    fn source(&self, path: &Path, remote_parent: &str) -> bool {
        if self.passed_over(path, false) && self.passed_over(path, true) {
            return true;
        }
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => return self.error(path, io_reason(&e)),
        };
        let meta = if meta.file_type().is_symlink() {
            if !self.opts.follow_symlinks {
                if let Some(name) = path.file_name() {
                    self.kept(remote_join(remote_parent, &name.to_string_lossy()));
                }
                return self.send(PlanItem::Symlink(path.to_path_buf()));
            }
            match std::fs::metadata(path) {
                Ok(m) => m,
                Err(e) => return self.error(path, io_reason(&e)),
            }
        } else {
            meta
        };
        if meta.is_file() {
            if self.left_out(path, &meta) {
                return true;
            }
            let Some(name) = path.file_name() else {
                return self.error(path, "not a file name");
            };
            let name = match check_name(name, false) {
                Ok(n) => n,
                Err(why) => return self.error(path, why),
            };
            let f = PlannedFile {
                local: path.to_path_buf(),
                remote_dir: remote_parent.to_string(),
                name,
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
                file_id: file_id(&meta),
            };
            return self.file(f, &meta);
        }
        if !meta.is_dir() {
            let kind = special_kind(&meta.file_type());
            return self.error(path, format!("{kind}: not a regular file or directory"));
        }
        let base = if has_trailing_slash(path) {
            Ok(remote_parent.to_string())
        } else {
            match dir_name(path) {
                Some(Ok(n)) => Ok(remote_join(remote_parent, &n)),
                Some(Err(why)) => Err(why),
                None => Ok(remote_parent.to_string()),
            }
        };
        if let Ok(b) = &base
            && self.opts.delete.is_some()
            && !self.send(PlanItem::Root(b.clone()))
        {
            return false;
        }
        self.walk_dir(path, &base)
    }

    /// With `--delete`: `remote` is to be left alone.
    fn kept(&self, remote: String) {
        if self.opts.delete.is_some() {
            self.send(PlanItem::Kept(remote));
        }
    }

    /// With `--delete`: the remote path of `entry` under `base`, kept.
    fn kept_entry(&self, root: &Path, entry: &Path, base: &Result<String, String>) {
        if let Ok(b) = base {
            let rel = slash_path(entry.strip_prefix(root).unwrap_or(entry));
            self.kept(remote_join(b, &rel));
        }
    }

    /// Walk a directory argument whose files land under `base` (or, when its own name cannot
    /// be carried, fail each of them with that reason).
    fn walk_dir(&self, root: &Path, base: &Result<String, String>) -> bool {
        let walk = walkdir::WalkDir::new(root)
            .min_depth(1)
            .follow_links(self.opts.follow_symlinks)
            .into_iter()
            .filter_entry(|e| {
                !e.file_type().is_dir()
                    || (!self.passed_over(e.path(), true)
                        && self.filters.wants_dir(&slash_path(
                            e.path().strip_prefix(root).unwrap_or(e.path()),
                        )))
            });
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or(root.to_path_buf());
                    let reason = if e.loop_ancestor().is_some() {
                        "symlink loop".to_string()
                    } else if let Some(io) = e.io_error() {
                        io_reason(io)
                    } else {
                        e.to_string()
                    };
                    if !self.error(&path, reason) {
                        return false;
                    }
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() || self.passed_over(entry.path(), false) {
                continue;
            }
            if ft.is_symlink() {
                self.kept_entry(root, entry.path(), base);
                if !self.send(PlanItem::Symlink(entry.path().to_path_buf())) {
                    return false;
                }
                continue;
            }
            let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let rel = slash_path(rel_path);
            if !self.filters.wants_file(&rel) {
                continue;
            }
            if !ft.is_file() {
                self.kept_entry(root, entry.path(), base);
                let item = PlanItem::Special {
                    path: entry.path().to_path_buf(),
                    kind: special_kind(&ft),
                };
                if !self.send(item) {
                    return false;
                }
                continue;
            }
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    if !self.error(entry.path(), e) {
                        return false;
                    }
                    continue;
                }
            };
            if self.left_out(entry.path(), &meta) {
                continue;
            }
            super::fault::walk(&entry.file_name().to_string_lossy());
            // Every segment of the remote path must be carried as it is.
            let checked = base.clone().and_then(|base| {
                let dirs = remote_dirs(rel_path.parent().unwrap_or(Path::new("")))?;
                let name = check_name(entry.file_name(), false)?;
                Ok((remote_join(&base, &dirs), name))
            });
            let (remote_dir, name) = match checked {
                Ok(v) => v,
                Err(why) => {
                    if !self.error(entry.path(), why) {
                        return false;
                    }
                    continue;
                }
            };
            let f = PlannedFile {
                local: entry.path().to_path_buf(),
                remote_dir,
                name,
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
                file_id: file_id(&meta),
            };
            let ok = self.file(f, &meta);
            if !ok {
                return false;
            }
        }
        true
    }

    fn files_from(&self, from: &FilesFrom) -> bool {
        let reader: Box<dyn std::io::BufRead> = match from {
            FilesFrom::Stdin => Box::new(std::io::stdin().lock()),
            FilesFrom::File(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(e) => return self.error(p, io_reason(&e)),
            },
        };
        let sep = if self.opts.null_separated {
            b'\0'
        } else {
            b'\n'
        };
        let shown = match from {
            FilesFrom::Stdin => "-".to_string(),
            FilesFrom::File(p) => show(p),
        };
        let mut records = crate::input::Records::new(reader, sep, crate::input::FILES_FROM);
        while let Some(raw) = records.next() {
            let mut raw = match raw {
                Ok(r) => r,
                // A list past its bounds is a usage error: the run stops.
                Err(e) if e.is_bound() => {
                    self.send(PlanItem::BadInput(format!("--files-from `{shown}`: {e}")));
                    return false;
                }
                Err(e) => return self.error(Path::new("--files-from"), e),
            };
            if sep == b'\n' && raw.last() == Some(&b'\r') {
                raw.pop();
            }
            if raw.is_empty() {
                continue;
            }
            self.mentions.at_entry(records.number());
            let path = bytes_to_path(raw);
            let parent = match entry_remote_parent(&path) {
                Ok(p) => p,
                Err(why) => {
                    if !self.error(&path, why) {
                        return false;
                    }
                    continue;
                }
            };
            let remote_parent = remote_join(&self.opts.dest_clean(), &parent);
            if !self.source(&path, &remote_parent) {
                return false;
            }
        }
        true
    }
}

#[cfg(unix)]
fn bytes_to_path(raw: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(raw))
}

#[cfg(not(unix))]
fn bytes_to_path(raw: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&raw).into_owned())
}

/// The remote folder a `--files-from` entry keeps: its relative parent, or nothing for absolute
/// paths and paths climbing out with `..`.
fn entry_remote_parent(path: &Path) -> Result<String, String> {
    if path.is_absolute() || path.components().any(|c| c == Component::ParentDir) {
        return Ok(String::new());
    }
    path.parent().map(remote_dirs).unwrap_or(Ok(String::new()))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

impl UploadOptions {
    /// The destination as clean segments joined by `/`.
    pub fn dest_clean(&self) -> String {
        crate::api::folders::split_remote_path(&self.dest)
            .map(|s| s.join("/"))
            .unwrap_or_default()
    }
}

/// Start the walk on a blocking thread; items arrive on the returned channel (capacity `cap`).
pub fn spawn_walk(
    opts: UploadOptions,
    cap: usize,
) -> Result<(mpsc::Receiver<PlanItem>, std::thread::JoinHandle<()>), String> {
    let filters = Filters::new(&opts.include, &opts.exclude)?;
    let (tx, rx) = mpsc::channel(cap.max(1));
    let handle = std::thread::Builder::new()
        .name("fastio-walk".into())
        .spawn(move || {
            let leave_out = opts
                .leave_out
                .iter()
                .filter_map(|p| FileId::at(p))
                .collect();
            let w = Walker {
                opts: &opts,
                filters,
                tx,
                leave_out,
                mentions: Mentions::new(&opts.paths, opts.files_from.is_some()),
            };
            let dest = opts.dest_clean();
            for (i, p) in opts.paths.iter().enumerate() {
                w.mentions.at_arg(i);
                if !w.source(p, &dest) {
                    return;
                }
            }
            if let Some(from) = &opts.files_from {
                w.files_from(from);
            }
        })
        .map_err(|e| e.to_string())?;
    Ok((rx, handle))
}

#[cfg(test)]
mod tests;
