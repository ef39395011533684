"""A production program, unchanged: the real Entra authority and the real ACS endpoint, no sandbox
settings. Run by test_unmodified.py where only DNS (a private /etc/hosts) and CA trust
(REQUESTS_CA_BUNDLE) point elsewhere. Prints what it got as one JSON line."""

import json
import sys

import msal
from azure.communication.identity import CommunicationIdentityClient
from azure.identity import ClientSecretCredential

tenant_id, client_id, upn, password, backend_tenant, backend_id, backend_secret, access_key = sys.argv[1:9]
ENDPOINT = "https://contoso-acs.communication.azure.com"
SCOPES = [
    "https://auth.msft.communication.azure.com/Teams.ManageCalls",
    "https://auth.msft.communication.azure.com/Teams.ManageChats",
]

# #region production-program
app = msal.PublicClientApplication(client_id, authority="https://login.microsoftonline.com/" + tenant_id)
result = app.acquire_token_by_username_password(upn, password, scopes=SCOPES)
oid = result["id_token_claims"]["oid"]

identity = CommunicationIdentityClient.from_connection_string(
    "endpoint=%s/;accesskey=%s" % (ENDPOINT, access_key)
)
teams_token = identity.get_token_for_teams_user(result["access_token"], client_id, oid)

credential = ClientSecretCredential(backend_tenant, backend_id, backend_secret)
user = CommunicationIdentityClient(ENDPOINT, credential).create_user()
# #endregion production-program

print(json.dumps({"oid": oid, "teamsToken": teams_token.token, "user": user.properties["id"]}))
