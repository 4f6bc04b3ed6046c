//! `--shard I/N`: a deterministic split of the file set, so N jobs given the same arguments
//! upload disjoint parts whose union is the whole tree.
//!
//! A file belongs to shard `I` (1-based) when the first 8 bytes of the SHA-256 of its key, read
//! as a big-endian integer, are `I - 1` modulo `N`. The key is the file's remote path below the
//! destination (`/`-separated): for a directory argument, the directory's name and the file's
//! path inside it; with a trailing `/`, the path inside it; for a file argument, its name. It
//! does not depend on where the tree is checked out, and two files that would land on the same
//! remote path always fall into the same shard, so no two shards ever write the same file.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// Shard `index` of `count` (1-based: `1/3`, `2/3`, `3/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// The most shards a file set may be split into.
pub const MAX_SHARDS: u32 = 10_000;

impl Shard {
    /// Does the file with this key (its path below the destination) belong to this shard?
    pub fn contains(&self, key: &str) -> bool {
        bucket(key, self.count) == self.index - 1
    }
}

/// The 0-based bucket of `key` among `count`.
pub fn bucket(key: &str, count: u32) -> u32 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// The shard key of a remote path: the part below the destination `dest` (clean, `/`-joined).
pub fn key<'a>(remote_path: &'a str, dest: &str) -> &'a str {
    if dest.is_empty() {
        return remote_path;
    }
    remote_path
        .strip_prefix(dest)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(remote_path)
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not I/N (e.g. 2/3: the second of three shards)");
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "`{s}`: the number of shards must be between 1 and {MAX_SHARDS}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "`{s}`: the shard number must be between 1 and {count} (shards count from 1)"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_one_based_i_of_n() {
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/3", "4/3", "1/0", "a/b", "3", "", "-1/3", "1/10001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    /// Every key is in exactly one shard, the split is stable, and roughly even.
    #[test]
    fn shards_partition_the_keys() {
        let keys: Vec<String> = (0..3000)
            .map(|i| format!("tree/d{}/f{i}.dat", i % 7))
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|i| Shard { index: i, count: 3 }).collect();
        let mut sizes = [0usize; 3];
        for k in &keys {
            let owners: Vec<_> = shards.iter().filter(|s| s.contains(k)).collect();
            assert_eq!(owners.len(), 1, "{k}");
            sizes[owners[0].index as usize - 1] += 1;
        }
        for n in sizes {
            assert!((800..1200).contains(&n), "{sizes:?}");
        }
        // Fixed by the hash, not by the run.
        assert_eq!(bucket("tree/a.txt", 3), bucket("tree/a.txt", 3));
        assert!(Shard { index: 1, count: 1 }.contains("anything"));
    }

    #[test]
    fn key_is_the_path_below_the_destination() {
        assert_eq!(key("backup/tree/a.txt", "backup"), "tree/a.txt");
        assert_eq!(key("tree/a.txt", ""), "tree/a.txt");
        assert_eq!(key("backupx/a.txt", "backup"), "backupx/a.txt");
    }
}
