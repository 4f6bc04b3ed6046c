//! `fastio bench`: measure what this machine, this connection and this server sustain, and
//! which `--concurrency` gets the most out of them (in the spirit of `azcopy bench` and
//! `rclone test speed`).
//!
//! In a scratch folder `fastio-bench-XXXXXXXX` it creates at the workspace root, each step of a
//! sweep over `--concurrency` values uploads the same set of generated files (no local files:
//! [`crate::transfer::generated`]) into its own subfolder, through the upload engine itself
//! (the same batches, chunked sessions, limiter, retries and `--bwlimit`), and reports files/s,
//! MB/s, requests, 429s and retries. Each step's folder is removed after the step, the scratch
//! folder at the end, also after Ctrl-C or SIGTERM.
//!
//! Nothing here prints: progress goes out as [`Update`]s; the command renders them.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::api::{Client, storage};
use crate::transfer::generated::{GeneratedFile, Pattern};
use crate::transfer::{self, Cancel, Event, Events, SkipMode, UploadOptions};

/// The default sweep of `--concurrency` values.
pub const DEFAULT_STEPS: [usize; 6] = [1, 2, 4, 8, 16, 32];

/// A named set of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// 1,000 × 4 KiB: request rate and batching.
    Small,
    /// 2 × 64 MiB: bytes per second through chunked sessions.
    Large,
    /// 400 × 16 KiB and 2 × 32 MiB.
    Mixed,
    /// 2,000 × 2 KB in 200 folders (20 × 10): a source tree, a website, a data set.
    Tree,
}

impl Preset {
    /// `(size, files)` groups.
    pub fn groups(self) -> Vec<(u64, u64)> {
        match self {
            Preset::Small => vec![(4 << 10, 1000)],
            Preset::Large => vec![(64 << 20, 2)],
            Preset::Mixed => vec![(16 << 10, 400), (32 << 20, 2)],
            Preset::Tree => vec![(2000, 2000)],
        }
    }

    /// How many folders the files are spread over.
    pub fn folders(self) -> u64 {
        match self {
            Preset::Tree => 200,
            Preset::Small | Preset::Large | Preset::Mixed => 1,
        }
    }
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Workspace id (resolved).
    pub workspace_id: String,
    /// `(size, files)` groups uploaded by every step.
    pub groups: Vec<(u64, u64)>,
    /// The files are spread over this many folders (1: all in the step's folder), ten to a
    /// parent: `d00/s0` … `d19/s9` for 200.
    pub folders: u64,
    /// The `--concurrency` of each step, in order.
    pub steps: Vec<usize>,
    pub retries: u32,
    pub assembly_timeout: Duration,
    /// Identity of the server (for the upload options; no journal is written).
    pub api_base: String,
}

impl Options {
    pub fn files(&self) -> u64 {
        self.groups.iter().map(|(_, n)| n).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.groups.iter().map(|(s, n)| s * n).sum()
    }
}

/// One finished step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub concurrency: usize,
    pub files: u64,
    pub failed: u64,
    /// Bytes sent (the files' sizes added up when nothing failed).
    pub bytes: u64,
    pub wall: Duration,
    /// HTTP requests sent (every attempt).
    pub requests: u64,
    /// Answers with HTTP 429.
    pub throttled: u64,
    pub retries: u64,
}

