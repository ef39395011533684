#!/usr/bin/env bash
# Installs Debian's Chromium when /usr/bin/chromium is missing: the inspector's browser tests
# (test/inspector) drive it with playwright-core. It never fails the run: without Chromium those tests
# fail with the reason (they are never skipped), and every other test still runs.
set -uo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
started=$SECONDS
sudo_cmd=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo_cmd="sudo"; fi
if $sudo_cmd apt-get install -y chromium >/dev/null 2>&1 ||
  { $sudo_cmd apt-get update >/dev/null 2>&1 && $sudo_cmd apt-get install -y chromium >/dev/null 2>&1; }; then
  echo "chromium-up: installed $(/usr/bin/chromium --version 2>/dev/null) in $((SECONDS - started)) s"
else
  echo "chromium-up: could not install chromium (apt-get install -y chromium): the inspector tests will fail" >&2
fi
exit 0
