#!/usr/bin/env bash
# The Python suite (test/python) with both client sets: the current ones from PyPI in .venv-python, then
# Debian's older ones with /usr/bin/python3. Needs dist/ (`npm run build`, which `npm test` runs first).
# Any pytest exit code but 0 fails the run, 5 (no tests collected) included.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/python-env.sh
status=0
echo "test-python: current clients (.venv-python)"
.venv-python/bin/python -m pytest test/python -q || status=$?
echo "test-python: Debian's clients (/usr/bin/python3)"
/usr/bin/python3 -m pytest test/python -q || { code=$?; [ "$status" -ne 0 ] || status=$code; }
exit "$status"
