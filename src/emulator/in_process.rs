//! The server behind the global `--emulator` flag: in this process, on an ephemeral loopback
//! port, over the default data dir, with a key kept beside the data.

use std::io::Write as _;

use anyhow::Context as _;

use super::{EmulatorConfig, RunningEmulator};

/// The server behind `--emulator`: ephemeral loopback port, the default data dir (so later runs
/// see the same files and workspace ids), a freshly generated key.
pub async fn start_in_process() -> anyhow::Result<RunningEmulator> {
    let data_dir = super::default_data_dir()?;
    // The key is generated once per data dir and kept beside the data, so upload sessions
    // (owned by the key's user) can be resumed by a later `--emulator` run.
    let key = tokio::task::spawn_blocking({
        let d = data_dir.clone();
        move || in_process_key(&d)
    })
    .await
    .context("reading the in-process emulator key")??;
    let config = EmulatorConfig {
        data_dir: Some(data_dir),
        api_keys: vec![key],
        ..EmulatorConfig::default()
    };
    tokio::task::spawn_blocking(move || super::start(config))
        .await
        .context("starting the in-process emulator")?
}

/// The API key of the in-process emulator for `dir`, created (mode 0600) on first use.
fn in_process_key(dir: &std::path::Path) -> anyhow::Result<String> {
    let path = dir.join("in-process-api-key");
    if let Ok(k) = std::fs::read_to_string(&path) {
        let k = k.trim().to_string();
        if !k.is_empty() {
            return Ok(k);
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let key = format!("fio_emu_{}", super::ids::random_alnum(32));
    let tmp = dir.join(format!(".in-process-api-key.{}", std::process::id()));
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.write_all(key.as_bytes())?;
    }
    // Two processes racing: the first rename wins and both read the winner back.
    if !path.exists() {
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(std::fs::read_to_string(&path)?.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_process_key_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("fastio-key-test-{}", std::process::id()));
        let a = in_process_key(&dir).unwrap();
        let b = in_process_key(&dir).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("fio_emu_"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