impl Step {
    pub fn files_per_sec(&self) -> f64 {
        self.files as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Decimal megabytes per second.
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// What a bench run sends while it runs.
#[derive(Debug, Clone)]
pub enum Update {
    /// The scratch folder exists; steps begin.
    Started {
        scratch: String,
        steps: usize,
        files: u64,
        bytes: u64,
    },
    /// A step begins.
    StepStarted { index: usize, concurrency: usize },
    /// `n` more bytes are on the server.
    Bytes(u64),
    /// A step is over.
    StepDone(Step),
    /// A file failed (the step goes on).
    Failure(String),
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub steps: Vec<Step>,
    pub interrupted: bool,
    /// A step could not run (its folder could not be made, the limits could not be read): why.
    pub error: Option<String>,
    /// Removing the scratch folder failed: why (the folder's id is named).
    pub cleanup_error: Option<String>,
}

impl Report {
    /// The smallest concurrency within 5% of the fastest step among those where nothing failed.
    pub fn recommended(&self) -> Option<usize> {
        recommend(&self.steps)
    }

    /// Files that failed, over all steps.
    pub fn failed(&self) -> u64 {
        self.steps.iter().map(|s| s.failed).sum()
    }
}

/// The smallest `--concurrency` whose wall time is within 5% of the best clean step's.
pub fn recommend(steps: &[Step]) -> Option<usize> {
    let clean: Vec<&Step> = steps.iter().filter(|s| s.failed == 0).collect();
    let best = clean.iter().map(|s| s.wall).min()?.as_secs_f64();
    clean
        .iter()
        .filter(|s| s.wall.as_secs_f64() <= best * 1.05)
        .map(|s| s.concurrency)
        .min()
}

/// A random hex suffix for the scratch folder's name.
fn suffix() -> String {
    hex::encode(rand::random::<[u8; 4]>())
}

/// The files of one step, in `dir` (or spread over [`Options::folders`] folders below it, in
/// contiguous runs as a walk would produce them): each group's files named by size and index.
fn step_files(opts: &Options, dir: &str) -> Vec<GeneratedFile> {
    let total = opts.files().max(1);
    let folders = opts.folders.clamp(1, total);
    let mut out = Vec::new();
    let mut k = 0u64;
    for (g, (size, n)) in opts.groups.iter().enumerate() {
        for i in 0..*n {
            let remote_dir = match folders {
                1 => dir.to_string(),
                _ => {
                    let f = k * folders / total;
                    format!("{dir}/d{:02}/s{}", f / 10, f % 10)
                }
            };
            k += 1;
            out.push(GeneratedFile {
                remote_dir,
                name: format!("g{g}-{i:06}-{size}.bin"),
                size: *size,
            });
        }
    }
    out
}

/// Run the sweep. Updates arrive on `tx`; the report is returned at the end. When `stop`
/// fires, the step in flight is abandoned and the scratch folder is removed all the same.
/// An error: the scratch folder could not be created (nothing was uploaded).
pub async fn run(
    client: &Client,
    opts: Options,
    tx: UnboundedSender<Update>,
    stop: CancellationToken,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let name = format!("fastio-bench-{}", suffix());
    let created = tokio::select! {
        r = storage::create_folder(client, &opts.workspace_id, "root", &name) => Some(r),
        _ = stop.cancelled() => None,
    };
    let scratch = match created {
        Some(Ok(node)) => node.id,
        Some(Err(e)) => {
            return Err(
                anyhow::Error::new(e).context(format!("creating the scratch folder `{name}`"))
            );
        }
        None => {
            report.interrupted = true;
            return Ok(report);
        }
    };
    let _ = tx.send(Update::Started {
        scratch: name.clone(),
        steps: opts.steps.len(),
        files: opts.files(),
        bytes: opts.bytes(),
    });
    let pattern = Pattern::new(rand::random());
    for (index, &c) in opts.steps.iter().enumerate() {
        if stop.is_cancelled() {
            break;
        }
        let _ = tx.send(Update::StepStarted {
            index,
            concurrency: c,
        });
        let sub = format!("c{c}-{index}");
        let dir = format!("{name}/{sub}");
        // Made before the clock starts, so the step can be removed by id afterwards.
        let folder = match storage::create_folder(client, &opts.workspace_id, &scratch, &sub).await
        {
            Ok(node) => node.id,
            Err(e) => {
                report.error = Some(format!("creating the step folder `{dir}`: {e}"));
                break;
            }
        };
        match step(client, &opts, c, &dir, &pattern, &tx, &stop).await {
            Ok(s) => {
                let _ = tx.send(Update::StepDone(s.clone()));
                report.steps.push(s);
            }
            Err(e) => {
                report.error = Some(e);
                break;
            }
        }
        if stop.is_cancelled() {
            break;
        }
        // Keep what a long sweep stores small: the step's folder goes now (not timed).
        let _ = bounded(storage::delete_node(client, &opts.workspace_id, &folder)).await;
    }
    report.interrupted = stop.is_cancelled();
    // Whatever happened: remove the scratch folder (bounded, so a dead server cannot hold the
    // process open).
    match bounded(storage::delete_node(client, &opts.workspace_id, &scratch)).await {
        Some(Ok(())) => {}
        Some(Err(e)) => {
            report.cleanup_error = Some(format!(
                "the scratch folder `{name}` (id {scratch}) could not be removed: {e}; remove it \
                 by hand"
            ))
        }
        None => {
            report.cleanup_error = Some(format!(
                "removing the scratch folder `{name}` (id {scratch}) timed out; remove it by hand"
            ))
        }
    }
    Ok(report)
}

async fn bounded<T>(fut: impl std::future::Future<Output = T>) -> Option<T> {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .ok()
}

/// One step: upload the files at concurrency `c` into `dir`, timed.
async fn step(
    client: &Client,
    opts: &Options,
    c: usize,
    dir: &str,
    pattern: &Pattern,
    tx: &UnboundedSender<Update>,
    stop: &CancellationToken,
) -> Result<Step, String> {
    let upload = UploadOptions {
        paths: Vec::new(),
        files_from: None,
        null_separated: false,
        include: Vec::new(),
        exclude: Vec::new(),
        follow_symlinks: false,
        workspace_id: opts.workspace_id.clone(),
        dest: String::new(),
        concurrency: c,
        skip: SkipMode::Overwrite,
        retries: opts.retries,
        resume: false,
        journal_dir: None,
        api_base: opts.api_base.clone(),
        dry_run: false,
        assembly_timeout: opts.assembly_timeout,
        shard: None,
        shard_from: None,
        only: None,
        skipped_node_ids: false,
        delete: None,
        destination: None,
        leave_out: Vec::new(),
    };
    let (events, mut rx) = Events::channel();
    let cancel = Cancel::default();
    let forward = {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                match ev {
                    Event::Bytes { n, .. } => {
                        let _ = tx.send(Update::Bytes(n));
                    }
                    Event::FileFailed { local, error, .. } => {
                        let _ = tx.send(Update::Failure(format!("{local}: {error}")));
                    }
                    Event::Stopped { reason } => {
                        let _ = tx.send(Update::Failure(reason));
                    }
                    _ => {}
                }
            }
        })
    };
    let requests = client.requests_sent();
    let throttled = client.gates().throttled_count();
    let started = Instant::now();
    let run = transfer::upload_generated(
        client.clone(),
        upload,
        step_files(opts, dir),
        pattern.clone(),
        events,
        cancel.clone(),
    );
    tokio::pin!(run);
    let summary = tokio::select! {
        r = &mut run => r,
        _ = stop.cancelled() => {
            // Interrupted: abandon what is in flight at once; the scratch folder goes anyway.
            cancel.stop.cancel();
            cancel.abort.cancel();
            run.await
        }
    };
    let wall = started.elapsed();
    let _ = forward.await;
    let s = summary.map_err(|e| format!("{e:#}"))?;
    Ok(Step {
        concurrency: c,
        files: s.uploaded,
        failed: s.failed,
        bytes: s.bytes_sent,
        wall,
        requests: client.requests_sent() - requests,
        throttled: client.gates().throttled_count() - throttled,
        retries: s.retries,
    })
}

