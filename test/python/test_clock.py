"""Moving the sandbox clock with a client that checks token times with its own clock: MSAL Python refuses
an id_token whose `nbf` is in its future. Tokens issued after an advance are dated from the real time and
expire on sandbox time, so they are valid in both views, and expiry is still testable."""

import time
from datetime import datetime

import jwt
from azure.communication.identity import CommunicationIdentityClient
from azure.core.exceptions import HttpResponseError

from clients import public_client
from conftest import ACS_SCOPES


def sandbox_now(sandbox):
    now = sandbox.admin("GET", "clock")["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()


def test_msal_python_signs_in_after_the_clock_moves_two_hours(fresh):
    alice = fresh.user("alice")
    fresh.admin("POST", "clock", {"advance": "2h"})
    result = public_client(fresh).acquire_token_by_username_password(alice["upn"], alice["password"], scopes=ACS_SCOPES)
    assert "access_token" in result, result
    real_now, ahead = time.time(), sandbox_now(fresh)
    for token in (result["id_token"], result["access_token"]):
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["nbf"] == claims["iat"] <= real_now
        assert claims["exp"] > ahead + 3000

    client = CommunicationIdentityClient.from_connection_string(fresh.acs()["connectionString"])
    appid = jwt.decode(result["access_token"], options={"verify_signature": False})["appid"]
    assert client.get_token_for_teams_user(result["access_token"], appid, alice["objectId"]).token


def test_a_token_expires_when_the_sandbox_clock_passes_it(fresh):
    alice = fresh.user("alice")
    result = public_client(fresh).acquire_token_by_username_password(alice["upn"], alice["password"], scopes=ACS_SCOPES)
    fresh.admin("POST", "clock", {"advance": "25h"})
    client = CommunicationIdentityClient.from_connection_string(fresh.acs()["connectionString"])
    appid = jwt.decode(result["access_token"], options={"verify_signature": False})["appid"]
    try:
        client.get_token_for_teams_user(result["access_token"], appid, alice["objectId"])
    except HttpResponseError as error:
        assert (error.status_code, error.error.code) == (401, "InvalidAccessToken")
    else:
        raise AssertionError("the exchange accepted a token 25 hours old")
