"""DefaultAzureCredential through managed identity, with only environment variables set (as the
descriptor's managedIdentityEnv lists them): the machine's system-assigned identity (contoso-vm, with
Contributor on contoso-acs in the default world) creates an ACS identity, by IMDS and by App Service."""

import jwt
import pytest
from azure.communication.identity import CommunicationIdentityClient
from azure.identity import DefaultAzureCredential

# Variables of other credentials in the chain that a developer's shell may hold.
OTHER_CREDENTIALS = [
    "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_POD_IDENTITY_AUTHORITY_HOST",
]


@pytest.mark.parametrize("source", ["imds", "appService"])
def test_default_azure_credential_uses_the_machines_identity(sandbox, monkeypatch, source):
    for name in OTHER_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    for line in sandbox.descriptor["managedIdentityEnv"][source]:
        name, value = line.split("=", 1)
        monkeypatch.setenv(name, value)
    machine = next(mi for mi in sandbox.descriptor["managedIdentities"] if mi["assigned"])

    # #region default-credential
    credential = DefaultAzureCredential()  # with AZURE_POD_IDENTITY_AUTHORITY_HOST, or IDENTITY_ENDPOINT + IDENTITY_HEADER
    # #endregion default-credential
    token = credential.get_token("https://communication.azure.com//.default")
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert claims["oid"] == machine["objectId"]
    assert claims["xms_mirid"] == machine["resourceId"]

    user = CommunicationIdentityClient(sandbox.acs()["endpoint"], credential).create_user()
    assert user.properties["id"].startswith("8:acs:")
