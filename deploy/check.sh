#!/usr/bin/env bash
# Offline checks of the deployment (tests/run.sh runs this when present):
#   1. cfn-lint on deploy/template.yaml
#   2. the site built with a sample form endpoint, then deploy/tests/run.py:
#      the template's CSP against every built page (with negative controls),
#      the template's promises (headers, caching, IAM, buckets, API, CORS),
#      the CloudFront Function under node, publish.py against moto_server
#   3. with DEPLOY_PACKAGE=1: the Lambda zips (deploy/package.sh: cargo lambda
#      build --profile lambda-release, a long release build of the AWS SDK), then run by
#      run.py under a local Lambda Runtime API with moto as SES and S3;
#      otherwise `cargo lambda` is only checked to be usable.
# Exits non-zero on any failure, naming what failed.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR=never

failures=()
steps_passed=0
steps_failed=0
# fail NAME [counted]: a failed step; run.py's failures are counted by run.py itself.
fail() { failures+=("$1"); [ "${2:-1}" = 0 ] || steps_failed=$((steps_failed + 1)); echo "check.sh: FAILED: $1" >&2; }
pass() { steps_passed=$((steps_passed + 1)); }
step() { printf '\n-- deploy: %s\n' "$*"; }

if [ ! -x .venv/bin/cfn-lint ] || [ ! -x .venv/bin/moto_server ] || [ ! -x .venv/bin/cargo-lambda ]; then
    step "installing the Python tools (tests/setup/python.sh)"
    bash tests/setup/python.sh || fail "tests/setup/python.sh"
fi

step "cfn-lint deploy/template.yaml"
if .venv/bin/cfn-lint --version && .venv/bin/cfn-lint -- deploy/template.yaml; then
    echo "cfn-lint: no errors, no warnings"
    pass
else
    fail "cfn-lint deploy/template.yaml"
fi

zips=()
if [ "${DEPLOY_PACKAGE:-0}" = 1 ]; then
    step "Lambda zips (deploy/package.sh)"
    if bash deploy/package.sh; then pass; zips=(--zips deploy/build); else fail "deploy/package.sh"; fi
else
    step "cargo lambda usable (set DEPLOY_PACKAGE=1 to build the zips: deploy/package.sh)"
    if PATH="$repo/.venv/bin:$PATH" cargo lambda build --help >/dev/null \
        && .venv/bin/python -c 'import ziglang' \
        && grep -q 'name = "handler"' handler/Cargo.toml && grep -q 'name = "redeliver"' handler/Cargo.toml; then
        echo "cargo-lambda $(.venv/bin/cargo-lambda lambda --version | awk '{print $2}'), zig from the venv, bins handler and redeliver present"
        pass
    else
        fail "cargo lambda / ziglang / handler bins"
    fi
fi


tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Stands in for the stack's FormEndpoint output.
export HELPSITE_FORM_ENDPOINT="https://abc123defg.execute-api.us-east-1.amazonaws.com/contact"

step "helpsite build with HELPSITE_FORM_ENDPOINT=$HELPSITE_FORM_ENDPOINT"
if cargo run -q --locked --bin helpsite -- build --out "$tmp/site"; then
    pass
    step "template and CSP tests (deploy/tests/run.py)"
    .venv/bin/python deploy/tests/run.py --site "$tmp/site" --endpoint "$HELPSITE_FORM_ENDPOINT" "${zips[@]}" \
        | tee "$tmp/run.out"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { fail "deploy/tests/run.py" 0; runpy_failed=1; }
else
    fail "helpsite build"
fi

# Totals: deploy/tests/run.py's tests plus the steps above (cfn-lint, build, zips).
tests_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/run.out" 2>/dev/null | tail -n1)
tests_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/run.out" 2>/dev/null | tail -n1)
if [ "${runpy_failed:-0}" = 1 ] && [ "${tests_failed:-0}" = 0 ]; then
    steps_failed=$((steps_failed + 1))   # run.py died before counting
fi
echo
echo "# pass ${steps_passed}"
echo "# fail ${steps_failed}"
if [ ${#failures[@]} -gt 0 ]; then
    echo "check.sh: ${#failures[@]} step(s) failed: ${failures[*]}" >&2
else
    echo "check.sh: all deployment checks passed"
fi
echo "deploy: $(( ${tests_passed:-0} + steps_passed )) passed, $(( ${tests_failed:-0} + steps_failed )) failed"
[ ${#failures[@]} -eq 0 ]
