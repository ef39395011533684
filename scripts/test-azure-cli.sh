#!/usr/bin/env bash
# The real Azure CLI against `serve --unmodified` (test/azure-cli): az from .venv-azure-cli, pytest and the
# Python clients from .venv-python. Needs dist/ (`npm run build`, which `npm test` runs first) and root for
# `unshare -m` (the tests bind a private /etc/hosts in a mount namespace of their own).
# Any pytest exit code but 0 fails the run, 5 (no tests collected) included.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/python-env.sh
bash scripts/azure-cli-env.sh
echo "test-azure-cli: az $(sed -n 's/^azure-cli==//p' test/azure-cli/requirements.txt) (.venv-azure-cli)"
.venv-python/bin/python -m pytest test/azure-cli -q
