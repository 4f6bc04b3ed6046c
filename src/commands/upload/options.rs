//! `fastio upload`'s arguments: the combinations refused before anything is sent (exit 2),
//! each in one line naming the flag or path, and the options they become.

use crate::cli::{IfChanged, UploadArgs};
use crate::exit::UsageError;
use crate::settings::Settings;
use crate::transfer::plan;
use crate::transfer::shard;
use crate::transfer::stdin::StdinOptions;
use crate::transfer::{DeleteOptions, FilesFrom, Shard, ShardArg, SkipMode, UploadOptions};

/// Check `args`; `Ok(true)` when standard input (`-`) is what is uploaded.
pub fn check_args(args: &UploadArgs) -> Result<bool, UsageError> {
    let from_stdin = stdin_mode(args)?;
    if !from_stdin && args.paths.is_empty() && args.files_from.is_none() {
        return Err(UsageError::new(
            "nothing to upload: give PATH arguments or --files-from FILE",
        ));
    }
    plan::Filters::new(&args.include, &args.exclude).map_err(UsageError::new)?;
    if args.delete && (from_stdin || args.files_from.is_some()) {
        return Err(UsageError::new(
            "--delete mirrors directories: it cannot be used with standard input or \
             --files-from",
        ));
    }
    for seg in crate::api::folders::split_remote_path(&args.to).map_err(UsageError::new)? {
        plan::check_name(std::ffi::OsStr::new(seg), true)
            .map_err(|why| UsageError::new(format!("--to `{}`: {why}", args.to)))?;
    }
    if let Some(p) = &args.files_from
        && p.as_os_str() != "-"
    {
        let shown = plan::show(p);
        if p.is_dir() {
            return Err(UsageError::new(format!(
                "--files-from `{shown}` is a directory; it takes a file listing paths (to \
                 upload a directory, pass it as a PATH argument)"
            )));
        }
        if !p.exists() {
            return Err(UsageError::new(format!(
                "--files-from `{shown}`: no such file"
            )));
        }
    }
    Ok(from_stdin)
}

/// The shard of this run: `--shard I/N` as given, or `--shard auto[/N]` read from the job
/// runner's variables (and which runner that was). None found, or inconsistent: exit 2.
pub fn shard(
    args: &UploadArgs,
    settings: &Settings,
) -> Result<(Option<Shard>, Option<String>), UsageError> {
    match args.shard {
        None => Ok((None, None)),
        Some(ShardArg::Fixed(sh)) => Ok((Some(sh), None)),
        Some(ShardArg::Auto { count }) => {
            let (sh, from) =
                shard::resolve_auto(&settings.runner, count).map_err(UsageError::new)?;
            Ok((Some(sh), Some(from)))
        }
    }
}

/// The engine's options for `args` (and, when standard input is uploaded, the stream's).
pub fn options(
    args: &UploadArgs,
    workspace_id: &str,
    settings: &Settings,
    api_base: &str,
    from_stdin: bool,
    (shard, shard_from): (Option<Shard>, Option<String>),
) -> (UploadOptions, Option<StdinOptions>) {
    let opts = UploadOptions {
        paths: args.paths.clone(),
        files_from: args.files_from.clone().map(|p| match p.as_os_str() == "-" {
            true => FilesFrom::Stdin,
            false => FilesFrom::File(p),
        }),
        null_separated: args.null,
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        follow_symlinks: args.follow_symlinks,
        workspace_id: workspace_id.to_string(),
        dest: args.to.clone(),
        concurrency: args.concurrency as usize,
        skip: match (args.overwrite, args.if_changed) {
            (true, _) => SkipMode::Overwrite,
            (false, IfChanged::Size) => SkipMode::Size,
            (false, IfChanged::Hash) => SkipMode::Hash,
            (false, IfChanged::Auto) => SkipMode::Auto,
        },
        retries: args.retries,
        resume: !args.no_resume,
        journal_dir: settings.journal_dir.clone(),
        api_base: api_base.to_string(),
        dry_run: args.dry_run,
        assembly_timeout: args.assembly_timeout,
        shard,
        shard_from,
        only: None,
        skipped_node_ids: args.receipt.is_some(),
        delete: args.delete.then_some(DeleteOptions {
            excluded: args.delete_excluded,
            max: args.max_delete,
        }),
        destination: None,
        // This run's own receipt and list are never part of what it uploads.
        leave_out: args
            .receipt
            .iter()
            .chain(args.files_from.iter().filter(|p| p.as_os_str() != "-"))
            .cloned()
            .collect(),
    };
    let stdin_opts = from_stdin.then(|| StdinOptions {
        workspace_id: workspace_id.to_string(),
        dest: opts.dest.clone(),
        name: args.name.clone().unwrap_or_default(),
        max_size: args.max_size,
        size: args.size,
        retries: opts.retries,
        assembly_timeout: opts.assembly_timeout,
        concurrency: opts.concurrency,
        spool_dir: settings.temp_dir.clone(),
        api_base: opts.api_base.clone(),
    });

    (opts, stdin_opts)
}

/// `-` as the only path: standard input, with `--name`. Checks the combinations.
fn stdin_mode(args: &UploadArgs) -> Result<bool, UsageError> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if !dash {
        if args.name.is_some() || args.max_size.is_some() || args.size.is_some() {
            return Err(UsageError::new(
                "--name, --size and --max-size are for standard input: give `-` as the only \
                 PATH (a file named `-` is `./-`)",
            ));
        }
        return Ok(false);
    }
    if args.paths.len() > 1 || args.files_from.is_some() {
        return Err(UsageError::new(
            "`-` (standard input) must be the only PATH, without --files-from",
        ));
    }
    let Some(name) = args.name.as_deref() else {
        return Err(UsageError::new(
            "uploading standard input (`-`) needs --name NAME for the remote file",
        ));
    };
    if name.is_empty() || name == "." || name == ".." {
        return Err(UsageError::new(format!("--name `{name}`: not a file name")));
    }
    // The same rules as names found in a tree.
    plan::check_name(std::ffi::OsStr::new(name), false)
        .map_err(|why| UsageError::new(format!("--name: {why}")))?;
    if args.dry_run {
        return Err(UsageError::new(
            "--dry-run cannot be used with standard input",
        ));
    }
    if let (Some(size), Some(max)) = (args.size, args.max_size)
        && size > max
    {
        return Err(UsageError::new(format!(
            "--size {size} is more than --max-size {max}"
        )));
    }
    if args.shard.is_some() {
        return Err(UsageError::new(
            "--shard cannot be used with standard input",
        ));
    }
    if args.watch {
        return Err(UsageError::new(
            "--watch cannot be used with standard input: give the folders to watch",
        ));
    }
    Ok(true)
}
