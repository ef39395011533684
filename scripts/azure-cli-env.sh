#!/usr/bin/env bash
# Installs the Azure CLI that test/azure-cli drives, pinned in test/azure-cli/requirements.txt, into
# .venv-azure-cli, when it is missing or another version. Run by scripts/test-azure-cli.sh (so by
# `npm test`) and by .ci/run; a ready env costs no network.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-azure-cli
pinned=$(sed -n 's/^azure-cli==//p' test/azure-cli/requirements.txt)
if [ ! -x "$VENV/bin/python" ]; then
  echo "azure-cli-env: creating $VENV"
  /usr/bin/python3 -m venv "$VENV"
fi
installed=$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("azure-cli"))' 2>/dev/null || true)
if [ "$installed" != "$pinned" ]; then
  echo "azure-cli-env: installing azure-cli $pinned into $VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r test/azure-cli/requirements.txt
fi
