#!/usr/bin/env bash
# Every benchmark (see bench/README.md), then BENCHMARKS.md at the repository root.
#
#   bash bench/run.sh            # reference run: 200, 1,000, 2,000 and 4,000 articles x 5 languages
#   bash bench/run.sh --quick    # small sizes, few runs (a few minutes once built)
#
# Options:
#   --rev REV          benchmark a commit (exported with git archive) instead of the working tree
#   --src DIR          benchmark another checkout of the project (its generator, handler, theme)
#   --only STAGES      comma-separated subset of generator,sections,profile,handler (and whatif: the old theme-without-nav comparison)
#   --sizes LIST       articles per language, e.g. 1000,4000
#   --no-install       do not apt-get / pip install missing tools
#   --out FILE         where the report goes (default: BENCHMARKS.md at the repository root)
#
# Environment: ZOLA_BIN (a zola binary, else `zola` on PATH, else the pinned
# release built once from source by bench/zola.sh — ZOLA_GIT, ZOLA_VERSION,
# ZOLA_CACHE —, else Zola is skipped and the report says so), CARGO_TARGET_DIR (default <root>/target; the profiling build
# uses "$CARGO_TARGET_DIR-prof"), BENCH_WORK (scratch, default
# /tmp/helpsite-bench), BENCH_SHM (tmpfs output, default /dev/shm/hsbench).
# Timings are measurements for the report; nothing here is a test assertion.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
WORK="${BENCH_WORK:-/tmp/helpsite-bench}"
SHM="${BENCH_SHM:-/dev/shm/hsbench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROF_TARGET="$CARGO_TARGET_DIR-prof"
OUT="$ROOT/BENCHMARKS.md"
QUICK=0 REV="" SRC_DIR="" ONLY="generator,sections,profile,handler" SIZES="" INSTALL=1

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rev) REV="$2"; shift ;;
    --src) SRC_DIR="$(cd "$2" && pwd)"; shift ;;
    --only) ONLY="$2"; shift ;;
    --sizes) SIZES="$2"; shift ;;
    --no-install) INSTALL=0 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
has() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
say() { printf '\n== %s\n' "$*" >&2; }
START=$(date +%s)
mkdir -p "$WORK" "$SHM"

# --- tools ---------------------------------------------------------------
need=()
for t in hugo:hugo hyperfine:hyperfine wrk:wrk valgrind:valgrind file:file; do
  command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ $INSTALL = 1 ]; then
    say "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing tools: ${need[*]} (run without --no-install)" >&2; exit 1
  fi
fi
VENV="$ROOT/.venv"
if has handler && [ ! -x "$VENV/bin/cargo-lambda" ] && [ $INSTALL = 1 ]; then
  say "cargo-lambda and ziglang into $VENV"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q cargo-lambda ziglang
fi

# --- source --------------------------------------------------------------
if [ -n "$SRC_DIR" ]; then
  SRC="$SRC_DIR"
  SOURCE_DESC="checkout $SRC"
  if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1; then SOURCE_DESC="$SOURCE_DESC, commit $(git -C "$SRC" rev-parse --short HEAD)"; fi
elif [ -n "$REV" ]; then
  SRC="$WORK/src"
  rm -rf "$SRC" && mkdir -p "$SRC"
  git -C "$ROOT" archive "$REV" | tar -x -C "$SRC"
  SOURCE_DESC="commit $(git -C "$ROOT" rev-parse --short "$REV")"
else
  SRC="$ROOT"
  dirty=$(git -C "$ROOT" status --porcelain -- generator handler form themes Cargo.toml Cargo.lock | wc -l)
  SOURCE_DESC="commit $(git -C "$ROOT" rev-parse --short HEAD)"
  [ "$dirty" -gt 0 ] && SOURCE_DESC="$SOURCE_DESC + working tree ($dirty changed paths)"
fi

# --- builds --------------------------------------------------------------
ARGS=()
if has generator || has sections || has whatif || has profile; then
  say "building helpsite (release) from $SRC"
  (cd "$SRC" && cargo build --release --quiet -p generator --bin helpsite)
  ARGS+=(--helpsite "$CARGO_TARGET_DIR/release/helpsite" --theme-src "$SRC/themes/default")