/// Parse `--concurrency 1,2,4` style values: each from 1 to 256, in the order given.
pub fn steps_or_default(given: &[u32]) -> Vec<usize> {
    if given.is_empty() {
        DEFAULT_STEPS.to_vec()
    } else {
        given.iter().map(|&c| c as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(c: usize, wall_ms: u64, failed: u64) -> Step {
        Step {
            concurrency: c,
            files: 10,
            failed,
            bytes: 100,
            wall: Duration::from_millis(wall_ms),
            requests: 5,
            throttled: 0,
            retries: 0,
        }
    }

    #[test]
    fn the_recommendation_is_the_smallest_near_the_best() {
        let steps = [s(1, 1000, 0), s(2, 520, 0), s(4, 500, 0), s(8, 300, 2)];
        // 8 failed files; 2 is within 5% of 4's 500 ms.
        assert_eq!(recommend(&steps), Some(2));
        assert_eq!(recommend(&[]), None);
        assert_eq!(recommend(&[s(4, 10, 1)]), None);
    }

    #[test]
    fn presets_and_files_add_up() {
        let opts = Options {
            workspace_id: "1".into(),
            groups: Preset::Mixed.groups(),
            folders: 1,
            steps: steps_or_default(&[]),
            retries: 0,
            assembly_timeout: Duration::from_secs(1),
            api_base: String::new(),
        };
        let files = step_files(&opts, "x/c1-0");
        assert_eq!(files.len() as u64, opts.files());
        assert_eq!(files.iter().map(|f| f.size).sum::<u64>(), opts.bytes());
        assert_eq!(opts.steps, vec![1, 2, 4, 8, 16, 32]);
    }

    #[test]
    fn the_tree_preset_spreads_its_files_over_200_folders() {
        let opts = Options {
            workspace_id: "1".into(),
            groups: Preset::Tree.groups(),
            folders: Preset::Tree.folders(),
            steps: vec![16],
            retries: 0,
            assembly_timeout: Duration::from_secs(1),
            api_base: String::new(),
        };
        let files = step_files(&opts, "x/c16-0");
        let mut per_dir = std::collections::BTreeMap::new();
        for f in &files {
            *per_dir.entry(f.remote_dir.clone()).or_insert(0) += 1;
        }
        assert_eq!(files.len(), 2000);
        assert_eq!(per_dir.len(), 200);
        assert!(per_dir.values().all(|n| *n == 10), "{per_dir:?}");
        assert!(per_dir.contains_key("x/c16-0/d00/s0") && per_dir.contains_key("x/c16-0/d19/s9"));
    }
}
