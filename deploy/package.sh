#!/usr/bin/env bash
# Builds the two Lambda zips deploy/template.yaml deploys:
#   deploy/build/handler.zip     the contact-form function (bin `handler`)
#   deploy/build/redeliver.zip   the scheduled resend (bin `redeliver`)
# each holding one x86_64 `bootstrap` for the provided.al2023 runtime, built by
# `cargo lambda build --profile lambda-release` (cargo-lambda and zig come from the repo's
# Python venv, .venv, which tests/setup/python.sh creates), and `form.json`:
# the site's form definition and texts (`helpsite build --form-definition`,
# from site.toml and the catalogs, the site's own i18n/ included), which both
# functions read as CONTACT_FORM_DEFINITION=/var/task/form.json. The site is
# the repository's unless HELPSITE_SITE_ROOT names another.
#
# Takes long: a release build of the AWS SDK with LTO; see
# README.md (Deploy) for measured times. Respects CARGO_TARGET_DIR.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [ ! -x .venv/bin/cargo-lambda ] || ! .venv/bin/python -c 'import ziglang, zopfli' 2>/dev/null; then
    bash tests/setup/python.sh
fi
# cargo-lambda finds zig through the venv's python (the ziglang package).
export PATH="$repo/.venv/bin:$PATH"
target="${CARGO_TARGET_DIR:-$repo/target}"
out="$repo/deploy/build"

start=$(date +%s)
# `lambda-release` (Cargo.toml): `release` optimised for size, abort on panic.
# With abort nothing unwinds, so the Lambda target's code is built without
# unwind tables (.eh_frame). Only for this command and only for the target:
# build scripts, proc macros and the generator below keep theirs (`release`
# unwinds). A RUSTFLAGS set by the caller takes precedence.
# Features of the packaged build only (README.md, Deploy): `static-max-level-info`
# compiles debug and trace events out; `lambda-env-config` takes the SDK's
# credentials and region from Lambda's environment, without aws-config's chain.
CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="${CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS:--C force-unwind-tables=no}" \
    cargo lambda build --profile lambda-release --locked -p handler --features static-max-level-info,lambda-env-config \
    --bin handler --bin redeliver \
    --x86-64 --output-format zip
# The site's texts for the functions; a site that does not build stops here.
site_root="${HELPSITE_SITE_ROOT:-$repo}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cargo run --release --locked --bin helpsite -- build --root "$site_root" \
    --out "$scratch/public" --form-definition "$scratch/form.json"

mkdir -p "$out"
for bin in handler redeliver; do
    zip="$target/lambda/$bin/bootstrap.zip"
    if [ ! -f "$zip" ]; then
        echo "package.sh: $zip was not produced" >&2
        exit 1
    fi
    # The provided.al2023 runtime runs the file named `bootstrap` at the root.
    if ! .venv/bin/python - "$zip" <<'EOF'
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
info = z.getinfo("bootstrap")
mode = info.external_attr >> 16
head = z.read("bootstrap")[:20]
assert head[:4] == b"\x7fELF", "not an ELF executable"
assert head[4] == 2 and int.from_bytes(head[18:20], "little") == 0x3E, "not x86_64"
assert mode == 0 or mode & stat.S_IXUSR, "bootstrap is not executable"
EOF
    then
        echo "package.sh: $zip has no x86_64 executable bootstrap at its root" >&2
        exit 1
    fi
    # bootstrap (zopfli-deflated) and the site's form.json
    if ! .venv/bin/python deploy/repack.py "$zip" "$scratch/form.json" "$out/$bin.zip"; then
        echo "package.sh: could not write $out/$bin.zip" >&2
        exit 1
    fi
done
end=$(date +%s)

echo "package.sh: built in $((end - start)) s:"
for bin in handler redeliver; do
    printf '  deploy/build/%s.zip  %s bytes (bootstrap %s bytes)\n' "$bin" "$(stat -c %s "$out/$bin.zip")" \
        "$(.venv/bin/python -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("bootstrap").file_size)' "$out/$bin.zip")"
done
