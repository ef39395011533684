"""One sandbox for the whole test run: `acs-sandbox serve --port 0 --json` from the built package,
on a loopback address of its own so its second listener on 443 (which MSAL Python asks for the user realm)
is not shared with anything else on the machine. Clients trust its CA through REQUESTS_CA_BUNDLE, the
one setting requests, MSAL and azure-core read."""

import json
import os
import random
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "dist" / "harness" / "cli" / "index.js"

# The delegated ACS scopes the quickstart's app asks for.
ACS_SCOPES = [
    "https://auth.msft.communication.azure.com/Teams.ManageCalls",
    "https://auth.msft.communication.azure.com/Teams.ManageChats",
]


def private_loopback_address():
    """An address in 127.0.0.0/8 other than 127.0.0.1: all of it is loopback on Linux."""
    return "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 254), random.randint(1, 254))


def start_serve(*args, ca_dir):
    """Starts the CLI and returns (process, descriptor) once it printed its one JSON line."""
    if not CLI.exists():
        raise RuntimeError("%s is missing: run `npm run build` first" % CLI)
    env = dict(os.environ, ACS_SANDBOX_CA_DIR=ca_dir)
    process = subprocess.Popen(
        ["node", str(CLI), "serve", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise RuntimeError("serve exited with %s: %s" % (process.returncode, process.stderr.read()))
    return process, json.loads(line)


def stop_serve(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Sandbox:
    """The running sandbox as a test sees it: its descriptor and its admin API."""

    def __init__(self, descriptor):
        self.descriptor = descriptor
        self.base_url = descriptor["baseUrl"]

    def admin(self, method, path, body=None):
        response = requests.request(method, self.base_url + "/_sandbox/" + path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def tenant(self, name):
        return next(t for t in self.descriptor["tenants"] if t["name"] == name)

    def app(self, name):
        return next(a for a in self.descriptor["apps"] if a["name"] == name)

    def user(self, name):
        return next(u for u in self.descriptor["users"] if u["name"] == name)

    def acs(self, index=0):
        return self.descriptor["acs"][index]


@pytest.fixture(scope="session")
def trust():
    """REQUESTS_CA_BUNDLE for the test run: a bundle each sandbox adds its CA to, so the server's and the
    container's are trusted side by side (requests reads the file at each connection)."""
    with tempfile.TemporaryDirectory(prefix="acs-sandbox-trust-") as scratch:
        bundle = Path(scratch, "bundle.pem")
        bundle.write_text("")
        os.environ["REQUESTS_CA_BUNDLE"] = str(bundle)

        def add(pem):
            with bundle.open("a") as out:
                out.write(pem if pem.endswith("\n") else pem + "\n")

        yield add


@pytest.fixture(scope="session")
def sandbox(trust):
    with tempfile.TemporaryDirectory(prefix="acs-sandbox-ca-") as ca_dir:
        process, descriptor = start_serve("--port", "0", "--host", private_loopback_address(), ca_dir=ca_dir)
        try:
            port443 = descriptor.get("port443", {})
            assert port443.get("listening"), "serve could not listen on 443: %s" % port443
            trust(Path(descriptor["caCertPath"]).read_text())
            yield Sandbox(descriptor)
        finally:
            stop_serve(process)


@pytest.fixture
def fresh(sandbox):
    """The sandbox, set back to its starting world and clock after the test."""
    yield sandbox
    sandbox.admin("POST", "reset", {})


IMAGE = os.environ.get("ACS_SANDBOX_IMAGE", "acs-sandbox:local")


def docker(*args):
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="session")
def container(trust):
    """The image (`scripts/docker-build.sh`), its 443 published on a loopback address of its own (where
    MSAL Python asks for the user realm) and its 8443 on a free port of that address."""
    address = private_loopback_address()
    cid = docker(
        "run", "-d", "--rm",
        "-p", "%s:443:443" % address,
        "-p", "%s::8443" % address,
        "-e", "ACS_SANDBOX_HOSTNAMES=%s" % address,
        IMAGE,
    )
    try:
        port = docker("port", cid, "8443/tcp").splitlines()[0].rsplit(":", 1)[1]
        base_url = "https://%s:%s" % (address, port)
        # Health before trust: the CA is read from the container once it answers.
        for _ in range(120):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if requests.get(base_url + "/_sandbox/health", verify=False, timeout=2).ok:
                        break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        # The image has node and nothing else to read a file with.
        script = 'process.stdout.write(require("fs").readFileSync("/data/ca/ca.pem", "utf8"))'
        trust(docker("exec", cid, "node", "-e", script))
        yield Sandbox(requests.get(base_url + "/_sandbox/descriptor").json())
    finally:
        subprocess.run(["docker", "stop", cid], capture_output=True)
