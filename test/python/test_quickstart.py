"""The Teams access token quickstart in Python: a Fabrikam user signs in to Contoso's app with MSAL
Python (password and device code), and Contoso's server exchanges the Entra token for an ACS token with
azure-communication-identity, authenticated by the resource's connection string."""

import re
import threading
from datetime import datetime, timezone

import jwt
import msal
from azure.communication.identity import CommunicationIdentityClient

from browser import sign_in_on_device_page
from clients import public_client
from conftest import ACS_SCOPES


def expires_epoch(expires_on):
    """`AccessToken.expires_on` as epoch seconds. The exchange's comes back as the service's string
    (`2026-12-01T21:08:23.0000000+00:00`, seven fractional digits) rather than the int AccessToken
    documents; both client sets pass it through unchanged."""
    if isinstance(expires_on, int):
        return expires_on
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)", expires_on)
    assert match, expires_on
    zone = "+00:00" if match.group(2) == "Z" else match.group(2)
    return int(datetime.fromisoformat(match.group(1) + zone).astimezone(timezone.utc).timestamp())


def exchange(sandbox, aad_token, client_id, user_object_id):
    client = CommunicationIdentityClient.from_connection_string(sandbox.acs()["connectionString"])
    return client.get_token_for_teams_user(aad_token, client_id, user_object_id)


def test_password_sign_in_then_exchange(sandbox):
    alice = sandbox.user("alice")
    # #region ropc
    app = msal.PublicClientApplication(
        sandbox.app("contoso-teams")["clientId"],
        authority=sandbox.tenant("fabrikam")["authority"],  # https://127.x.y.z:PORT/<tenant id>
        instance_discovery=False,  # ask the sandbox, not the real login host, about its own host
    )
    result = app.acquire_token_by_username_password(alice["upn"], alice["password"], scopes=ACS_SCOPES)
    # #endregion ropc
    assert "access_token" in result, result
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    assert claims["oid"] == alice["objectId"]
    assert claims["tid"] == sandbox.tenant("fabrikam")["id"]
    assert claims["scp"] == "Teams.ManageCalls Teams.ManageChats"
    assert result["id_token_claims"]["preferred_username"] == alice["upn"]

    # #region exchange
    client = CommunicationIdentityClient.from_connection_string(sandbox.acs()["connectionString"])
    acs = client.get_token_for_teams_user(result["access_token"], claims["appid"], alice["objectId"])
    # #endregion exchange
    acs_claims = jwt.decode(acs.token, options={"verify_signature": False})
    assert acs_claims["skypeid"].startswith("orgid:")
    assert expires_epoch(acs.expires_on) == claims["exp"]


def test_device_code_sign_in_through_the_pages(sandbox):
    alice = sandbox.user("alice")
    app = public_client(sandbox)
    flow = app.initiate_device_flow(scopes=ACS_SCOPES)
    assert flow["verification_uri"].startswith(sandbox.base_url), flow
    results = {}
    poller = threading.Thread(target=lambda: results.update(app.acquire_token_by_device_flow(flow)))
    poller.start()
    heading = sign_in_on_device_page(flow["verification_uri"], flow["user_code"], alice["upn"], alice["password"])
    poller.join(timeout=60)
    assert "access_token" in results, (heading, results)
    claims = jwt.decode(results["access_token"], options={"verify_signature": False})
    assert claims["upn"] == alice["upn"]
    acs = exchange(sandbox, results["access_token"], claims["appid"], alice["objectId"])
    assert expires_epoch(acs.expires_on) == claims["exp"]
