//! Digests in every algorithm a server may report for a node.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::FileError;
use super::plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl Algo {
    pub fn parse(name: &str) -> Option<Algo> {
        match name.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" => Some(Algo::Sha256),
            "sha384" => Some(Algo::Sha384),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA-1",
            Algo::Sha256 => "SHA-256",
            Algo::Sha384 => "SHA-384",
        }
    }

    /// Lowercase hex digest of everything `r` yields.
    pub fn digest_reader(self, r: &mut impl std::io::Read) -> std::io::Result<String> {
        fn run<D: Digest + std::io::Write>(
            mut d: D,
            r: &mut impl std::io::Read,
        ) -> std::io::Result<String> {
            std::io::copy(r, &mut d)?;
            Ok(hex::encode(d.finalize()))
        }
        match self {
            Algo::Md5 => run(md5::Md5::new(), r),
            Algo::Sha1 => run(sha1::Sha1::new(), r),
            Algo::Sha256 => run(Sha256::new(), r),
            Algo::Sha384 => run(sha2::Sha384::new(), r),
        }
    }
}

/// The digest of a whole file with `algo` (lowercase hex), read on a blocking thread.
pub async fn hash_file_with(path: &Path, algo: Algo) -> Result<String, FileError> {
    let p = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(&p)?;
        algo.digest_reader(&mut f)
    })
    .await
    .map_err(|e| FileError::Io {
        path: plan::show(path),
        source: std::io::Error::other(e),
    })?
    .map_err(|source| FileError::Io {
        path: plan::show(path),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule 16: `--if-changed hash` can compare with each algorithm a node may report.
    #[test]
    fn digests_in_every_reported_algorithm() {
        let cases = [
            ("md5", "900150983cd24fb0d6963f7d28e17f72"),
            ("SHA1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                "sha-256",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                "sha384",
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
        ];
        for (name, want) in cases {
            let algo = Algo::parse(name).unwrap();
            assert_eq!(
                algo.digest_reader(&mut &b"abc"[..]).unwrap(),
                want,
                "{name}"
            );
        }
        assert_eq!(Algo::parse("crc32"), None);
    }
}
