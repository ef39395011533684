"""The real clients, as an app would call them after each admin step: MSAL Python's password sign-in and
the Communication Services Identity SDK. It names only the real hosts; test_admin_steps.py runs it in
the same private mount namespace as az, so DNS and CA trust alone point it at the sandbox. Prints what
it got as one JSON line.

    sign-in TENANT CLIENT_ID UPN PASSWORD SCOPE...   MSAL ROPC: the id token's claims, or the error
    exchange CONNECTION_STRING TOKEN CLIENT_ID OID    get_token_for_teams_user with the access key
    create-user CONNECTION_STRING                     create_user with the access key
    create-user-as-az-user ENDPOINT                   create_user with AzureCliCredential (whoever `az login`ed)
    device-page URL CODE UPN PASSWORD                 a person entering the code at the device login page
"""

import json
import sys
from pathlib import Path

import msal
from azure.communication.identity import CommunicationIdentityClient
from azure.core.exceptions import HttpResponseError
from azure.identity import AzureCliCredential

# The person at a browser the Python suite drives the sign-in pages with.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from browser import sign_in_on_device_page  # noqa: E402


def sign_in(tenant, client_id, upn, password, *scopes):
    app = msal.PublicClientApplication(client_id, authority="https://login.microsoftonline.com/" + tenant)
    result = app.acquire_token_by_username_password(upn, password, scopes=list(scopes))
    if "access_token" not in result:
        return {k: result.get(k) for k in ("error", "error_description", "error_codes")}
    return {"claims": result["id_token_claims"], "access_token": result["access_token"]}


def exchange(connection_string, token, client_id, oid):
    identity = CommunicationIdentityClient.from_connection_string(connection_string)
    teams_token = identity.get_token_for_teams_user(token, client_id, oid)
    return {"token": teams_token.token}


def create_user(connection_string):
    user = CommunicationIdentityClient.from_connection_string(connection_string).create_user()
    return {"user": user.properties["id"]}


def create_user_as_az_user(endpoint):
    client = CommunicationIdentityClient(endpoint, AzureCliCredential())
    try:
        return {"user": client.create_user().properties["id"]}
    except HttpResponseError as err:
        return {"status": err.status_code, "message": err.message}


def device_page(url, code, upn, password):
    return {"heading": sign_in_on_device_page(url, code, upn, password)}


COMMANDS = {
    "sign-in": sign_in,
    "exchange": exchange,
    "create-user": create_user,
    "create-user-as-az-user": create_user_as_az_user,
    "device-page": device_page,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
