//! The argument combinations `fastio upload` refuses before anything is sent (exit 2), each
//! in one line naming the flag or path.

use crate::cli::UploadArgs;
use crate::exit::Fatal;
use crate::transfer::plan;

/// Check `args`; `Ok(true)` when standard input (`-`) is what is uploaded.
pub fn check_args(args: &UploadArgs) -> Result<bool, Fatal> {
    let from_stdin = stdin_mode(args)?;
    if !from_stdin && args.paths.is_empty() && args.files_from.is_none() {
        return Err(Fatal::usage(
            "nothing to upload: give PATH arguments or --files-from FILE",
        ));
    }
    plan::Filters::new(&args.include, &args.exclude).map_err(Fatal::usage)?;
    for seg in crate::api::folders::split_remote_path(&args.to).map_err(Fatal::usage)? {
        plan::check_name(std::ffi::OsStr::new(seg), true)
            .map_err(|why| Fatal::usage(format!("--to `{}`: {why}", args.to)))?;
    }
    if let Some(p) = &args.files_from
        && p.as_os_str() != "-"
    {
        let shown = plan::show(p);
        if p.is_dir() {
            return Err(Fatal::usage(format!(
                "--files-from `{shown}` is a directory; it takes a file listing paths (to \
                 upload a directory, pass it as a PATH argument)"
            )));
        }
        if !p.exists() {
            return Err(Fatal::usage(format!(
                "--files-from `{shown}`: no such file"
            )));
        }
    }
    Ok(from_stdin)
}

/// `-` as the only path: standard input, with `--name`. Checks the combinations.
fn stdin_mode(args: &UploadArgs) -> Result<bool, Fatal> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    if !dash {
        if args.name.is_some() || args.max_size.is_some() {
            return Err(Fatal::usage(
                "--name and --max-size are for standard input: give `-` as the only PATH \
                 (a file named `-` is `./-`)",
            ));
        }
        return Ok(false);
    }
    if args.paths.len() > 1 || args.files_from.is_some() {
        return Err(Fatal::usage(
            "`-` (standard input) must be the only PATH, without --files-from",
        ));
    }
    let Some(name) = args.name.as_deref() else {
        return Err(Fatal::usage(
            "uploading standard input (`-`) needs --name NAME for the remote file",
        ));
    };
    if name.is_empty() || name == "." || name == ".." {
        return Err(Fatal::usage(format!("--name `{name}`: not a file name")));
    }
    // The same rules as names found in a tree.
    plan::check_name(std::ffi::OsStr::new(name), false)
        .map_err(|why| Fatal::usage(format!("--name: {why}")))?;
    if args.dry_run {
        return Err(Fatal::usage("--dry-run cannot be used with standard input"));
    }
    if args.shard.is_some() {
        return Err(Fatal::usage("--shard cannot be used with standard input"));
    }
    Ok(true)
}
