//! Per-profile settings: `$XDG_CONFIG_HOME/fastio/config.json` (on Linux; the platform's config
//! dir elsewhere). It holds the API base and the default workspace of each profile, and never a
//! secret (those live in the OS keyring, see [`super::store`]).
//!
//! ```json
//! {"profiles": {"default": {"api_base": "https://api.fast.io/current", "workspace": "my-team"}}}
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProfileSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, ProfileSettings>,
}

/// Where the config file lives (`None` when no home directory can be found).
pub fn config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("io", "Fast", "fastio")
        .map(|dirs| dirs.config_dir().join("config.json"))
}

impl ConfigFile {
    /// Read the file; a missing file is an empty config.
    pub fn load_from(path: &Path) -> anyhow::Result<ConfigFile> {
        let read = std::fs::File::open(path).and_then(|f| {
            crate::input::read_at_most(f, crate::input::SETTINGS_MAX).map_err(std::io::Error::other)
        });
        match read {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("reading the config file `{}`", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(e) => {
                Err(e).with_context(|| format!("reading the config file `{}`", path.display()))
            }
        }
    }

    /// Write the file atomically (temp file + rename).
    pub fn save_to(&self, path: &Path) -> anyhow::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the config dir `{}`", dir.display()))?;
        let tmp = path.with_extension("json.tmp");
        let body = serde_json::to_vec_pretty(self)?;
        std::fs::write(&tmp, body)
            .with_context(|| format!("writing the config file `{}`", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("writing the config file `{}`", path.display()))
    }
}

/// The settings of `profile` (empty when there is no config file or no such profile).
pub fn profile_settings(profile: &str) -> anyhow::Result<ProfileSettings> {
    let Some(path) = config_path() else {
        return Ok(ProfileSettings::default());
    };
    Ok(ConfigFile::load_from(&path)?
        .profiles
        .remove(profile)
        .unwrap_or_default())
}

/// Change `profile`'s settings with `edit` and write the file back.
pub fn update_profile(
    profile: &str,
    edit: impl FnOnce(&mut ProfileSettings),
) -> anyhow::Result<()> {
    let path = config_path().context("no home directory: cannot place the config file")?;
    let mut file = ConfigFile::load_from(&path)?;
    edit(file.profiles.entry(profile.to_string()).or_default());
    file.save_to(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_profiles_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.json");
        assert!(ConfigFile::load_from(&path).unwrap().profiles.is_empty());
        let mut file = ConfigFile::default();
        file.profiles.insert(
            "work".into(),
            ProfileSettings {
                api_base: Some("http://127.0.0.1:9/current".into()),
                workspace: Some("team".into()),
            },
        );
        file.save_to(&path).unwrap();
        let back = ConfigFile::load_from(&path).unwrap();
        assert_eq!(back.profiles["work"].workspace.as_deref(), Some("team"));
        assert!(!back.profiles.contains_key("default"));
    }
}
