#!/usr/bin/env bash
# Builds local stand-ins for the two registry images examples/team-sandbox/compose.yaml uses, for hosts
# that reach no container registry (CI): made, like scripts/docker-base-image.sh, from this machine's
# own Debian packages: their binaries, the shared libraries `ldd` lists, the data files they read, and
# dash as /bin/sh for the entrypoints.
#
#   scripts/compose-stand-in-images.sh
#   POSTGRES_IMAGE=acs-sandbox-standin/postgres:local HAPROXY_IMAGE=acs-sandbox-standin/haproxy:local \
#     docker compose -f examples/team-sandbox/compose.yaml up -d --wait
#
# acs-sandbox-standin/postgres:local   Debian's PostgreSQL (postgresql-15 on Debian 12), standing in for
#   postgres:16 with the part of its interface compose.yaml uses: POSTGRES_USER, POSTGRES_PASSWORD,
#   POSTGRES_DB (and POSTGRES_INITDB_ARGS), the cluster in PGDATA=/var/lib/postgresql/data made on the
#   first start, then `postgres` listening on 5432 with scram-sha-256 password auth for other hosts;
#   pg_isready, psql, pg_dump and pg_restore on PATH. It runs as postgres (uid 999, as the official
#   image's user) from the start: there is no gosu to step down from root, so a bind-mounted data dir
#   must be writable by uid 999 (a named volume starts as the image's directory, owned by it).
# acs-sandbox-standin/haproxy:local    Debian's HAProxy (2.6 on Debian 12), standing in for haproxy:2.8:
#   the official image's entrypoint and command, `haproxy -W -db -f /usr/local/etc/haproxy/haproxy.cfg`
#   in the foreground, as user haproxy (uid 99), stopped with SIGUSR1 (graceful).
#
# Each image is rebuilt only when this script or the program it packages changes (a label records the
# recipe). The major versions differ from the images they stand in for: a PostgreSQL data volume made
# by one cannot be opened by the other.
set -euo pipefail

POSTGRES_TAG=acs-sandbox-standin/postgres:local
HAPROXY_TAG=acs-sandbox-standin/haproxy:local
LABEL=org.acs-sandbox.standin-recipe
script="$(readlink -f "$0")"

rootfs=""
context=""
cleanup() { rm -rf "${rootfs:-/nonexistent}" "${context:-/nonexistent}"; }
trap cleanup EXIT

# A file copied to the same path in the rootfs, symbolic links resolved.
copy_to_rootfs() {
  mkdir -p "$rootfs$(dirname "$1")"
  cp -L "$1" "$rootfs$1"
}

# The shared libraries executables or libraries need, as ldd lists them (the loader included). Only
# ldd's indented lines: given several files, it heads each list with the file's own path.
copy_libraries_of() {
  local lib
  while read -r lib; do
    [[ -e "$rootfs$lib" ]] || copy_to_rootfs "$lib"
  done < <(ldd "$@" 2>/dev/null | grep -E '^[[:space:]]' | grep -oE '/[^ ]+' | sort -u)
}

# The recipe an image was built from: this script and the program it packages.
recipe_of() {
  cat "$script" "$@" | sha256sum | cut -c1-64
}

up_to_date() {
  [[ "$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null)" == "$2" ]]
}

# A new, empty rootfs with dash as /bin/sh, /etc/passwd and /etc/group naming root and `$1` ($2 its id),
# and a world-writable /tmp.
new_rootfs() {
  rootfs="$(mktemp -d)"
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
  cp -L "$(command -v dash)" "$rootfs/bin/sh"
  copy_libraries_of "$rootfs/bin/sh"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:%s:%s:%s:%s:/bin/sh\n' "$1" "$2" "$2" "$1" "$3" > "$rootfs/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$1" "$2" > "$rootfs/etc/group"
}

