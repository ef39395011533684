"""The real Azure CLI (2.91.0, in .venv-azure-cli: `bash scripts/azure-cli-env.sh`) against one
`serve --unmodified` for the module, as a user runs it: az names only the real hosts
(login.microsoftonline.com, graph.microsoft.com, management.azure.com), and runs in a private mount
namespace (`unshare -m`) whose /etc/hosts is a temporary file mapping them to the sandbox's private
loopback address; it trusts the sandbox CA through REQUESTS_CA_BUNDLE. Each signed-in person has an
AZURE_CONFIG_DIR of their own, so the machine's real Azure login is never read or touched."""

import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AZ = REPO / ".venv-azure-cli" / "bin" / "az"
CLIENTS = Path(__file__).with_name("clients_program.py")

# The Python suite's helpers (start_serve, private_loopback_address, Sandbox), loaded under a name of
# their own: both directories have a conftest.py.
_spec = importlib.util.spec_from_file_location("python_suite_conftest", REPO / "test" / "python" / "conftest.py")
python_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(python_suite)

ACS_APP_ID = "1fd5118e-2576-4263-8130-9503064c837a"
ACS_SCOPES = python_suite.ACS_SCOPES


class AzResult:
    """What az printed and its exit code; `json` is stdout parsed (None when az printed nothing)."""

    def __init__(self, run):
        self.returncode = run.returncode
        self.stdout = run.stdout
        self.stderr = run.stderr
        self.json = json.loads(run.stdout) if run.stdout.strip() else None


class Unmodified(python_suite.Sandbox):
    """The running sandbox, a namespace that resolves the real hosts to it, and a config dir per person."""

    def __init__(self, descriptor, address, scratch):
        super().__init__(descriptor)
        self.address = address
        self.scratch = Path(scratch)
        self.hosts = self.scratch / "hosts"
        # `az` on PATH too, for AzureCliCredential, which runs `az account get-access-token`.
        self.bin = self.scratch / "bin"
        self.bin.mkdir()
        (self.bin / "az").symlink_to(AZ)

    def namespaced(self, argv):
        """argv run where /etc/hosts is our file: a private mount namespace, the machine's file untouched."""
        # #region namespace
        script = 'mount --bind "$0" /etc/hosts && exec "$@"'
        return ["unshare", "-m", "sh", "-c", script, str(self.hosts), *argv]
        # #endregion namespace

    def env(self, config_dir, **extra):
        # #region az-environment
        env = dict(
            os.environ,
            AZURE_CONFIG_DIR=str(config_dir),  # this person's az login, not the machine's
            REQUESTS_CA_BUNDLE=self.descriptor["caCertPath"],  # trust the sandbox CA
            AZURE_CORE_COLLECT_TELEMETRY="no",
            AZURE_CORE_NO_COLOR="1",
            AZURE_CORE_ONLY_SHOW_ERRORS="1",
        )
        # #endregion az-environment
        env["PATH"] = "%s:%s" % (self.bin, env.get("PATH", ""))
        env.update(extra)
        return env

    def person(self, name):
        """A config dir for one person's `az login`."""
        config_dir = self.scratch / ("azure-" + name)
        config_dir.mkdir(exist_ok=True)
        return config_dir

    def az(self, config_dir, command, *, check=True, env=None):
        """Runs `az COMMAND --output json` as the person whose config dir is given."""
        argv = [str(AZ), *shlex.split(command), "--output", "json"]
        run = subprocess.run(
            self.namespaced(argv),
            env=self.env(config_dir, **(env or {})),
            capture_output=True,
            text=True,
            timeout=180,
        )
        result = AzResult(run) if run.returncode == 0 or not check else None
        if result is None:
            raise AssertionError("az %s exited %d: %s" % (command, run.returncode, run.stderr))
        return result

    def client(self, config_dir, *args):
        """One call of the real Python clients (clients_program.py), in the same namespace."""
        run = subprocess.run(
            self.namespaced([sys.executable, str(CLIENTS), *args]),
            env=self.env(config_dir),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout.strip().splitlines()[-1])

    def sign_in(self, tenant, app_id, user, scopes=ACS_SCOPES):
        """MSAL Python's password sign-in at https://login.microsoftonline.com/<tenant>."""
        u = self.user(user)
        return self.client(self.scratch, "sign-in", self.tenant(tenant)["id"], app_id, u["upn"], u["password"], *scopes)


def certificate(directory):
    """A self-signed certificate and its key (for `az login --service-principal --certificate`)."""
    key, cert = Path(directory, "key.pem"), Path(directory, "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-subj", "/CN=contoso-backend", "-days", "2"],
        check=True, capture_output=True,
    )
    both = Path(directory, "contoso-backend.pem")
    both.write_text(key.read_text() + cert.read_text())
    return cert.read_text(), both


@pytest.fixture(scope="module")
def sandbox():
    if not os.access(AZ, os.X_OK):
        raise RuntimeError("%s is missing: run `bash scripts/azure-cli-env.sh` first" % AZ)
    address = python_suite.private_loopback_address()
    with tempfile.TemporaryDirectory(prefix="acs-sandbox-azure-cli-") as scratch:
        cert_pem, cert_file = certificate(scratch)
        # The default world, but Fabrikam's admin has not done quickstart steps 7 and 8 yet (no ACS
        # service principal, no consent), and Contoso's back end has a certificate credential too.
        world = Path(scratch, "world.json")
        world.write_text(json.dumps({
            "tenants": {"fabrikam": {"servicePrincipals": ["graph", "contoso-teams", "contoso-phone", "arm"], "grants": []}},
            "apps": {"contoso-backend": {"certificates": [cert_pem]}},
        }))
        ca_dir = Path(scratch, "ca")
        ca_dir.mkdir()
        process, descriptor = python_suite.start_serve(
            "--unmodified", "--host", address, "--world", str(world), ca_dir=str(ca_dir)
        )
        try:
            running = Unmodified(descriptor, address, scratch)
            running.certificate_file = cert_file
            acs_hosts = [a["endpoint"].split("/")[2] for a in descriptor["acs"]]
            # #region hosts
            running.hosts.write_text(
                "127.0.0.1 localhost\n"
                + "".join(
                    "%s %s\n" % (address, host)
                    for host in ["login.microsoftonline.com", "graph.microsoft.com", "management.azure.com", *acs_hosts]
                )
            )
            # #endregion hosts
            yield running
        finally:
            python_suite.stop_serve(process)
