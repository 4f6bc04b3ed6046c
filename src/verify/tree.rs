//! `fastio verify PATH... --to REMOTE`: a local tree compared with where `fastio upload` puts
//! it (the same walk and layout rules), like `rclone check`.

use std::collections::HashSet;
use std::path::PathBuf;

use futures_util::StreamExt as _;

use super::remote::RemoteIndex;
use super::{Check, Status, compare_node, local_digests};
use crate::api::{Client, Node};
use crate::transfer::plan::{self, PlanItem, PlannedFile};
use crate::transfer::{SkipMode, UploadOptions};

/// Local files hashed at once.
const HASHING: usize = 2;

/// What to compare.
#[derive(Debug, Clone)]
pub struct TreeOptions {
    pub paths: Vec<PathBuf>,
    /// Remote folder (as `upload --to`).
    pub dest: String,
    pub workspace_id: String,
    pub follow_symlinks: bool,
    /// Also report remote files without a local counterpart.
    pub extra: bool,
}

/// Compare every local file under `opts.paths` with its remote twin.
pub async fn verify_tree(client: &Client, opts: &TreeOptions) -> anyhow::Result<Vec<Check>> {
    let walk = UploadOptions {
        paths: opts.paths.clone(),
        files_from: None,
        null_separated: false,
        include: Vec::new(),
        exclude: Vec::new(),
        follow_symlinks: opts.follow_symlinks,
        workspace_id: opts.workspace_id.clone(),
        dest: opts.dest.clone(),
        concurrency: 1,
        skip: SkipMode::Hash,
        retries: 0,
        resume: false,
        journal_dir: None,
        api_base: String::new(),
        dry_run: true,
        assembly_timeout: crate::transfer::DEFAULT_ASSEMBLY_TIMEOUT,
        shard: None,
        shard_from: None,
        only: None,
        skipped_node_ids: false,
        delete: None,
        destination: None,
        leave_out: Vec::new(),
    };
    let dest = walk.dest_clean();
    let (mut rx, walker) =
        plan::spawn_walk(walk, 256).map_err(crate::transfer::RunError::BadInput)?;
    let mut index = RemoteIndex::new(client.clone(), opts.workspace_id.clone());
    let mut checks = Vec::new();
    let mut pairs: Vec<(PlannedFile, Node)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(item) = rx.recv().await {
        match item {
            PlanItem::File(f) => {
                let remote_path = f.remote_path();
                seen.insert(remote_path.clone());
                match index.node(&remote_path).await? {
                    None => checks.push(Check {
                        status: Status::Missing,
                        remote_path,
                        local: Some(f.shown()),
                        node_id: None,
                        size: Some(f.size),
                        detail: "not on the server".into(),
                    }),
                    Some(n) => pairs.push((f, n)),
                }
            }
            PlanItem::Error { path, error } => checks.push(Check {
                status: Status::Unverified,
                remote_path: path.clone(),
                local: Some(path),
                node_id: None,
                size: None,
                detail: format!("cannot read the local file: {error}"),
            }),
            // Uploads skip symlinks (unless followed) and FIFOs, sockets, devices: so does the
            // comparison.
            PlanItem::Symlink(_)
            | PlanItem::Special { .. }
            | PlanItem::Root(_)
            | PlanItem::Kept(_)
            | PlanItem::Duplicate { .. } => {}
            PlanItem::BadInput(why) => return Err(crate::transfer::RunError::BadInput(why).into()),
        }
    }
    let _ = tokio::task::spawn_blocking(move || walker.join()).await;

    let compared = futures_util::stream::iter(pairs.into_iter().map(|(f, n)| compare(f, n)))
        .buffer_unordered(HASHING)
        .collect::<Vec<_>>()
        .await;
    checks.extend(compared);

    if opts.extra {
        for base in remote_bases(&opts.paths, &dest) {
            for (path, node) in index.files_under(&base).await? {
                if !seen.contains(&path) {
                    checks.push(Check {
                        status: Status::Extra,
                        remote_path: path,
                        local: None,
                        node_id: Some(node.id.clone()),
                        size: node.size,
                        detail: "on the server, not in the local tree".into(),
                    });
                }
            }
        }
    }
    checks.sort_by(|a, b| a.remote_path.cmp(&b.remote_path));
    checks.dedup_by(|a, b| a.remote_path == b.remote_path && a.status == b.status);
    Ok(checks)
}

/// The remote folders that directory arguments land in (file arguments have none).
fn remote_bases(paths: &[PathBuf], dest: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        if !p.is_dir() {
            continue;
        }
        let base = if plan::has_trailing_slash(p) {
            dest.to_string()
        } else {
            match plan::dir_name(p) {
                Some(Ok(n)) => plan::remote_join(dest, &n),
                _ => dest.to_string(),
            }
        };
        if !out.contains(&base) {
            out.push(base);
        }
    }
    out
}

async fn compare(f: PlannedFile, node: Node) -> Check {
    let mut c = Check {
        status: Status::Ok,
        remote_path: f.remote_path(),
        local: Some(f.shown()),
        node_id: Some(node.id.clone()),
        size: Some(f.size),
        detail: String::new(),
    };
    let digest = match compare_node(&node, Some(f.size)) {
        Ok(d) => d,
        Err((status, detail)) => {
            c.status = status;
            c.detail = detail;
            return c;
        }
    };
    let Some((algo, remote)) = digest else {
        c.detail = "size matches; the server reports no digest".into();
        return c;
    };
    match local_digests(f.local.clone(), Some(algo)).await {
        Ok((_, Some(local))) if local == remote => {
            c.detail = format!("{} matches", algo.label());
        }
        Ok((_, Some(local))) => {
            c.status = Status::Different;
            c.detail = format!("{} {remote} on the server, {local} locally", algo.label());
        }
        Ok((_, None)) => {
            c.status = Status::Unverified;
            c.detail = format!("cannot compute {}", algo.label());
        }
        Err(e) => {
            c.status = Status::Unverified;
            c.detail = format!("reading the local file: {e}");
        }
    }
    c
}
