//! `install.sh` against a local directory standing in for a GitHub release: the archive the
//! release workflow builds for each target (a stand-in binary that names its target, the
//! committed completions and man pages) and SHA256SUMS. `uname` is faked through PATH, so every
//! platform's pick is tried here.
//!
//! Needs `sh`, `tar` and `gzip` (Linux and macOS; the CI workflow runs it there).

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const TARGETS: [&str; 4] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A release directory laid out as `.github/workflows/release.yml` publishes one.
fn fake_release(dir: &Path) {
    let stage = tempfile::tempdir().unwrap();
    let mut sums = String::new();
    for target in TARGETS {
        let top = stage.path().join(format!("fastio-{target}"));
        std::fs::create_dir_all(&top).unwrap();
        std::fs::write(
            top.join("fastio"),
            format!("#!/bin/sh\necho 'fastio for {target}'\n"),
        )
        .unwrap();
        copy_dir(&repo().join("completions"), &top.join("completions"));
        copy_dir(&repo().join("man"), &top.join("man"));
        let archive = format!("fastio-{target}.tar.gz");
        let status = Command::new("tar")
            .arg("-czf")
            .arg(dir.join(&archive))
            .arg("-C")
            .arg(stage.path())
            .arg(format!("fastio-{target}"))
            .status()
            .expect("tar");
        assert!(status.success());
        let digest = hex::encode(Sha256::digest(std::fs::read(dir.join(&archive)).unwrap()));
        sums.push_str(&format!("{digest}  {archive}\n"));
    }
    std::fs::write(dir.join("SHA256SUMS"), sums).unwrap();
}

/// A `uname` that answers `-s` with `os` and `-m` with `machine`, first on PATH.
fn fake_uname(dir: &Path, os: &str, machine: &str) -> String {
    let bin = dir.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("uname");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncase \"$1\" in -s) echo '{os}' ;; -m) echo '{machine}' ;; *) echo '{os}' ;; esac\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Run install.sh as `os`/`machine` from `release` into `prefix`.
fn install(
    work: &Path,
    os: &str,
    machine: &str,
    release: &Path,
    prefix: &Path,
) -> std::process::Output {
    let path = fake_uname(&work.join(format!("{os}-{machine}")), os, machine);
    Command::new("sh")
        .arg(repo().join("install.sh"))
        .args(["--base-url"])
        .arg(release)
        .args(["--prefix"])
        .arg(prefix)
        .env("PATH", path)
        .env_remove("FASTIO_REPO")
        .env_remove("FASTIO_VERSION")
        .output()
        .expect("sh")
}

#[test]
fn install_sh_picks_the_archive_for_each_platform_and_installs_everything() {
    let work = tempfile::tempdir().unwrap();
    let release = work.path().join("release");
    std::fs::create_dir_all(&release).unwrap();
    fake_release(&release);
    for (os, machine, target) in [
        ("Linux", "x86_64", "x86_64-unknown-linux-musl"),
        ("Linux", "aarch64", "aarch64-unknown-linux-musl"),
        ("Linux", "arm64", "aarch64-unknown-linux-musl"),
        ("Darwin", "x86_64", "x86_64-apple-darwin"),
        ("Darwin", "arm64", "aarch64-apple-darwin"),
    ] {
        let prefix = work.path().join(format!("prefix-{os}-{machine}"));
        let out = install(work.path(), os, machine, &release, &prefix);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{os} {machine}: {stderr}");
        let bin = prefix.join("bin/fastio");
        let ran = Command::new("sh").arg(&bin).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ran.stdout).trim(),
            format!("fastio for {target}"),
            "{os} {machine} got the wrong archive: {stderr}"
        );
        // Every man page, and the completions where each shell looks for them.
        for page in std::fs::read_dir(repo().join("man")).unwrap() {
            let name = page.unwrap().file_name();
            assert!(
                prefix.join("share/man/man1").join(&name).is_file(),
                "{name:?} not installed"
            );
        }
        for file in [
            "share/bash-completion/completions/fastio",
            "share/zsh/site-functions/_fastio",
            "share/fish/vendor_completions.d/fastio.fish",
        ] {
            assert!(prefix.join(file).is_file(), "{file} not installed");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&bin).unwrap().permissions().mode();
            assert_eq!(mode & 0o111, 0o111, "not executable");
        }
    }
    // A machine there is no release for: a clear refusal, nothing installed.
    let prefix = work.path().join("prefix-riscv");
    let out = install(work.path(), "Linux", "riscv64", &release, &prefix);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("riscv64") && stderr.contains("cargo install"),
        "{stderr}"
    );
    assert!(!prefix.join("bin/fastio").exists());
}

#[test]
fn install_sh_refuses_an_archive_whose_checksum_does_not_match() {
    let work = tempfile::tempdir().unwrap();
    let release = work.path().join("release");
    std::fs::create_dir_all(&release).unwrap();
    fake_release(&release);
    // Another archive's bytes under the x86_64 Linux name: a download that is not the release's.
    std::fs::copy(
        release.join("fastio-aarch64-unknown-linux-musl.tar.gz"),
        release.join("fastio-x86_64-unknown-linux-musl.tar.gz"),
    )
    .unwrap();
    let prefix = work.path().join("prefix");
    let out = install(work.path(), "Linux", "x86_64", &release, &prefix);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("checksum mismatch for fastio-x86_64-unknown-linux-musl.tar.gz"),
        "{stderr}"
    );
    assert!(
        !prefix.join("bin").join("fastio").exists(),
        "installed anyway"
    );
    assert!(!prefix.join("share").exists(), "installed anyway");

    // An archive SHA256SUMS does not list is refused the same way.
    std::fs::write(release.join("SHA256SUMS"), "").unwrap();
    let out = install(work.path(), "Darwin", "arm64", &release, &prefix);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists no"));
    assert!(!prefix.join("bin").join("fastio").exists());
}
