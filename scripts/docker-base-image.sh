#!/usr/bin/env bash
# Builds a local base image from this machine's own Node.js, for hosts that reach no container registry.
#
# The image holds the `node` binary (symbol table stripped), the shared libraries `ldd` lists for it,
# an /etc/passwd naming root and the sandbox's user, and a world-writable /tmp: enough to run the
# sandbox, which needs no shell (the Dockerfile's RUN, HEALTHCHECK and ENTRYPOINT use exec form).
#
#   scripts/docker-base-image.sh [TAG]      default tag: acs-sandbox-base:local
#   docker build --build-arg BASE_IMAGE=acs-sandbox-base:local ...
set -euo pipefail

tag="${1:-acs-sandbox-base:local}"
node_bin="$(readlink -f "$(command -v node)")"
# The image is rebuilt only when the node binary or this script changes.
recipe="$(cat "$node_bin" "$0" | sha256sum | cut -c1-64)"
label=org.acs-sandbox.base-recipe
if [[ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$tag" 2>/dev/null)" == "$recipe" ]]; then
  echo "$tag is up to date (node $("$node_bin" --version))"
  exit 0
fi
previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT

# A library path as ldd prints it (`libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` or the loader
# alone), copied to the same path with symbolic links resolved, so the loader finds it where node expects.
copy_to_rootfs() {
  mkdir -p "$rootfs$(dirname "$1")"
  cp -L "$1" "$rootfs$1"
}

mkdir -p "$rootfs/usr/local/bin"
# Without its symbol table node is 10 % smaller; the dynamic symbols native addons link against stay.
if command -v strip >/dev/null; then
  strip --strip-all -o "$rootfs/usr/local/bin/node" "$node_bin"
else
  cp "$node_bin" "$rootfs/usr/local/bin/node"
fi
while read -r lib; do
  copy_to_rootfs "$lib"
done < <(ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u)

mkdir -p "$rootfs/etc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nacs:x:10001:10001:acs-sandbox:/data:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nacs:x:10001:\n' > "$rootfs/etc/group"

node_version="$("$node_bin" --version)"
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "LABEL org.opencontainers.image.description=\"node ${node_version} from the build host\" $label=$recipe" \
  - "$tag" >/dev/null
# The image this one replaces is left without a name: remove it unless a container still uses it.
[[ -n "$previous" ]] && docker image rm "$previous" >/dev/null 2>&1 || true
echo "built $tag (node $node_version, $(du -sh "$rootfs" | cut -f1))"
