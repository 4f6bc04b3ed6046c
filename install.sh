#!/bin/sh
# Install fastio from a release: the archive for this machine (picked by `uname -s` and
# `uname -m`), checked against the release's SHA256SUMS, then the binary, the shell completions
# and the man pages.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   sh install.sh --version 0.2.0 --prefix /usr/local
#
# Options (or the environment variable in brackets):
#   --version V     a release such as 0.2.0 (FASTIO_VERSION; default: the latest)
#   --prefix DIR    install into DIR/bin, DIR/share/man/man1, DIR/share/... (FASTIO_PREFIX;
#                   default: /usr/local as root, else ~/.local)
#   --repo O/N      the GitHub repository of the releases (FASTIO_REPO; the release's own copy
#                   of this script has it filled in)
#   --base-url URL  where the archives and SHA256SUMS are, instead of the GitHub release
#                   (FASTIO_BASE_URL): an https:// or file:// URL or a local directory
#
# Nothing is installed unless the archive's SHA-256 is the one SHA256SUMS lists.
set -eu

repo="${FASTIO_REPO:-@GITHUB_REPOSITORY@}"
version="${FASTIO_VERSION:-latest}"
base_url="${FASTIO_BASE_URL:-}"
if [ "$(id -u)" = 0 ]; then default_prefix=/usr/local; else default_prefix="$HOME/.local"; fi
prefix="${FASTIO_PREFIX:-$default_prefix}"

say() { printf 'fastio-install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || die "--version needs a value"; version="${2#v}"; shift 2 ;;
        --prefix) [ $# -ge 2 ] || die "--prefix needs a value"; prefix="$2"; shift 2 ;;
        --repo) [ $# -ge 2 ] || die "--repo needs a value"; repo="$2"; shift 2 ;;
        --base-url) [ $# -ge 2 ] || die "--base-url needs a value"; base_url="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option \`$1\` (see --help)" ;;
    esac
done

# The release target for this machine.
os=$(uname -s)
arch=$(uname -m)
case "$arch" in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) die "no release for the processor \`$arch\` (x86_64 and aarch64 only): build from source with \`cargo install --locked fastio\`" ;;
esac
ext=tar.gz
exe=fastio
case "$os" in
    Linux) target="$arch-unknown-linux-musl" ;;
    Darwin) target="$arch-apple-darwin" ;;
    MINGW*|MSYS*|CYGWIN*|Windows_NT)
        [ "$arch" = x86_64 ] || die "no Windows release for \`$arch\`"
        target="x86_64-pc-windows-msvc"; ext=zip; exe=fastio.exe ;;
    *) die "no release for the system \`$os\`: build from source with \`cargo install --locked fastio\`" ;;
esac
archive="fastio-$target.$ext"

if [ -z "$base_url" ]; then
    case "$repo" in
        */*) ;;
        *) die "which repository? pass --repo OWNER/NAME (or FASTIO_REPO, or --base-url)" ;;
    esac
    if [ "$version" = latest ]; then
        base_url="https://github.com/$repo/releases/latest/download"
    else
        base_url="https://github.com/$repo/releases/download/v$version"
    fi
fi
base_url="${base_url%/}"

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t fastio-install)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Copy `name` from the release into $tmp.
fetch() {
    case "$base_url" in
        http://*|https://*)
            if command -v curl >/dev/null 2>&1; then
                curl -fsSL --proto '=https,http' -o "$tmp/$1" "$base_url/$1"
            elif command -v wget >/dev/null 2>&1; then
                wget -q -O "$tmp/$1" "$base_url/$1"
            else
                die "neither curl nor wget is installed"
            fi ;;
        file://*) cp "${base_url#file://}/$1" "$tmp/$1" ;;
        *) cp "$base_url/$1" "$tmp/$1" ;;
    esac || die "cannot download \`$1\` from $base_url"
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    elif command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 "$1" | sed 's/.*= *//'
    else
        die "no sha256sum, shasum or openssl to check the download with"
    fi
}

say "downloading $archive from $base_url"
fetch SHA256SUMS
fetch "$archive"
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS lists no \`$archive\`: nothing installed"
actual=$(sha256 "$tmp/$archive")
if [ "$expected" != "$actual" ]; then
    die "checksum mismatch for $archive: SHA256SUMS says $expected, the download is $actual; nothing installed"
fi

mkdir "$tmp/x"
case "$ext" in
    tar.gz) tar -xzf "$tmp/$archive" -C "$tmp/x" ;;
    zip) if command -v unzip >/dev/null 2>&1; then unzip -q "$tmp/$archive" -d "$tmp/x"
         elif command -v 7z >/dev/null 2>&1; then 7z x -bso0 -o"$tmp/x" "$tmp/$archive"
         else die "unzip or 7z is needed for $archive"; fi ;;
esac
src="$tmp/x/fastio-$target"
[ -f "$src/$exe" ] || die "$archive has no $exe"

bindir="$prefix/bin"
mandir="$prefix/share/man/man1"
bashdir="$prefix/share/bash-completion/completions"
zshdir="$prefix/share/zsh/site-functions"
fishdir="$prefix/share/fish/vendor_completions.d"
mkdir -p "$bindir" "$mandir" "$bashdir" "$zshdir" "$fishdir"
cp "$src/$exe" "$bindir/$exe.new" && chmod 755 "$bindir/$exe.new" && mv -f "$bindir/$exe.new" "$bindir/$exe"
for page in "$src"/man/*.1; do
    cp "$page" "$mandir/"
done
cp "$src/completions/fastio.bash" "$bashdir/fastio"
cp "$src/completions/_fastio" "$zshdir/_fastio"
cp "$src/completions/fastio.fish" "$fishdir/fastio.fish"

say "installed $bindir/$exe ($target), man pages in $mandir, completions for bash, zsh and fish"
case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "note: $bindir is not on PATH" ;;
esac
