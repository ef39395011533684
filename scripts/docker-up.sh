#!/usr/bin/env bash
# Makes a Docker engine available: installs Debian's docker.io when dockerd is missing, starts dockerd
# in the background when no engine answers, and waits until it does. Needs root for both steps; does
# nothing when an engine already answers (Docker Desktop, a system service, an earlier run).
#
#   scripts/docker-up.sh        log: ${DOCKERD_LOG:-/var/log/acs-sandbox-dockerd.log}
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null; then
  echo "docker-up: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

log="${DOCKERD_LOG:-/var/log/acs-sandbox-dockerd.log}"
# --ip=127.0.0.1: ports published without an address bind loopback only. That is all testcontainers
#   needs, keeps the sandbox off any other interface, and avoids Docker 20.10 giving the IPv4 and IPv6
#   bindings of one port different host ports (testcontainers could then reach the wrong container).
# The storage driver (overlay2), the bridge and iptables are left at their defaults: they work on this
# machine kind. setsid detaches dockerd from this script's process group, so it outlives the step.
echo "docker-up: starting dockerd (log: $log)"
setsid dockerd --ip=127.0.0.1 >"$log" 2>&1 < /dev/null &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker-up: dockerd is ready"
    exit 0
  fi
  sleep 1
done
echo "docker-up: dockerd did not answer within 60 s; the end of its log:" >&2
tail -n 30 "$log" >&2
exit 1
