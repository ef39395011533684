#!/usr/bin/env bash
# Builds the sandbox image from this checkout with no network access inside the build (APP=host in the
# Dockerfile): the package as `npm pack` makes it, with its production node_modules installed on the
# host from package-lock.json, is staged in node_modules/.cache/acs-sandbox-image/ and copied in.
#
#   scripts/docker-build.sh [TAG]         default tag: acs-sandbox:local
#   BASE_IMAGE=node:20-slim scripts/docker-build.sh
#                                         default base: acs-sandbox-base:local, made from the host's node
#                                         by scripts/docker-base-image.sh, so no registry is needed
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:-acs-sandbox:local}"
base="${BASE_IMAGE:-}"
if [[ -z "$base" ]]; then
  base=acs-sandbox-base:local
  scripts/docker-base-image.sh "$base"
fi

stage=node_modules/.cache/acs-sandbox-image
rm -rf "$stage"
mkdir -p "$stage/opt/acs-sandbox" "$stage/data"
npm run --silent build
tarball="$(npm pack --ignore-scripts --silent --pack-destination "$stage")"
# -m: files get the time of extraction, not npm pack's fixed 1985 date. BuildKit sends the context
# incrementally by size and mtime, so a rebuilt file of the same size (a bundle whose chunk names
# changed) would otherwise reach the image as its stale copy.
tar -xzmf "$stage/$tarball" -C "$stage/opt/acs-sandbox" --strip-components=1
rm "$stage/$tarball"
cp package-lock.json "$stage/opt/acs-sandbox/"
# --omit=optional drops optional peers the sandbox never loads (msw's TypeScript: a quarter of the size).
(cd "$stage/opt/acs-sandbox" &&
  npm ci --omit=dev --omit=optional --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
# better-sqlite3 is native: the install scripts were skipped above, so its addon built for this host's
# node (the base image's node, see docker-base-image.sh) is copied in.
mkdir -p "$stage/opt/acs-sandbox/node_modules/better-sqlite3/build/Release"
cp node_modules/better-sqlite3/build/Release/better_sqlite3.node \
  "$stage/opt/acs-sandbox/node_modules/better-sqlite3/build/Release/"

# The Dockerfile picks its app stage with a build argument; only BuildKit then skips the other stage
# (the classic builder would run `npm ci` inside the build). Docker CLIs before 23 have BuildKit built
# in; later ones need the buildx plugin.
builder=()
if docker buildx version >/dev/null 2>&1; then
  builder=(docker buildx build --load)
else
  for cli in docker /usr/bin/docker; do
    version="$("$cli" version --format '{{.Client.Version}}' 2>/dev/null || true)"
    if [[ -n "$version" && "${version%%.*}" -lt 23 ]]; then
      builder=(env DOCKER_BUILDKIT=1 "$cli" build)
      break
    fi
  done
fi
if [[ ${#builder[@]} -eq 0 ]]; then
  echo "docker-build: BuildKit is needed: install the docker buildx plugin" >&2
  exit 1
fi

previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
"${builder[@]}" --quiet --build-arg "BASE_IMAGE=$base" --build-arg APP=host -t "$tag" . >/dev/null
if [[ -n "$previous" && "$previous" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then
  # The image this one replaces is left without a name: remove it unless a container still uses it.
  docker image rm "$previous" >/dev/null 2>&1 || true
fi
echo "built $tag on $base ($(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec))"
