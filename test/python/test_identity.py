"""azure-communication-identity against the sandbox: the connection string (HMAC), Entra ID (RBAC) with
azure-identity's ClientSecretCredential, and the errors as the SDK surfaces them (HttpResponseError's
status, code and message), for both client sets."""

from urllib.parse import urlparse

import jwt
import pytest
from azure.communication.identity import CommunicationIdentityClient, CommunicationTokenScope
from azure.core.exceptions import HttpResponseError
from azure.identity import ClientSecretCredential, UsernamePasswordCredential

from clients import no_instance_discovery, public_client
from conftest import ACS_SCOPES


def test_connection_string_creates_a_user_and_a_token(sandbox):
    client = CommunicationIdentityClient.from_connection_string(sandbox.acs()["connectionString"])
    user, token = client.create_user_and_token(scopes=[CommunicationTokenScope.CHAT])
    assert user.properties["id"].startswith("8:acs:")
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert claims["scp"] == 1792  # chat
    assert claims["skypeid"] == user.properties["id"][len("8:"):]


def test_client_secret_credential_is_authorised_by_its_role(sandbox):
    # #region client-secret
    credential = ClientSecretCredential(
        sandbox.tenant("contoso")["id"],
        sandbox.app("contoso-backend")["clientId"],
        "contoso-backend-secret",
        authority=sandbox.base_url,
        **no_instance_discovery(),
    )
    client = CommunicationIdentityClient(sandbox.acs()["endpoint"], credential)
    user = client.create_user()
    # #endregion client-secret
    token = client.get_token(user, scopes=[CommunicationTokenScope.VOIP])
    assert jwt.decode(token.token, options={"verify_signature": False})["skypeid"] == user.properties["id"][2:]


def rejection(call):
    with pytest.raises(HttpResponseError) as caught:
        call()
    return caught.value


def test_a_wrong_access_key_is_denied(sandbox):
    endpoint = sandbox.acs()["endpoint"]
    wrong = "endpoint=%s;accesskey=%s" % (endpoint, "A" * 43 + "=")
    error = rejection(CommunicationIdentityClient.from_connection_string(wrong).create_user)
    assert error.status_code == 401
    assert error.error.code == "Denied"
    assert error.error.message == "Denied by the resource provider."


def test_an_invalid_entra_token_is_refused_by_the_exchange(sandbox):
    alice = sandbox.user("alice")
    client = CommunicationIdentityClient.from_connection_string(sandbox.acs()["connectionString"])
    error = rejection(
        lambda: client.get_token_for_teams_user("not-a-token", sandbox.app("contoso-teams")["clientId"], alice["objectId"])
    )
    assert error.status_code == 401
    assert error.error.code == "InvalidAccessToken"
    assert error.error.message == "Provided access token is not valid."


def test_an_unlicensed_teams_user_is_refused(sandbox):
    bob = sandbox.user("bob")
    result = public_client(sandbox).acquire_token_by_username_password(bob["upn"], bob["password"], scopes=ACS_SCOPES)
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    client = CommunicationIdentityClient.from_connection_string(sandbox.acs()["connectionString"])
    error = rejection(lambda: client.get_token_for_teams_user(result["access_token"], claims["appid"], bob["objectId"]))
    assert error.status_code == 403
    assert error.error.code == "TeamsLicenseRequired"


def test_a_wrong_password_is_entras_invalid_grant(sandbox):
    alice = sandbox.user("alice")
    result = public_client(sandbox).acquire_token_by_username_password(alice["upn"], "wrong", scopes=ACS_SCOPES)
    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [50126]
    assert result["error_description"].startswith("AADSTS50126: Error validating credentials due to invalid username or password.")


def test_username_password_credential_asks_the_user_realm_on_443_and_signs_in(sandbox):
    alice = sandbox.user("alice")
    credential = UsernamePasswordCredential(
        sandbox.app("contoso-teams")["clientId"],
        alice["upn"],
        alice["password"],
        tenant_id=sandbox.tenant("fabrikam")["id"],
        authority=sandbox.base_url,
        **no_instance_discovery(),
    )
    token = credential.get_token(*ACS_SCOPES)
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert (claims["upn"], claims["scp"]) == (alice["upn"], "Teams.ManageCalls Teams.ManageChats")
    # The journal shows the realm request MSAL made to 443, port dropped, before the password grant.
    realm = [e for e in sandbox.admin("GET", "requests")["requests"] if "/userrealm/" in e["url"]]
    assert realm and realm[-1]["status"] == 200
    assert realm[-1]["host"] == urlparse(sandbox.base_url).hostname  # no port: 443
