//! `fastio verify`: proof that what was uploaded is on the server.
//!
//! * [`receipt::verify_receipt`]: every file a receipt (`upload --receipt`) records is looked up
//!   by node id with the bulk details call (25 ids per request, through the client's rate
//!   gate) and must exist (not in the trash), be a file, and have the recorded size and digest.
//!   The digest is compared in the node's own algorithm: SHA-256 directly with the receipt;
//!   another one (e.g. md5) by hashing the local file again, which must still have the
//!   receipt's SHA-256. Entries without a node id are looked up by path.
//! * [`tree::verify_tree`]: a local tree against a remote folder without a receipt, with the
//!   upload's layout rules: missing, different, and (`extra`) remote files without a local twin.
//!
//! Nothing here prints: the results are [`Check`]s, one per file, and a [`Tally`].

pub mod receipt;
pub mod remote;
pub mod tree;

use std::time::Duration;

use crate::api::Node;
use crate::transfer::Algo;

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// On the server with the expected size and digest.
    Ok,
    /// There, but size, digest or kind differ.
    Different,
    /// Not on the server (or in its trash).
    Missing,
    /// On the server without a local counterpart (`--extra`).
    Extra,
    /// Could not be checked (the local file is needed and gone or changed, or unreadable).
    Unverified,
    /// The receipt says the upload of this file failed.
    Failed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Different => "different",
            Status::Missing => "missing",
            Status::Extra => "extra",
            Status::Unverified => "unverified",
            Status::Failed => "failed",
        }
    }
}

/// One file checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub status: Status,
    /// Path under the workspace root.
    pub remote_path: String,
    pub local: Option<String>,
    pub node_id: Option<String>,
    /// The size that was expected (the local or recorded one), or the remote one for extras.
    pub size: Option<u64>,
    /// What differs, or how the match was established.
    pub detail: String,
}

/// Counts over a run's checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub checked: u64,
    pub ok: u64,
    pub different: u64,
    pub missing: u64,
    pub extra: u64,
    pub unverified: u64,
    pub failed: u64,
    pub wall: Duration,
}

impl Tally {
    pub fn of(checks: &[Check], wall: Duration) -> Tally {
        let mut t = Tally {
            wall,
            ..Default::default()
        };
        for c in checks {
            t.checked += 1;
            match c.status {
                Status::Ok => t.ok += 1,
                Status::Different => t.different += 1,
                Status::Missing => t.missing += 1,
                Status::Extra => t.extra += 1,
                Status::Unverified => t.unverified += 1,
                Status::Failed => t.failed += 1,
            }
        }
        t
    }

    /// Everything matched.
    pub fn all_match(&self) -> bool {
        self.ok == self.checked
    }
}

/// How an existing remote file compares with what was expected, as far as the remote node
/// alone can tell: `Err(check detail)` when kind, place or size differ; `Ok(digest)` with the
/// node's digest and algorithm (None when it reports none) otherwise.
pub(crate) fn compare_node(
    node: &Node,
    want_size: Option<u64>,
) -> Result<Option<(Algo, String)>, (Status, String)> {
    if node.deleted {
        return Err((Status::Missing, "in the trash".into()));
    }
    if !node.is_file() {
        return Err((
            Status::Different,
            format!(
                "is a {} on the server, not a file",
                if node.kind.is_empty() {
                    "node of unknown kind"
                } else {
                    &node.kind
                }
            ),
        ));
    }
    if let Some(want) = want_size
        && node.size != Some(want)
    {
        return Err((
            Status::Different,
            format!(
                "size {} on the server, {want} expected",
                node.size
                    .map_or_else(|| "unknown".to_string(), |s| s.to_string())
            ),
        ));
    }
    Ok(
        match (&node.hash, node.hash_algo.as_deref().and_then(Algo::parse)) {
            (Some(h), Some(algo)) => Some((algo, h.to_ascii_lowercase())),
            _ => None,
        },
    )
}