# Builds `tag` FROM scratch out of the rootfs and the Dockerfile instructions given after the first five
# arguments (docker import cannot set STOPSIGNAL): every file owned by root except the paths in `owned`
# (space-separated), owned by uid and gid `owner`.
build_from_rootfs() {
  local tag="$1" owner="$2" owned="$3" description="$4" recipe="$5"
  shift 5
  local previous path output
  local excludes=() paths=()
  for path in $owned; do
    excludes+=("--exclude=.$path")
    paths+=(".$path")
  done
  context="$(mktemp -d)"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 "${excludes[@]}" -cf "$context/rootfs.tar" .
  tar -C "$rootfs" --numeric-owner --owner="$owner" --group="$owner" -rf "$context/rootfs.tar" "${paths[@]}"
  {
    echo "FROM scratch"
    echo "ADD rootfs.tar /"
    printf '%s\n' "$@"
    echo "LABEL org.opencontainers.image.description=\"$description\" $LABEL=$recipe"
  } > "$context/Dockerfile"
  previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  # No RUN: any builder will do, the legacy one included (its deprecation notice is dropped).
  if ! output="$(docker build --quiet -t "$tag" "$context" 2>&1)"; then
    echo "$output" >&2
    return 1
  fi
  rm -rf "$context"
  context=""
  # The image this one replaces is left without a name: remove it unless a container still uses it.
  if [[ -n "$previous" && "$previous" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
  fi
  echo "built $tag ($description, $(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec))"
  rm -rf "$rootfs"
  rootfs=""
}

build_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -z "$bin" || ! -x "$bin/postgres" ]]; then
    echo "compose-stand-in-images: PostgreSQL is missing: apt-get install -y postgresql" >&2
    return 1
  fi
  local version major recipe
  version="$("$bin/postgres" --version | awk '{print $3}')"
  major="$(basename "$(dirname "$bin")")"
  recipe="$(recipe_of "$bin/postgres")"
  if up_to_date "$POSTGRES_TAG" "$recipe"; then
    echo "$POSTGRES_TAG is up to date (PostgreSQL $version)"
    return 0
  fi
  new_rootfs postgres 999 /var/lib/postgresql
  # The server, initdb, and the clients a user reaches for (`docker compose exec postgres psql`).
  local programs=(postgres initdb pg_ctl pg_isready psql pg_dump pg_restore)
  for program in "${programs[@]}"; do copy_to_rootfs "$bin/$program"; done
  # The share dir (initdb's catalog, timezone sets, sample configurations) and the lib dir (plpgsql,
  # the encoding conversions, the snowball dictionaries initdb loads), both where the binaries look for
  # them, relative to their own path. Left out: LLVM's JIT (its library pulls in libLLVM's 100 MB; the
  # server runs without JIT when it cannot load it) and pgxs (extension builds).
  local lib share
  lib="$(dirname "$bin")/lib"
  share="$("$bin/pg_config" --sharedir 2>/dev/null || echo "/usr/share/postgresql/$major")"
  mkdir -p "$rootfs$lib" "$rootfs$(dirname "$share")"
  (cd "$lib" && find . -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp -L {} "$rootfs$lib/" \;)
  cp -RL "$share" "$rootfs$share"
  # Timezone names (TimeZone, AT TIME ZONE): Debian's PostgreSQL reads the system's tzdata.
  cp -R /usr/share/zoneinfo "$rootfs/usr/share/zoneinfo"
  copy_libraries_of "${programs[@]/#/$rootfs$bin/}" "$rootfs$lib"/*.so

  mkdir -p "$rootfs/usr/local/bin" "$rootfs/var/lib/postgresql/data" "$rootfs/var/run/postgresql"
  chmod 0700 "$rootfs/var/lib/postgresql/data"
  chmod 3777 "$rootfs/var/run/postgresql"
  write_postgres_entrypoint > "$rootfs/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"

  build_from_rootfs "$POSTGRES_TAG" 999 "/var/lib/postgresql /var/run/postgresql" \
    "PostgreSQL $version from the build host, standing in for postgres:16" "$recipe" \
    "ENV PATH=$bin:/usr/local/bin:/usr/bin:/bin" \
    'ENV PGDATA=/var/lib/postgresql/data' \
    'USER 999:999' \
    'VOLUME /var/lib/postgresql/data' \
    'EXPOSE 5432' \
    'STOPSIGNAL SIGINT' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' \
    'CMD ["postgres"]'
}

# The entrypoint: initdb on the first start (empty PGDATA), then the server in the foreground. Written
# for dash alone (the image has no coreutils): builtins and PostgreSQL's own programs only.
write_postgres_entrypoint() {
  cat <<'ENTRYPOINT'
#!/bin/sh
# acs-sandbox-standin/postgres: the official postgres image's start-up, for the variables compose uses.
set -eu

if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2
    echo "       Set POSTGRES_PASSWORD to a non-empty value for the superuser." >&2
    exit 1
  fi
  case "$db" in *'"'*)
    echo "Error: POSTGRES_DB must not contain a double quote." >&2
    exit 1 ;;
  esac
  echo "initdb: a new cluster in $PGDATA, superuser $user, database $db"
  # The password is read from a pipe, never a file or the command line. initdb's "locale: not found" and
  # "no usable system locales" are expected: the image has no locales but C, which the cluster uses.
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image
  printf '%s\n' "$POSTGRES_PASSWORD" | initdb --username="$user" --pwfile=/dev/stdin \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C \
    ${POSTGRES_INITDB_ARGS:-} >/dev/null
  # Every host may connect with a password (the official image's default, POSTGRES_HOST_AUTH_METHOD).
  printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode: no server, no socket, nothing listening before the cluster is ready.
    # exit_on_error: an error ends the session with a non-zero status, which stops this script.
    printf 'CREATE DATABASE "%s";\n' "$db" | postgres --single -c exit_on_error=on -D "$PGDATA" postgres >/dev/null
  fi
  echo "initdb: done"
fi

exec "$@"
ENTRYPOINT
}

build_haproxy() {
  local haproxy
  haproxy="$(command -v haproxy || true)"
  [[ -z "$haproxy" && -x /usr/sbin/haproxy ]] && haproxy=/usr/sbin/haproxy
  if [[ -z "$haproxy" ]]; then
    echo "compose-stand-in-images: HAProxy is missing: apt-get install -y haproxy" >&2
    return 1
  fi
  haproxy="$(readlink -f "$haproxy")"
  local version recipe
  version="$("$haproxy" -v | awk 'NR == 1 {print $3}')"
  recipe="$(recipe_of "$haproxy")"
  if up_to_date "$HAPROXY_TAG" "$recipe"; then
    echo "$HAPROXY_TAG is up to date (HAProxy $version)"
    return 0
  fi
  new_rootfs haproxy 99 /var/lib/haproxy
  mkdir -p "$rootfs/usr/local/sbin" "$rootfs/usr/local/bin" "$rootfs/usr/local/etc/haproxy" \
    "$rootfs/var/lib/haproxy"
  cp "$haproxy" "$rootfs/usr/local/sbin/haproxy"
  copy_libraries_of "$haproxy"
  # The official image's entrypoint: a command starting with an option runs haproxy with it, and
  # haproxy itself runs in master-worker mode (-W, reloads on SIGUSR2) in the foreground (-db).
  cat > "$rootfs/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
if [ "${1#-}" != "$1" ]; then
  set -- haproxy "$@"
fi
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
ENTRYPOINT
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"

  build_from_rootfs "$HAPROXY_TAG" 99 /var/lib/haproxy \
    "HAProxy $version from the build host, standing in for haproxy:2.8" "$recipe" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER haproxy' \
    'WORKDIR /var/lib/haproxy' \
    'STOPSIGNAL SIGUSR1' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' \
    'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
}

build_postgres
build_haproxy
