#!/usr/bin/env bash
# The Java smoke test (test/java): starts `serve --port 0` on a loopback address of its own, makes a
# PKCS12 trust store of the sandbox CA, and runs the Maven build's tests against the descriptor.
# Needs dist/ (`npm run build`), a JDK 17 and Maven; dependencies come from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mvn >/dev/null || ! command -v keytool >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-java: Maven and a JDK are needed (sudo apt-get install maven default-jdk-headless)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq maven default-jdk-headless >/dev/null
fi

scratch="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

address="127.$((RANDOM % 254 + 1)).$((RANDOM % 255)).$((RANDOM % 254 + 1))"
ACS_SANDBOX_CA_DIR="$scratch/ca" node dist/harness/cli/index.js serve --port 0 --host "$address" --json \
  >"$scratch/descriptor.json" 2>"$scratch/serve.log" &
server=$!
for _ in $(seq 1 100); do
  [ -s "$scratch/descriptor.json" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$scratch/serve.log" >&2; exit 1; }
  sleep 0.2
done
[ -s "$scratch/descriptor.json" ] || { echo "test-java: serve printed no descriptor" >&2; exit 1; }
keytool -importcert -noprompt -alias acs-sandbox -file "$scratch/ca/ca.pem" \
  -keystore "$scratch/truststore.p12" -storetype PKCS12 -storepass changeit >/dev/null

mvn -B --no-transfer-progress -f test/java/pom.xml test \
  -Dsandbox.descriptor="$scratch/descriptor.json" -Dsandbox.truststore="$scratch/truststore.p12"
echo "test-java: passed"