/// The SHA-256 and, when `other` is another algorithm, that digest too, of a local file in one
/// read (on a blocking thread).
pub(crate) async fn local_digests(
    path: std::path::PathBuf,
    other: Option<Algo>,
) -> std::io::Result<(String, Option<String>)> {
    tokio::task::spawn_blocking(move || {
        use sha2::Digest as _;
        use std::io::Read as _;
        let mut f = std::fs::File::open(&path)?;
        let mut sha = sha2::Sha256::new();
        let mut second = other.filter(|a| *a != Algo::Sha256).map(Multi::new);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            sha.update(&buf[..n]);
            if let Some(m) = second.as_mut() {
                m.update(&buf[..n]);
            }
        }
        let sha = hex::encode(sha.finalize());
        let other = match other {
            Some(Algo::Sha256) => Some(sha.clone()),
            _ => second.map(Multi::finish),
        };
        Ok((sha, other))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// A digest in progress in one of the non-SHA-256 algorithms a node may report.
enum Multi {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha384(sha2::Sha384),
}

impl Multi {
    fn new(a: Algo) -> Multi {
        use sha2::Digest as _;
        match a {
            Algo::Md5 => Multi::Md5(md5::Md5::new()),
            Algo::Sha1 => Multi::Sha1(sha1::Sha1::new()),
            Algo::Sha384 | Algo::Sha256 => Multi::Sha384(sha2::Sha384::new()),
        }
    }

    fn update(&mut self, b: &[u8]) {
        use sha2::Digest as _;
        match self {
            Multi::Md5(h) => h.update(b),
            Multi::Sha1(h) => h.update(b),
            Multi::Sha384(h) => h.update(b),
        }
    }

    fn finish(self) -> String {
        use sha2::Digest as _;
        match self {
            Multi::Md5(h) => hex::encode(h.finalize()),
            Multi::Sha1(h) => hex::encode(h.finalize()),
            Multi::Sha384(h) => hex::encode(h.finalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64, hash: Option<(&str, &str)>) -> Node {
        Node {
            id: "2a".into(),
            name: "a".into(),
            kind: "file".into(),
            parent: Some("root".into()),
            size: Some(size),
            hash: hash.map(|(h, _)| h.into()),
            hash_algo: hash.map(|(_, a)| a.into()),
            ..Node::default()
        }
    }

    #[test]
    fn nodes_are_compared_by_place_kind_size_then_digest() {
        assert_eq!(
            compare_node(&file(3, Some(("AB", "sha256"))), Some(3)),
            Ok(Some((Algo::Sha256, "ab".into())))
        );
        assert_eq!(compare_node(&file(3, None), Some(3)), Ok(None));
        assert_eq!(
            compare_node(&file(4, None), Some(3)).unwrap_err().0,
            Status::Different
        );
        let mut trashed = file(3, None);
        trashed.deleted = true;
        assert_eq!(
            compare_node(&trashed, Some(3)).unwrap_err().0,
            Status::Missing
        );
        let mut folder = file(0, None);
        folder.kind = "folder".into();
        assert_eq!(
            compare_node(&folder, None).unwrap_err().0,
            Status::Different
        );
    }

    #[tokio::test]
    async fn local_digests_in_two_algorithms_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        let (sha, md5) = local_digests(p.clone(), Some(Algo::Md5)).await.unwrap();
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
        let (_, same) = local_digests(p, Some(Algo::Sha256)).await.unwrap();
        assert_eq!(same.as_deref(), Some(sha.as_str()));
    }

    #[test]
    fn tally_counts_each_status() {
        let c = |status| Check {
            status,
            remote_path: "x".into(),
            local: None,
            node_id: None,
            size: None,
            detail: String::new(),
        };
        let t = Tally::of(&[c(Status::Ok), c(Status::Missing)], Duration::ZERO);
        assert_eq!((t.checked, t.ok, t.missing), (2, 1, 1));
        assert!(!t.all_match());
        assert!(Tally::of(&[c(Status::Ok)], Duration::ZERO).all_match());
    }
}
