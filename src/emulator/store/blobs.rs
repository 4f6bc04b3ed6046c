//! Content files: temp paths, blob paths, and adopting a finished temp file as a blob.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Blob, Store};
use crate::emulator::ids;

impl Store {
    /// A path for a new temporary file (renamed into place later).
    pub fn tmp_path(&self) -> PathBuf {
        self.dir.join("tmp").join(ids::random_alnum(24))
    }

    /// Where a blob lives.
    pub fn blob_path(&self, blob: &str) -> PathBuf {
        self.dir.join("blobs").join(&blob[..2]).join(blob)
    }

    /// Move a finished temp file into the blob directory.
    pub fn adopt_blob(&self, tmp: &Path, size: u64, sha256: String) -> std::io::Result<Blob> {
        let id = ids::random_alnum(32).to_ascii_lowercase();
        let dest = self.blob_path(&id);
        let shard = id[..2].to_string();
        let known = self
            .shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&shard);
        if !known {
            if let Some(p) = dest.parent() {
                std::fs::create_dir_all(p)?;
            }
            self.shards
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(shard);
        }
        std::fs::rename(tmp, &dest)?;
        Ok(Blob { id, size, sha256 })
    }

    /// Write `bytes` as a new blob (temp file, then rename).
    pub fn write_blob(&self, bytes: &[u8]) -> std::io::Result<Blob> {
        let tmp = self.tmp_path();
        std::fs::write(&tmp, bytes)?;
        let sha = hex::encode(Sha256::digest(bytes));
        self.adopt_blob(&tmp, bytes.len() as u64, sha)
    }
}