fi
if has profile; then
  say "building helpsite with line tables for callgrind ($PROF_TARGET)"
  (cd "$SRC" && CARGO_TARGET_DIR="$PROF_TARGET" CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
     CARGO_PROFILE_RELEASE_STRIP=none cargo build --release --quiet -p generator --bin helpsite)
  ARGS+=(--helpsite-prof "$PROF_TARGET/release/helpsite")
fi
PACKAGED="--features static-max-level-info,lambda-env-config"
if has handler; then
  say "building the handler and the hello-world baseline (release)"
  # The handler's binaries with the profile and features the Lambda zips are
  # built with (deploy/package.sh); the hello-world keeps its plain release profile.
  if (cd "$SRC" && cargo build --profile lambda-release --quiet -p handler $PACKAGED --bins) &&
     (cd "$BENCH/hello-lambda" && cargo build --release --quiet --bins); then
    ARGS+=(--handler-dir "$CARGO_TARGET_DIR/lambda-release" --hello-dir "$CARGO_TARGET_DIR/release")
    if [ -x "$VENV/bin/cargo-lambda" ]; then
      say "cargo lambda build --profile lambda-release (zip)"
      export PATH="$VENV/bin:$PATH"
      (cd "$SRC" && cargo lambda build --profile lambda-release --quiet -p handler $PACKAGED --bin handler --output-format zip) &&
        ARGS+=(--handler-zip "$CARGO_TARGET_DIR/lambda/handler/bootstrap.zip") ||
        echo "cargo lambda build of the handler failed: no zip size" >&2
      (cd "$BENCH/hello-lambda" && cargo lambda build --release --quiet --bin hello --output-format zip) &&
        ARGS+=(--hello-zip "$CARGO_TARGET_DIR/lambda/hello/bootstrap.zip") ||
        echo "cargo lambda build of the hello-world failed: no zip size" >&2
    else
      echo "no cargo-lambda in $VENV: no zip sizes" >&2
    fi
  else
    echo "the handler does not build: its stage is skipped" >&2
    ONLY="${ONLY//handler/}"
  fi
fi

if { has generator || has whatif; } && [ -z "${ZOLA_BIN:-}" ] && ! command -v zola >/dev/null; then
  # Built once and cached outside the repository; on failure zola.sh says why
  # and the report says Zola was skipped.
  if zola_bin=$(bash "$BENCH/zola.sh"); then export ZOLA_BIN="$zola_bin"; fi
fi

# --- measure -------------------------------------------------------------
RESULTS="$WORK/results.json"
rm -f "$RESULTS"
if [ $QUICK = 1 ]; then
  MODE=(--quick --sizes "${SIZES:-100,400}" --big-section 400 --runs 3 --hugo-nav-max 0 --incremental-size 400
        --profile-size 50 --whatif-sizes 400 --cold-runs 10 --wrk-seconds 3 --quiet-wait 30)
else
  MODE=(--sizes "${SIZES:-200,1000,2000,4000}" --big-section 1000 --runs 5 --hugo-nav-max 0 --incremental-size 1000
        --profile-size 200 --whatif-sizes 1000,4000 --cold-runs 40 --wrk-seconds 10 --quiet-wait 300)
fi
say "measuring (stages: $ONLY)"
status=0
python3 "$BENCH/bench.py" run --results "$RESULTS" --work "$WORK" --shm "$SHM" --stages "$ONLY" \
  --source-desc "$SOURCE_DESC" "${MODE[@]}" "${ARGS[@]}" || status=$?
cp "$RESULTS" "$BENCH/results-latest.json"
python3 "$BENCH/bench.py" report --results "$RESULTS" --notes "$BENCH/findings.md" --notes "$BENCH/by-hand.md" --out "$OUT" \
  --run-seconds $(( $(date +%s) - START ))
rm -rf "$SHM"
say "done in $(( $(date +%s) - START )) s: $OUT"
exit $status
