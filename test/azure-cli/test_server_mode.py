"""The Azure CLI against the sandbox in server mode (`serve --port 0`), where nothing resolves the real
hosts to it: through the sandbox as an HTTPS proxy (everything works, az unchanged), or with a custom
cloud registered in az's own config dir (sign-in and Azure Resource Manager work; Microsoft Graph does
not, since az asks for tokens to the Graph endpoint's own URL)."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import ACS_APP_ID, AZ, AzResult, python_suite


@pytest.fixture(scope="module")
def server():
    address = python_suite.private_loopback_address()
    with tempfile.TemporaryDirectory(prefix="acs-sandbox-azure-cli-server-") as scratch:
        process, descriptor = python_suite.start_serve("--port", "0", "--host", address, ca_dir=scratch)
        try:
            yield python_suite.Sandbox(descriptor), Path(scratch)
        finally:
            python_suite.stop_serve(process)


def az(config_dir, descriptor, *args, **extra_env):
    env = dict(
        os.environ,
        AZURE_CONFIG_DIR=str(config_dir),
        REQUESTS_CA_BUNDLE=descriptor["caCertPath"],
        AZURE_CORE_COLLECT_TELEMETRY="no",
        AZURE_CORE_NO_COLOR="1",
        AZURE_CORE_ONLY_SHOW_ERRORS="1",
        **extra_env,
    )
    run = subprocess.run([str(AZ), *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=180)
    return AzResult(run)


def test_through_the_sandbox_as_https_proxy_every_command_works_unchanged(server):
    sandbox, scratch = server
    carol = scratch / "azure-proxy"
    proxy = {"HTTPS_PROXY": sandbox.descriptor["proxy"]}  # the sandbox's own origin, e.g. https://localhost:8443
    login = az(carol, sandbox.descriptor, "login", "-u", "carol@contoso.onmicrosoft.com", "-p", "Passw0rd!",
               "--allow-no-subscriptions", **proxy)
    assert login.returncode == 0, login.stderr
    assert [a["name"] for a in login.json] == ["Contoso subscription"]
    sp = az(carol, sandbox.descriptor, "ad", "sp", "show", "--id", ACS_APP_ID, **proxy)
    assert sp.json["displayName"] == "Azure Communication Services"
    [resource] = az(carol, sandbox.descriptor, "resource", "list", "--resource-type",
                    "Microsoft.Communication/communicationServices", **proxy).json
    assert resource["id"] == sandbox.acs()["armId"]


def test_with_a_custom_cloud_sign_in_and_resource_manager_work_but_graph_does_not(server):
    sandbox, scratch = server
    carol = scratch / "azure-cloud"
    base = sandbox.base_url  # https://<host>:<port>
    # #region custom-cloud
    commands = [
        ["cloud", "register", "-n", "AcsSandbox", "--skip-endpoint-discovery",
         "--endpoint-active-directory", base,
         "--endpoint-resource-manager", base + "/",
         "--endpoint-active-directory-resource-id", "https://management.core.windows.net/",
         "--endpoint-active-directory-graph-resource-id", "https://graph.windows.net/",
         "--endpoint-microsoft-graph-resource-id", base + "/"],
        ["cloud", "set", "-n", "AcsSandbox"],
        # MSAL must not ask login.microsoftonline.com whether the sandbox is a known authority.
        ["config", "set", "core.instance_discovery=false"],
        ["login", "-u", "carol@contoso.onmicrosoft.com", "-p", "Passw0rd!", "--allow-no-subscriptions"],
    ]
    # #endregion custom-cloud
    for command in commands:
        run = az(carol, sandbox.descriptor, *command)
        assert run.returncode == 0, (command, run.stderr)
    account = az(carol, sandbox.descriptor, "account", "show").json
    assert account["environmentName"] == "AcsSandbox"
    assert account["user"]["name"] == "carol@contoso.onmicrosoft.com"
    keys = az(carol, sandbox.descriptor, "rest", "--method", "post", "--url",
              "%s%s/listKeys?api-version=2023-04-01" % (base, sandbox.acs()["armId"])).json
    # The key is the resource's; ARM's connection string names its real host, which only the proxy or
    # unmodified mode resolve to the sandbox.
    assert keys["primaryKey"] == sandbox.acs()["connectionString"].split("accesskey=", 1)[1]
    assert keys["primaryConnectionString"].startswith("endpoint=https://contoso-acs.communication.azure.com/;")
    # az uses the Graph endpoint as the token's resource too: Entra has no resource named after the sandbox.
    graph = az(carol, sandbox.descriptor, "ad", "sp", "show", "--id", ACS_APP_ID)
    assert graph.returncode == 1
    assert graph.stderr.startswith("ERROR: AADSTS500011: The resource principal named %s/ was not found" % base)
