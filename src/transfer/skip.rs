//! The skip rule: whether a file's remote twin (found in its folder's listing) makes the upload
//! unnecessary, and if not, why the file is sent (said per file in a dry run).
//!
//! * `--if-changed size`: the same size skips.
//! * `--if-changed hash`: the same size and the same hash skip (the local file is read, in the
//!   algorithm the node reports).
//! * the default ([`SkipMode::Auto`]): when the upload index says neither the local file (size,
//!   modification time, device and inode) nor the twin (node, reported content) changed since
//!   this machine last uploaded or verified it, it is skipped without reading; otherwise as
//!   `hash`, and a file found equal is recorded so the next run need not read it again.
//! * `--overwrite`: never skips (the twin is not looked at).

use std::sync::atomic::Ordering;

use super::context::Context;
use super::hash::{Algo, hash_file_with};
use super::index::remote_content;
use super::plan::PlannedFile;
use super::{FileError, SkipMode};
use crate::api::Node;

/// The outcome of comparing a file with its twin.
enum Compared {
    /// Equal: the local digest (lowercase hex) and its algorithm.
    Equal(String, Algo),
    /// Why they are not known to be equal.
    Differs(String),
}

impl Context {
    /// The remote twin of `f` in folder `folder_id` decides: `Ok(None)` when the file is
    /// skipped (and reported), else why it is sent.
    pub(super) async fn skip_for_twin(
        &self,
        id: u64,
        f: &PlannedFile,
        folder_id: &str,
    ) -> Result<Option<String>, FileError> {
        let listing = self.listing(folder_id).await?;
        let Some(twin) = listing.get(&f.name) else {
            return Ok(Some("no remote file of that name".into()));
        };
        if twin.is_folder() {
            return Err(FileError::Server(format!(
                "a folder named `{}` already exists there",
                f.remote_path()
            )));
        }
        if twin.size != Some(f.size) {
            return Ok(Some(match twin.size {
                Some(n) => format!("size differs (remote {n} bytes, local {})", f.size),
                None => "the remote file reports no size".into(),
            }));
        }
        let node = Some(twin.id.clone());
        match self.opts.skip {
            SkipMode::Size => {
                self.skipped(id, f, "same size remotely", node, None);
                Ok(None)
            }
            SkipMode::Auto if self.index.unchanged(f, twin) => {
                let why = "unchanged since the last upload (size, modification time and remote \
                           version as recorded; not read)";
                self.skipped(id, f, why, node, None);
                Ok(None)
            }
            SkipMode::Auto | SkipMode::Hash => match self.compare(f, twin).await? {
                Compared::Equal(local, algo) => {
                    if let Some(content) = remote_content(twin)
                        && !self.index.unchanged(f, twin)
                    {
                        self.index.record(f, &twin.id, &content, &local);
                    }
                    let why = match self.opts.skip {
                        SkipMode::Auto => format!(
                            "same size and {} remotely (read to compare: changed, touched or \
                             not in the index)",
                            algo.label()
                        ),
                        _ => format!("same size and {} remotely", algo.label()),
                    };
                    let sha = (algo == Algo::Sha256).then_some(local);
                    self.skipped(id, f, &why, node, sha);
                    Ok(None)
                }
                Compared::Differs(why) => Ok(Some(why)),
            },
            SkipMode::Overwrite => Ok(Some("--overwrite".into())),
        }
    }

    /// Hash `f` in the algorithm `twin` reports and compare.
    async fn compare(&self, f: &PlannedFile, twin: &Node) -> Result<Compared, FileError> {
        let (Some(remote), Some(algo)) =
            (&twin.hash, twin.hash_algo.as_deref().and_then(Algo::parse))
        else {
            return Ok(Compared::Differs(
                "same size, but the remote file reports no hash to compare with".into(),
            ));
        };
        let local = hash_file_with(&f.local, algo).await?;
        self.counters
            .hashed_bytes
            .fetch_add(f.size, Ordering::Relaxed);
        Ok(if local.eq_ignore_ascii_case(remote) {
            Compared::Equal(local, algo)
        } else {
            Compared::Differs(format!("same size, different {}", algo.label()))
        })
    }
}
