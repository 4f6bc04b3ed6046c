//! The argument combinations `fastio upload` refuses before anything is sent (exit 2), each
//! in one line naming the flag or path.

use crate::cli::UploadArgs;
use crate::exit::UsageError;
use crate::transfer::plan;

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
