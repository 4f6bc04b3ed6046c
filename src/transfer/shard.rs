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

/// What `--shard` was given: a fixed `I/N`, or `auto` (`auto/N`): read from the job runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    Fixed(Shard),
    /// `auto`, with the count when given (`auto/N`; Kubernetes needs it).
    Auto {
        count: Option<u32>,
    },
}

impl FromStr for ShardArg {
    type Err = String;

    fn from_str(s: &str) -> Result<ShardArg, String> {
        let t = s.trim();
        if t == "auto" {
            return Ok(ShardArg::Auto { count: None });
        }
        if let Some(n) = t.strip_prefix("auto/") {
            let count: u32 = n
                .trim()
                .parse()
                .map_err(|_| format!("`{s}`: auto/N takes the number of shards (e.g. auto/4)"))?;
            if count == 0 || count > MAX_SHARDS {
                return Err(format!(
                    "`{s}`: the number of shards must be between 1 and {MAX_SHARDS}"
                ));
            }
            return Ok(ShardArg::Auto { count: Some(count) });
        }
        t.parse::<Shard>()
            .map(ShardArg::Fixed)
            .map_err(|e| format!("{e}, or auto (read from the job runner)"))
    }
}

/// The job runners' own variables, as the settings layer read them (raw text; blank = unset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunnerVars {
    /// `FASTIO_SHARD`: `I/N`, 1-based.
    pub fastio_shard: Option<String>,
    /// Kubernetes Indexed Job: `JOB_COMPLETION_INDEX`, 0-based (the count is in the Job spec).
    pub job_completion_index: Option<String>,
    /// GitLab `parallel:`: `CI_NODE_INDEX` (1-based) and `CI_NODE_TOTAL`.
    pub ci_node_index: Option<String>,
    pub ci_node_total: Option<String>,
    /// CircleCI parallelism: `CIRCLE_NODE_INDEX` (0-based) and `CIRCLE_NODE_TOTAL`.
    pub circle_node_index: Option<String>,
    pub circle_node_total: Option<String>,
    /// Buildkite parallel jobs: `BUILDKITE_PARALLEL_JOB` (0-based) and
    /// `BUILDKITE_PARALLEL_JOB_COUNT`.
    pub buildkite_parallel_job: Option<String>,
    pub buildkite_parallel_job_count: Option<String>,
}

/// The variables `--shard auto` looks for, for the message when none is set.
pub const AUTO_VARIABLES: &str = "FASTIO_SHARD, JOB_COMPLETION_INDEX (Kubernetes, with --shard \
    auto/N), CI_NODE_INDEX/CI_NODE_TOTAL (GitLab), CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL \
    (CircleCI), BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT (Buildkite)";

