#!/usr/bin/env bash
# Builds Zola from source once, at a pinned tag, and caches the binary outside
# the repository; prints the binary's path on stdout. Zola is in no package
# registry reachable from the benchmark machines, so the comparison needs a
# local build (see bench/README.md).
#
#   bash bench/zola.sh            # path of the cached binary, built if missing
#
# Environment: ZOLA_VERSION (tag, default v0.22.1), ZOLA_GIT (repository to
# clone, default the upstream one), ZOLA_CACHE (default
# ~/.cache/helpsite-bench/zola-$ZOLA_VERSION), ZOLA_NICE (nice level of the
# build, default 10).
# Exit status 0 with the path, or 1 with one "Zola skipped: ..." line on stderr.
set -uo pipefail

VERSION="${ZOLA_VERSION:-v0.22.1}"
GIT_URL="${ZOLA_GIT:-https://github.com/getzola/zola.git}"
CACHE="${ZOLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/helpsite-bench/zola-$VERSION}"
BIN="$CACHE/zola"
SRC="$CACHE/src"
LOG="$CACHE/build.log"

skip() { echo "Zola skipped: $* (log: $LOG)" >&2; exit 1; }

if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
  echo "$BIN"; exit 0
fi
mkdir -p "$CACHE" || { echo "Zola skipped: cannot create $CACHE" >&2; exit 1; }
: >"$LOG"
command -v git >/dev/null || skip "git not found"
command -v cargo >/dev/null || skip "cargo not found"

echo "building Zola $VERSION from $GIT_URL into $CACHE (once; takes several minutes)" >&2
if [ ! -d "$SRC/.git" ] || [ "$(git -C "$SRC" describe --tags --exact-match 2>/dev/null)" != "$VERSION" ]; then
  rm -rf "$SRC"
  # Without docs/ (the documentation site, not needed to build, and its
  # screenshots are what partial mirrors tend to lack).
  { git clone --quiet --depth 1 --no-checkout --branch "$VERSION" "$GIT_URL" "$SRC" &&
    git -C "$SRC" sparse-checkout set --no-cone '/*' '!/docs/' &&
    git -C "$SRC" checkout --quiet "$VERSION"; } >>"$LOG" 2>&1 ||
    skip "cannot clone $VERSION from $GIT_URL"
fi
# Its own target dir under the cache, so the project's target is untouched
# and a rebuild after a failure reuses what was compiled.
(cd "$SRC" && CARGO_TARGET_DIR="$CACHE/target" nice -n "${ZOLA_NICE:-10}" \
   cargo build --release --locked --bin zola) >>"$LOG" 2>&1 ||
  skip "cargo build --release --locked of Zola $VERSION failed"
cp "$CACHE/target/release/zola" "$BIN.tmp" && mv "$BIN.tmp" "$BIN" || skip "cannot copy the binary"
"$BIN" --version >/dev/null 2>&1 || skip "the built binary does not run"
# The sources and the target dir are only needed to build: keep the binary.
rm -rf "$CACHE/target" "$SRC"
echo "$BIN"
