#!/usr/bin/env bash
# Installs what the Python tests (test/python) need, when it is missing:
#   - the current clients from PyPI, pinned in test/python/requirements.txt, in .venv-python;
#   - Debian's older clients (python3-msal 1.21, python3-azure with azure-communication-identity 1.3.2
#     and azure-identity 1.13.0b2, python3-pytest) for /usr/bin/python3.
# Run by scripts/test-python.sh (so by `npm test`) and by .ci/run; it does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(python3-venv python3-msal python3-azure python3-pytest python3-requests python3-jwt)
VENV=.venv-python

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "python-env: missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "python-env: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "python-env: creating $VENV"
  /usr/bin/python3 -m venv "$VENV"
fi
# Compares the pins with what is installed first, so a ready env costs no network.
if ! "$VENV/bin/python" - test/python/requirements.txt <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, pinned = line.split("==")
    try:
        if version(name) != pinned:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
then
  echo "python-env: installing test/python/requirements.txt into $VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r test/python/requirements.txt
fi