/// `--shard auto[/N]` under the runner whose variables are set: the shard and which runner
/// (with the variables) it came from. An error names what was looked for or what is wrong.
pub fn resolve_auto(vars: &RunnerVars, count: Option<u32>) -> Result<(Shard, String), String> {
    let num = |name: &str, v: &str| -> Result<u32, String> {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("--shard auto: {name}=`{v}` is not a whole number"))
    };
    // index (as given), base (0 or 1), total, runner label.
    let (index, base, total, runner): (u32, u32, Option<u32>, &str) =
        if let Some(v) = &vars.fastio_shard {
            let sh: Shard = v
                .parse()
                .map_err(|e| format!("--shard auto: FASTIO_SHARD: {e}"))?;
            (sh.index, 1, Some(sh.count), "FASTIO_SHARD")
        } else if let Some(i) = &vars.job_completion_index {
            (
                num("JOB_COMPLETION_INDEX", i)?,
                0,
                None,
                "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)",
            )
        } else if let (Some(i), Some(n)) = (&vars.ci_node_index, &vars.ci_node_total) {
            (
                num("CI_NODE_INDEX", i)?,
                1,
                Some(num("CI_NODE_TOTAL", n)?),
                "GitLab parallel (CI_NODE_INDEX/CI_NODE_TOTAL)",
            )
        } else if let (Some(i), Some(n)) = (&vars.circle_node_index, &vars.circle_node_total) {
            (
                num("CIRCLE_NODE_INDEX", i)?,
                0,
                Some(num("CIRCLE_NODE_TOTAL", n)?),
                "CircleCI parallelism (CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL)",
            )
        } else if let (Some(i), Some(n)) = (
            &vars.buildkite_parallel_job,
            &vars.buildkite_parallel_job_count,
        ) {
            (
                num("BUILDKITE_PARALLEL_JOB", i)?,
                0,
                Some(num("BUILDKITE_PARALLEL_JOB_COUNT", n)?),
                "Buildkite parallel job (BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT)",
            )
        } else {
            return Err(format!(
                "--shard auto: no job runner found; looked for {AUTO_VARIABLES} (or give \
                 --shard I/N)"
            ));
        };
    let total = match (total, count) {
        (Some(t), Some(n)) if t != n => {
            return Err(format!(
                "--shard auto/{n}: {runner} says there are {t} shards, not {n}"
            ));
        }
        (Some(t), _) => t,
        (None, Some(n)) => n,
        (None, None) => {
            return Err(format!(
                "--shard auto: {runner} gives the index only; give the number of shards as \
                 --shard auto/N (the Job's completions)"
            ));
        }
    };
    let one_based = u64::from(index) + 1 - u64::from(base);
    let shard: Shard = format!("{one_based}/{total}")
        .parse()
        .map_err(|e| format!("--shard auto: {runner}: {e}"))?;
    Ok((shard, runner.to_string()))
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
    fn auto_reads_each_runner_zero_or_one_based() {
        let v = |f: fn(&mut RunnerVars)| {
            let mut r = RunnerVars::default();
            f(&mut r);
            r
        };
        let got = |r: &RunnerVars, n| resolve_auto(r, n).map(|(s, _)| s.to_string());
        let gitlab = v(|r| {
            r.ci_node_index = Some("1".into());
            r.ci_node_total = Some("3".into());
        });
        assert_eq!(got(&gitlab, None).unwrap(), "1/3");
        let circle = v(|r| {
            r.circle_node_index = Some("0".into());
            r.circle_node_total = Some("3".into());
        });
        assert_eq!(got(&circle, None).unwrap(), "1/3");
        let bk = v(|r| {
            r.buildkite_parallel_job = Some("2".into());
            r.buildkite_parallel_job_count = Some("3".into());
        });
        assert_eq!(got(&bk, None).unwrap(), "3/3");
        let k8s = v(|r| r.job_completion_index = Some("3".into()));
        assert_eq!(got(&k8s, Some(4)).unwrap(), "4/4");
        assert!(got(&k8s, None).unwrap_err().contains("auto/N"));
        assert!(got(&k8s, Some(3)).unwrap_err().contains("between 1 and 3"));
        let mine = v(|r| r.fastio_shard = Some("2/5".into()));
        assert_eq!(got(&mine, None).unwrap(), "2/5");
        assert!(got(&mine, Some(4)).unwrap_err().contains("5 shards"));
        let none = got(&RunnerVars::default(), None).unwrap_err();
        assert!(none.contains("CI_NODE_INDEX") && none.contains("JOB_COMPLETION_INDEX"));
        assert_eq!(
            "auto".parse::<ShardArg>().unwrap(),
            ShardArg::Auto { count: None }
        );
        assert_eq!(
            "auto/4".parse::<ShardArg>().unwrap(),
            ShardArg::Auto { count: Some(4) }
        );
        assert!("auto/0".parse::<ShardArg>().is_err());
        assert!(matches!("2/3".parse::<ShardArg>(), Ok(ShardArg::Fixed(_))));
    }

    #[test]
    fn key_is_the_path_below_the_destination() {
        assert_eq!(key("backup/tree/a.txt", "backup"), "tree/a.txt");
        assert_eq!(key("tree/a.txt", ""), "tree/a.txt");
        assert_eq!(key("backupx/a.txt", "backup"), "backupx/a.txt");
    }
}
