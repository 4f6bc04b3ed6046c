//! The fallback for a server that refuses stream sessions: standard input spooled to a private
//! temporary file, then uploaded through the engine as a file.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use super::{PumpError, Pumped, STDIN_LOCAL, StdinOptions, fail_run, pump};
use crate::api::Client;
use crate::transfer::plan::remote_join;
use crate::transfer::{Cancel, Event, Events, FileError, SkipMode, Summary, UploadOptions};

/// A private temporary directory, removed when dropped.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    pub(super) fn new(base: &std::path::Path) -> std::io::Result<TempDir> {
        for _ in 0..16 {
            let p = base.join(format!("fastio-stdin-{:016x}", rand::random::<u64>()));
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            match b.create(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no free temporary directory name"))
    }
}

impl TempDir {
    /// The spool file of standard input in it (named as the remote file will be).
    pub(super) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fallback: spool standard input to a temporary file, then upload it as a file.
pub(super) async fn spooled(
    client: Client,
    opts: &StdinOptions,
    mut input: Box<dyn Read + Send>,
    events: Events,
    cancel: Cancel,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let remote_path = remote_join(
        &crate::api::folders::split_remote_path(&opts.dest)
            .map(|s| s.join("/"))
            .unwrap_or_default(),
        &opts.name,
    );
    let dir = match TempDir::new(&opts.spool_dir) {
        Ok(d) => d,
        Err(source) => {
            let err = FileError::Io {
                path: opts.spool_dir.display().to_string(),
                source,
            };
            return Ok(fail_run(&events, &remote_path, err, started, &cancel));
        }
    };
    let file = dir.0.join(&opts.name);
    let (path, max, stop) = (file.clone(), super::read_limit(opts), cancel.stop.clone());
    let sopts = opts.clone();
    let spool = tokio::task::spawn_blocking(move || -> Result<Pumped, PumpError> {
        use std::io::Write as _;
        let mut out = std::fs::File::create(&path).map_err(PumpError::Read)?;
        let mut write_err = None;
        let r = pump(&mut *input, max, &stop, |b| match out.write_all(&b) {
            Ok(()) => true,
            Err(e) => {
                write_err = Some(e);
                false
            }
        });
        match write_err {
            Some(e) => Err(PumpError::Read(std::io::Error::other(format!(
                "writing the temporary file: {e}"
            )))),
            None => super::check_size(&sopts, r),
        }
    })
    .await;
    match spool {
        Ok(Ok(_)) => {}
        Ok(Err(PumpError::Closed)) => {
            return Ok(fail_run(
                &events,
                &remote_path,
                FileError::Cancelled,
                started,
                &cancel,
            ));
        }
        Ok(Err(e)) => {
            let err = e.into_file_error();
            return Ok(fail_run(&events, &remote_path, err, started, &cancel));
        }
        Err(e) => return Err(anyhow::anyhow!("spooling standard input: {e}")),
    }
    upload_spool(client, opts, file, dir, events, cancel, false).await
}

/// Upload the spooled standard input (`file` in `dir`, removed afterwards) through the engine
/// as one file, its events shown as standard input's. `continued`: the run already announced
/// the file (a stream that was refused part-way), so the engine's queue events are dropped.
pub(super) async fn upload_spool(
    client: Client,
    opts: &StdinOptions,
    file: PathBuf,
    dir: TempDir,
    events: Events,
    cancel: Cancel,
    continued: bool,
) -> anyhow::Result<Summary> {
    let run = UploadOptions {
        paths: vec![file],
        files_from: None,
        null_separated: false,
        include: Vec::new(),
        exclude: Vec::new(),
        follow_symlinks: false,
        workspace_id: opts.workspace_id.clone(),
        dest: opts.dest.clone(),
        concurrency: opts.concurrency,
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
    // The engine's events, with the temporary file shown as standard input.
    let (inner, mut rx) = Events::channel();
    let forward = tokio::spawn(async move {
        while let Some(mut e) = rx.recv().await {
            match &mut e {
                Event::FileStarted { local, .. }
                | Event::FileDone { local, .. }
                | Event::FileSkipped { local, .. }
                | Event::FileFailed { local, .. } => *local = STDIN_LOCAL.into(),
                Event::FileQueued { .. } | Event::WalkDone if continued => continue,
                _ => {}
            }
            events.emit(e);
        }
    });
    let summary = crate::transfer::upload(client, run, inner, cancel).await;
    let _ = forward.await;
    drop(dir);
    summary
}
