#!/usr/bin/env bash
# Install the system tools Docket's quality-gate tests need on a fresh Debian
# machine (run as root):
#   - chromium              driven by Playwright in tests/browser (never `playwright install`)
#   - default-jre-headless  runs the Nu HTML Checker (vnu.jar) in tests/test_validity.py and tests/test_geo.py
#   - axe-core (npm)        injected into pages by tests/browser/test_a11y.py
#   - vnu-jar (npm)         the current Nu HTML Checker, node_modules/vnu-jar/build/dist/vnu.jar
# Both npm packages are pinned in package.json and package-lock.json; npm runs no install scripts
# (vnu-jar's would download a Java runtime: Debian's is used instead).
# The Python test dependencies come from requirements/test.txt (pyproject.toml's `test` extra).
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
# A node_modules that is a link (a git worktree sharing another checkout's) is replaced by a folder of
# its own, so `npm ci` never empties the other checkout's.
if [[ -L node_modules ]]; then
    rm node_modules
fi
npm ci --no-audit --no-fund --ignore-scripts

for file in node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar; do
    test -f "$repo/$file" || {
        echo "install-tools: $file is missing after npm ci" >&2
        exit 1
    }
done
version() { node -p "require('$repo/node_modules/$1/package.json').version" 2>/dev/null || echo ?; }
echo "install-tools: ok ($(/usr/bin/chromium --version 2>/dev/null || echo chromium ?); $(java -version 2>&1 | head -1);" \
     "axe-core $(version axe-core); vnu-jar $(version vnu-jar))"
