"""Unmodified mode: `serve --unmodified` answers as login.microsoftonline.com and
<resource>.communication.azure.com on 443, and a production program that names only the real hosts works
when DNS and CA trust change. The program runs in a private mount namespace (`unshare -m`) whose
/etc/hosts is a temporary file bound over the machine's, which stays untouched."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jwt
import pytest

from conftest import private_loopback_address, start_serve, stop_serve

PROGRAM = Path(__file__).with_name("production_program.py")


@pytest.fixture(scope="module")
def unmodified():
    address = private_loopback_address()
    with tempfile.TemporaryDirectory(prefix="acs-sandbox-unmodified-") as scratch:
        process, descriptor = start_serve("--unmodified", "--host", address, ca_dir=scratch)
        try:
            yield address, descriptor, scratch
        finally:
            stop_serve(process)


def test_the_descriptor_names_the_real_hosts_without_a_port(unmodified):
    _, descriptor, _ = unmodified
    assert descriptor["baseUrl"] == "https://login.microsoftonline.com"
    acs = descriptor["acs"][0]
    assert acs["endpoint"] == "https://contoso-acs.communication.azure.com/"
    assert acs["connectionString"].startswith("endpoint=https://contoso-acs.communication.azure.com/;accesskey=")


def test_a_production_program_works_with_only_dns_and_ca_trust_changed(unmodified):
    address, descriptor, scratch = unmodified
    hosts = Path(scratch, "hosts")
    # The lines docs/unmodified.md gives for /etc/hosts.
    # #region hosts
    hosts.write_text(
        "127.0.0.1 localhost\n"
        "%s login.microsoftonline.com\n"
        "%s contoso-acs.communication.azure.com\n" % (address, address)
    )
    # #endregion hosts
    fabrikam = next(t for t in descriptor["tenants"] if t["name"] == "fabrikam")
    contoso = next(t for t in descriptor["tenants"] if t["name"] == "contoso")
    app = next(a for a in descriptor["apps"] if a["name"] == "contoso-teams")
    backend = next(a for a in descriptor["apps"] if a["name"] == "contoso-backend")
    alice = next(u for u in descriptor["users"] if u["name"] == "alice")
    access_key = descriptor["acs"][0]["connectionString"].split("accesskey=", 1)[1]
    program = [
        sys.executable, str(PROGRAM),
        fabrikam["id"], app["clientId"], alice["upn"], alice["password"],
        contoso["id"], backend["clientId"], "contoso-backend-secret", access_key,
    ]
    env = dict(os.environ, REQUESTS_CA_BUNDLE=descriptor["caCertPath"])
    # #region namespace
    script = 'mount --bind "$0" /etc/hosts && exec "$@"'
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, str(hosts), *program],
        env=env, capture_output=True, text=True, timeout=120,
    )
    # #endregion namespace
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["oid"] == alice["objectId"]
    assert jwt.decode(got["teamsToken"], options={"verify_signature": False})["skypeid"].startswith("orgid:")
    assert got["user"].startswith("8:acs:")
