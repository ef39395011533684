#!/usr/bin/env bash
# Readies what the container tests (test/container) need before `npm test`: a Docker engine and the
# acs-sandbox:local image. It never fails the run: when a step fails, those tests fail with the reason
# (they are never skipped), and every other test still runs.
set -uo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
if scripts/docker-up.sh && scripts/docker-build.sh; then
  echo "docker-prepare: Docker engine and acs-sandbox:local ready in $((SECONDS - started)) s"
else
  echo "docker-prepare: Docker steps failed after $((SECONDS - started)) s: the container tests will fail" >&2
fi
exit 0
