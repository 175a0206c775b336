#!/usr/bin/env bash
# The browser tests and quality gates, from a fresh machine (CI=true, no stdin):
# installs what they need (tests/setup/browser.sh, idempotent), builds helpsite
# and the repo's site once into a temp folder, and runs `node --test` over
# tests/browser/. Exits non-zero on any failure.
#
# Environment: CARGO_TARGET_DIR is honoured; HELPSITE_SITE_DIR / HELPSITE_BIN /
# HANDLER_LOCAL_BIN are set here for the tests. Screenshots go to tests/artifacts/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

bash tests/setup/browser.sh </dev/null

work="$(mktemp -d "${TMPDIR:-/tmp}/helpsite-browser.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "run.sh: building helpsite, handler-local and the site" >&2
cargo build -q --locked -p generator
# The handler as it runs in AWS, served on loopback (tickets-aws.test.mjs).
cargo build -q --locked -p handler --bin handler-local
target_dir="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}"
export HELPSITE_BIN="$target_dir/debug/helpsite"
[ -x "$HELPSITE_BIN" ] || { echo "run.sh: no binary at $HELPSITE_BIN" >&2; exit 1; }
export HANDLER_LOCAL_BIN="$target_dir/debug/handler-local"
[ -x "$HANDLER_LOCAL_BIN" ] || { echo "run.sh: no binary at $HANDLER_LOCAL_BIN" >&2; exit 1; }
export HELPSITE_SITE_DIR="$work/site"
"$HELPSITE_BIN" build --root "$repo" --out "$HELPSITE_SITE_DIR"

export HELPSITE_ARTIFACTS="$repo/tests/artifacts"
# Each test file runs in its own process; two at a time on two cores.
node --test --test-concurrency=2 --test-timeout=600000 tests/browser/*.test.mjs
