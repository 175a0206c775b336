#!/usr/bin/env bash
# Offline checks of the deployment (tests/run.sh runs this when present):
#   1. cfn-lint on deploy/template.yaml
#   2. the site built with a sample form endpoint, then deploy/tests/run.py:
#      the template's CSP against every built page (with negative controls),
#      the template's promises (headers, caching, IAM, buckets, API, CORS),
#      the CloudFront Function under node, publish.py against moto_server
#   3. the Lambda zips (deploy/package.sh: cargo lambda build --release) —
#      only with DEPLOY_PACKAGE=1, as it is a long release build of the AWS
#      SDK; otherwise `cargo lambda` is only checked to be usable.
# Exits non-zero on any failure, naming what failed.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR=never

failures=()
fail() { failures+=("$1"); echo "check.sh: FAILED: $1" >&2; }
step() { printf '\n-- deploy: %s\n' "$*"; }

if [ ! -x .venv/bin/cfn-lint ] || [ ! -x .venv/bin/moto_server ] || [ ! -x .venv/bin/cargo-lambda ]; then
    step "installing the Python tools (tests/setup/python.sh)"
    bash tests/setup/python.sh || fail "tests/setup/python.sh"
fi

step "cfn-lint deploy/template.yaml"
if .venv/bin/cfn-lint --version && .venv/bin/cfn-lint -- deploy/template.yaml; then
    echo "cfn-lint: no errors, no warnings"
else
    fail "cfn-lint deploy/template.yaml"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Stands in for the stack's FormEndpoint output.
export HELPSITE_FORM_ENDPOINT="https://abc123defg.execute-api.us-east-1.amazonaws.com/contact"

step "helpsite build with HELPSITE_FORM_ENDPOINT=$HELPSITE_FORM_ENDPOINT"
if cargo run -q --locked --bin helpsite -- build --out "$tmp/site"; then
    step "template and CSP tests (deploy/tests/run.py)"
    .venv/bin/python deploy/tests/run.py --site "$tmp/site" --endpoint "$HELPSITE_FORM_ENDPOINT" \
        || fail "deploy/tests/run.py"
else
    fail "helpsite build"
fi

if [ "${DEPLOY_PACKAGE:-0}" = 1 ]; then
    step "Lambda zips (deploy/package.sh)"
    bash deploy/package.sh || fail "deploy/package.sh"
else
    step "cargo lambda usable (set DEPLOY_PACKAGE=1 to build the zips: deploy/package.sh)"
    if PATH="$repo/.venv/bin:$PATH" cargo lambda build --help >/dev/null \
        && .venv/bin/python -c 'import ziglang' \
        && grep -q 'name = "handler"' handler/Cargo.toml && grep -q 'name = "redeliver"' handler/Cargo.toml; then
        echo "cargo-lambda $(.venv/bin/cargo-lambda lambda --version | awk '{print $2}'), zig from the venv, bins handler and redeliver present"
    else
        fail "cargo lambda / ziglang / handler bins"
    fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo
    echo "check.sh: ${#failures[@]} step(s) failed: ${failures[*]}" >&2
    exit 1
fi
echo
echo "check.sh: all deployment checks passed"
