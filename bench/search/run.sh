#!/usr/bin/env bash
# Search benchmark: helpsite's search index next to Pagefind's
# default CLI output (npm `pagefind`, no flags) on the same built pages.
# A report, not a test. Writes JSON reports into $OUT (default: a temp folder)
# and prints one line per query; RESULTS.md holds the numbers of a run.
#
#   bash bench/search/run.sh [ARTICLES_PER_LANGUAGE ...]   # default: 200 (= 1,000 pages)
#
# Needs: python3, node with the repo's devDependencies (npm ci), Chromium at
# /usr/bin/chromium, and a helpsite whose build writes search/ (HELPSITE_BIN,
# else `cargo build --release -p generator`).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
out="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/helpsite-search-bench.XXXXXX")}"
mkdir -p "$out"

if [ -z "${HELPSITE_BIN:-}" ]; then
  cargo build -q --release -p generator
  target_dir="${CARGO_TARGET_DIR:-$repo/target}"
  HELPSITE_BIN="$target_dir/release/helpsite"
fi
# Pagefind is for this comparison only, not a test dependency: installed here, not saved.
[ -d node_modules/pagefind ] || npm install --no-save --no-audit --no-fund pagefind@1.6.0

run() { # name site_root queries
  local name="$1" root="$2" queries="$3"
  local public="$out/$name/public"
  rm -rf "$public"
  mkdir -p "$out/$name"
  "$HELPSITE_BIN" build --root "$root" --out "$public" >&2
  [ -d "$public/search" ] || { echo "run.sh: this helpsite writes no search/ index" >&2; exit 1; }
  npx pagefind --site "$public" >"$out/$name/pagefind.log" 2>&1
  node bench/search/measure.mjs "$public" "$queries" >"$out/$name/report.json"
  echo "run.sh: $out/$name/report.json" >&2
}

run shipped "$repo" bench/search/queries-shipped.json
run languages "$repo/tests/fixtures/search-languages" bench/search/queries-languages.json
for n in "${@:-200}"; do
  python3 bench/corpus.py --pages "$n" --out "$out/corpus-$n" --no-hugo >/dev/null
  run "synthetic-$n" "$out/corpus-$n/site" bench/search/queries-synthetic.json
done
