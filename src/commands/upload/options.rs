//! `fastio upload`'s arguments: the combinations refused before anything is sent (exit 2),
//! each in one line naming the flag or path, and the options they become.

use crate::cli::{IfChanged, UploadArgs};
use crate::exit::UsageError;
use crate::settings::Settings;
use crate::transfer::plan;
use crate::transfer::stdin::StdinOptions;
use crate::transfer::{FilesFrom, SkipMode, UploadOptions};

/// Check `args`; `Ok(true)` when standard input (`-`) is what is uploaded.
pub fn check_args(args: &UploadArgs) -> Result<bool, UsageError> {
    let from_stdin = stdin_mode(args)?;
    if !from_stdin && args.paths.is_empty() && args.files_from.is_none() {
        return Err(UsageError::new(
            "nothing to upload: give PATH arguments or --files-from FILE",
        ));
    }
    plan::Filters::new(&args.include, &args.exclude).map_err(UsageError::new)?;
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

/// The engine's options for `args` (and, when standard input is uploaded, the stream's).
pub fn options(
    args: &UploadArgs,
    workspace_id: &str,
    settings: &Settings,
    api_base: &str,
    from_stdin: bool,
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
        },
        retries: args.retries,
        resume: !args.no_resume,
        journal_dir: settings.journal_dir.clone(),
        api_base: api_base.to_string(),
        dry_run: args.dry_run,
        assembly_timeout: args.assembly_timeout,
        shard: args.shard,
        skipped_node_ids: args.receipt.is_some(),
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
        if args.name.is_some() || args.max_size.is_some() {
            return Err(UsageError::new(
                "--name and --max-size are for standard input: give `-` as the only PATH \
                 (a file named `-` is `./-`)",
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
    if args.shard.is_some() {
        return Err(UsageError::new(
            "--shard cannot be used with standard input",
        ));
    }
    Ok(true)
}
