"""The quickstart against the container image, as a Python suite in CI would use it: the descriptor
(read from the container, so every URL carries the published port), port 443 inside the container for
MSAL Python's user realm request, and the exchange with the connection string."""

import jwt
import msal
from azure.communication.identity import CommunicationIdentityClient

from conftest import ACS_SCOPES


def test_the_descriptor_carries_the_published_port_and_443_answers(container):
    assert container.base_url.rsplit(":", 1)[1] != "8443"
    assert container.acs()["connectionString"].startswith("endpoint=%s/;" % container.base_url)
    assert container.descriptor["port443"]["listening"] is True


def test_password_sign_in_then_exchange_against_the_container(container):
    alice = container.user("alice")
    app = msal.PublicClientApplication(
        container.app("contoso-teams")["clientId"],
        authority=container.tenant("fabrikam")["authority"],
        instance_discovery=False,
    )
    result = app.acquire_token_by_username_password(alice["upn"], alice["password"], scopes=ACS_SCOPES)
    assert "access_token" in result, result
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    client = CommunicationIdentityClient.from_connection_string(container.acs()["connectionString"])
    token = client.get_token_for_teams_user(result["access_token"], claims["appid"], alice["objectId"])
    assert jwt.decode(token.token, options={"verify_signature": False})["skypeid"].startswith("orgid:")
