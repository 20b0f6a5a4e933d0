#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml's ranges (run after adding or bumping a dependency,
# and commit the result with the change): newest versions allowed, every file's sha256 recorded.
#   pip install pip-tools && bash requirements/refresh.sh
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps --no-emit-index-url
        --no-emit-find-links --upgrade)
pip-compile "${common[@]}" --output-file requirements/run.txt pyproject.toml
pip-compile "${common[@]}" --extra test --output-file requirements/test.txt pyproject.toml
