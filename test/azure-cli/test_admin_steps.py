"""The quickstart's admin steps played with the real Azure CLI against `serve --unmodified`, each step's
effect shown with a real client: MSAL Python's sign-in, the Communication Services Identity SDK's
exchange and user creation. The az commands between `# #region` markers are those docs/admin-tools.md
shows."""

import json
import re
import subprocess

import jwt

from conftest import ACS_APP_ID, AZ

PASSWORD = "Passw0rd!"


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def scope_id(sandbox, person, name):
    """The id of one of ACS's delegated permissions, read from its service principal as an admin would."""
    query = "oauth2PermissionScopes[?value=='%s'].id | [0]" % name
    return sandbox.az(person, "ad sp show --id %s --query \"%s\"" % (ACS_APP_ID, query)).json


# Step 1: signing in.


def test_contoso_admin_signs_in_with_a_password_and_sees_the_subscription(sandbox):
    carol = sandbox.person("carol")
    contoso = sandbox.tenant("contoso")
    # #region login-password
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    account = sandbox.az(carol, "account show").json
    # #endregion login-password
    assert account["tenantId"] == contoso["id"]
    assert account["id"] == next(s["id"] for s in sandbox.descriptor["subscriptions"] if s["name"] == "contoso")
    assert account["name"] == "Contoso subscription"
    assert account["user"] == {"name": "carol@contoso.onmicrosoft.com", "type": "user"}
    token = sandbox.az(carol, "account get-access-token").json
    assert claims(token["accessToken"])["upn"] == "carol@contoso.onmicrosoft.com"


def test_the_back_end_signs_in_as_a_service_principal_with_its_secret(sandbox):
    backend = sandbox.person("backend-secret")
    app_id = sandbox.app("contoso-backend")["clientId"]
    tenant_id = sandbox.tenant("contoso")["id"]
    # #region login-service-principal
    sandbox.az(backend, "login --service-principal -u %s -p contoso-backend-secret --tenant %s" % (app_id, tenant_id))
    # #endregion login-service-principal
    account = sandbox.az(backend, "account show").json
    assert account["user"] == {"name": app_id, "type": "servicePrincipal"}
    token = claims(sandbox.az(backend, "account get-access-token").json["accessToken"])
    assert token["appid"] == app_id and token["idtyp"] == "app"


def test_the_back_end_signs_in_with_its_certificate(sandbox):
    backend = sandbox.person("backend-certificate")
    app_id = sandbox.app("contoso-backend")["clientId"]
    tenant_id = sandbox.tenant("contoso")["id"]
    pem = sandbox.certificate_file  # private key and certificate in one PEM file
    # #region login-certificate
    sandbox.az(backend, "login --service-principal -u %s --certificate %s --tenant %s" % (app_id, pem, tenant_id))
    # #endregion login-certificate
    token = claims(sandbox.az(backend, "account get-access-token").json["accessToken"])
    assert token["appid"] == app_id
    assert token["appidacr"] == "2"  # a certificate, not a secret


def test_a_wrong_secret_is_refused_with_entras_error(sandbox):
    backend = sandbox.person("backend-wrong")
    app_id = sandbox.app("contoso-backend")["clientId"]
    tenant_id = sandbox.tenant("contoso")["id"]
    run = sandbox.az(backend, "login --service-principal -u %s -p wrong --tenant %s" % (app_id, tenant_id), check=False)
    assert run.returncode == 1
    assert "AADSTS7000215: Invalid client secret provided." in run.stderr


def test_device_code_sign_in_through_the_sandboxs_device_login_page(sandbox):
    carol = sandbox.person("carol-device")
    az = subprocess.Popen(
        sandbox.namespaced([str(AZ), "login", "--use-device-code", "--allow-no-subscriptions", "-o", "json"]),
        env=sandbox.env(carol),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        prompt = az.stderr.readline()
        # What az prints: "To sign in, use a web browser to open the page … and enter the code … to authenticate."
        match = re.search(r"open the page (\S+) and enter the code (\S+) to authenticate", prompt)
        assert match, prompt
        assert match.group(1) == "https://login.microsoftonline.com/common/oauth2/deviceauth"
        page = sandbox.client(carol, "device-page", match.group(1), match.group(2), "carol@contoso.onmicrosoft.com", PASSWORD)
        assert page["heading"] == "Microsoft Azure CLI"
        out, err = az.communicate(timeout=120)
    finally:
        if az.poll() is None:
            az.kill()
    assert az.returncode == 0, err
    [account] = json.loads(out)
    assert account["user"] == {"name": "carol@contoso.onmicrosoft.com", "type": "user"}


def test_a_managed_identity_signs_in_through_imds(sandbox):
    vm = sandbox.person("contoso-vm")
    identity = next(m for m in sandbox.descriptor["managedIdentities"] if m["name"] == "contoso-vm")
    # IMDS is plain HTTP at 169.254.169.254: the sandbox answers it as a proxy, reached by its real host name.
    # #region login-identity
    imds = {"HTTP_PROXY": "https://login.microsoftonline.com"}
    sandbox.az(vm, "login --identity", env=imds)
    # #endregion login-identity
    account = sandbox.az(vm, "account show", env=imds).json
    assert account["user"] == {"assignedIdentityInfo": "MSI", "name": "systemAssignedIdentity", "type": "servicePrincipal"}
    token = claims(sandbox.az(vm, "account get-access-token", env=imds).json["accessToken"])
    assert token["oid"] == identity["objectId"]
    assert token["appid"] == identity["clientId"]


# Step 2: Fabrikam's admin, quickstart admin steps 7 and 8.


def test_fabrikam_admin_creates_the_acs_service_principal_then_consents(sandbox):
    admin = sandbox.person("fabrikam-admin")
    app_id = sandbox.app("contoso-teams")["clientId"]
    alice = sandbox.user("alice")
    sandbox.az(admin, "login -u admin@fabrikam.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")

    before = sandbox.sign_in("fabrikam", app_id, "alice")
    assert before["error"] == "invalid_resource" and before["error_codes"] == [500011]
    assert before["error_description"].startswith(
        "AADSTS500011: The resource principal named https://auth.msft.communication.azure.com was not found in the tenant named Fabrikam."
    )

    # #region create-acs-service-principal
    sp = sandbox.az(admin, "ad sp create --id 1fd5118e-2576-4263-8130-9503064c837a").json
    # #endregion create-acs-service-principal
    assert sp["appId"] == ACS_APP_ID and sp["displayName"] == "Azure Communication Services"
    assert sp["appOwnerOrganizationId"] == "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

    consent = sandbox.sign_in("fabrikam", app_id, "alice")
    assert consent["error"] == "invalid_grant" and consent["error_codes"] == [65001]
    assert consent["error_description"].startswith(
        "AADSTS65001: The user or administrator has not consented to use the application with ID '%s' named 'Contoso Teams'." % app_id
    )

    # #region grant-consent
    grant = sandbox.az(
        admin,
        "ad app permission grant --id %s --api 1fd5118e-2576-4263-8130-9503064c837a"
        " --scope 'Teams.ManageCalls Teams.ManageChats'" % app_id,
    ).json
    # #endregion grant-consent
    # az resolves both service principals in Fabrikam and creates a tenant-wide oauth2PermissionGrant.
    client_sp = sandbox.az(admin, "ad sp show --id %s" % app_id).json
    assert grant["clientId"] == client_sp["id"]
    assert grant["resourceId"] == sp["id"]
    assert grant["consentType"] == "AllPrincipals" and grant["principalId"] is None
    assert grant["scope"] == "Teams.ManageCalls Teams.ManageChats"
    listed = sandbox.az(admin, "ad app permission list-grants --id %s" % app_id).json
    assert [g["id"] for g in listed] == [grant["id"]]

    signed_in = sandbox.sign_in("fabrikam", app_id, "alice")
    assert signed_in["claims"]["oid"] == alice["objectId"]
    assert signed_in["claims"]["tid"] == sandbox.tenant("fabrikam")["id"]
    access = claims(signed_in["access_token"])
    assert access["aud"] == "https://auth.msft.communication.azure.com"
    assert set(access["scp"].split()) == {"Teams.ManageCalls", "Teams.ManageChats"}
    exchanged = sandbox.client(
        sandbox.scratch, "exchange", sandbox.acs()["connectionString"], signed_in["access_token"], app_id, alice["objectId"]
    )
    assert claims(exchanged["token"])["skypeid"].startswith("orgid:")


def test_creating_the_service_principal_twice_prints_graphs_refusal(sandbox):
    admin = sandbox.person("fabrikam-admin-again")
    sandbox.az(admin, "login -u admin@fabrikam.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    sandbox.az(admin, "ad sp create --id %s" % ACS_APP_ID, check=False)  # whichever test came first
    run = sandbox.az(admin, "ad sp create --id %s" % ACS_APP_ID, check=False)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "ERROR: The service principal cannot be created, updated, or restored because the service principal"
        " name %s is already in use." % ACS_APP_ID
    )


# Step 3: Contoso's admin registers an app (quickstart admin steps 1-4).


def test_contoso_admin_registers_an_app_with_the_acs_permissions_and_a_user_signs_in(sandbox):
    carol = sandbox.person("carol-app")
    dave = sandbox.user("dave")
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    manage_calls = scope_id(sandbox, carol, "Teams.ManageCalls")
    manage_chats = scope_id(sandbox, carol, "Teams.ManageChats")
    assert manage_calls == "de8ec1df-066a-4817-bc5d-9a985b986262"
    # #region register-app
    app = sandbox.az(
        carol,
        "ad app create --display-name 'Contoso Teams (az)' --sign-in-audience AzureADMultipleOrgs"
        " --is-fallback-public-client true --public-client-redirect-uris http://localhost",
    ).json
    app_id = app["appId"]
    sandbox.az(
        carol,
        "ad app permission add --id %s --api 1fd5118e-2576-4263-8130-9503064c837a"
        " --api-permissions %s=Scope %s=Scope" % (app_id, manage_calls, manage_chats),
    )
    # #endregion register-app
    assert app["signInAudience"] == "AzureADMultipleOrgs"
    assert app["isFallbackPublicClient"] is True
    assert app["publicClient"]["redirectUris"] == ["http://localhost"]
    permissions = sandbox.az(carol, "ad app permission list --id %s" % app_id).json
    assert permissions == [
        {
            "resourceAccess": [{"id": manage_calls, "type": "Scope"}, {"id": manage_chats, "type": "Scope"}],
            "resourceAppId": ACS_APP_ID,
        }
    ]

    before = sandbox.sign_in("contoso", app_id, "dave")
    assert before["error_codes"] == [65001]

    # The portal's "Grant admin consent for Contoso", as az does it: the app's service principal, then a
    # tenant-wide grant.
    # #region consent-own-app
    sandbox.az(carol, "ad sp create --id %s" % app_id)
    sandbox.az(
        carol,
        "ad app permission grant --id %s --api 1fd5118e-2576-4263-8130-9503064c837a"
        " --scope 'Teams.ManageCalls Teams.ManageChats'" % app_id,
    )
    # #endregion consent-own-app
    signed_in = sandbox.sign_in("contoso", app_id, "dave")
    assert signed_in["claims"]["oid"] == dave["objectId"]
    assert claims(signed_in["access_token"])["appid"] == app_id
    exchanged = sandbox.client(
        sandbox.scratch, "exchange", sandbox.acs()["connectionString"], signed_in["access_token"], app_id, dave["objectId"]
    )
    assert claims(exchanged["token"])["skypeid"].startswith("orgid:")


def test_admin_consent_is_a_portal_api_the_sandbox_does_not_serve(sandbox):
    carol = sandbox.person("carol-admin-consent")
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    app_id = sandbox.app("contoso-teams")["clientId"]
    run = sandbox.az(carol, "ad app permission admin-consent --id %s" % app_id, check=False)
    assert run.returncode == 1
    # az asks Entra for a token to the Azure portal's own API (74658136-…), which no tenant holds here.
    assert run.stderr.startswith(
        "ERROR: AADSTS500011: The resource principal named 74658136-14ec-4630-ad9b-26e160ff0fc6 was not found"
        " in the tenant named Contoso."
    ), run.stderr


# Step 4: the resource and its keys (quickstart admin step 6).


def test_contoso_admin_finds_the_resource_and_lists_its_keys(sandbox):
    carol = sandbox.person("carol-keys")
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    # #region list-keys
    [resource] = sandbox.az(carol, "resource list --resource-type Microsoft.Communication/communicationServices").json
    shown = sandbox.az(carol, "resource show --ids %s" % resource["id"]).json
    keys = sandbox.az(
        carol, "rest --method post --url https://management.azure.com%s/listKeys?api-version=2023-04-01" % resource["id"]
    ).json
    # #endregion list-keys
    assert resource["id"] == sandbox.acs()["armId"] and resource["name"] == "contoso-acs"
    assert shown["properties"]["hostName"] == "contoso-acs.communication.azure.com"
    assert shown["properties"]["immutableResourceId"] == sandbox.acs()["resourceId"]
    assert keys["primaryConnectionString"] == sandbox.acs()["connectionString"]
    user = sandbox.client(sandbox.scratch, "create-user", keys["primaryConnectionString"])
    assert user["user"].startswith("8:acs:%s_" % sandbox.acs()["resourceId"])


def test_the_communication_command_group_is_an_extension_not_in_core(sandbox):
    run = sandbox.az(sandbox.person("carol-help"), "communication -h", check=False)
    assert run.returncode == 2
    assert "'communication' is misspelled or not recognized by the system." in run.stderr


# Step 5: Azure RBAC instead of the access key.


def test_a_role_assignment_lets_daves_az_login_call_the_identity_sdk(sandbox):
    carol = sandbox.person("carol-rbac")
    dave = sandbox.person("dave")
    scope = sandbox.acs()["armId"]
    endpoint = "https://contoso-acs.communication.azure.com"
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    sandbox.az(dave, "login -u dave@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")

    # Dave's code, CommunicationIdentityClient(endpoint, AzureCliCredential()), before he has a role.
    before = sandbox.client(dave, "create-user-as-az-user", endpoint)
    assert before["status"] == 401
    assert before["message"].startswith("(Denied) Denied by the resource provider.")

    # #region role-assignment
    assigned = sandbox.az(
        carol, "role assignment create --assignee dave@contoso.onmicrosoft.com --role Contributor --scope %s" % scope
    ).json
    listed = sandbox.az(carol, "role assignment list --scope %s" % scope).json
    # #endregion role-assignment
    assert assigned["principalId"] == sandbox.user("dave")["objectId"]
    assert assigned["principalType"] == "User"
    assert assigned["roleDefinitionId"].endswith("/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c")
    # az names each principal through Graph (directoryObjects/getByIds): users by UPN, apps by appId.
    names = {(a["principalName"], a["roleDefinitionName"]) for a in listed}
    assert ("dave@contoso.onmicrosoft.com", "Contributor") in names
    assert (sandbox.app("contoso-backend")["clientId"], "Contributor") in names

    after = sandbox.client(dave, "create-user-as-az-user", endpoint)
    assert after["user"].startswith("8:acs:%s_" % sandbox.acs()["resourceId"])


def test_a_role_assignment_by_object_id_finds_the_principal_type_through_graph(sandbox):
    carol = sandbox.person("carol-rbac-id")
    sandbox.az(carol, "login -u carol@contoso.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    vm = next(m for m in sandbox.descriptor["managedIdentities"] if m["name"] == "contoso-vm")
    scope = sandbox.acs()["armId"]
    assigned = sandbox.az(carol, "role assignment create --assignee %s --role Reader --scope %s" % (vm["objectId"], scope)).json
    assert assigned["principalType"] == "ServicePrincipal"
    assert assigned["roleDefinitionId"].endswith("/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7")


# Step 6: a user without a directory role.


def test_a_user_without_a_directory_role_cannot_create_the_service_principal(sandbox):
    alice = sandbox.person("alice")
    sandbox.az(alice, "login -u alice@fabrikam.onmicrosoft.com -p Passw0rd! --allow-no-subscriptions")
    run = sandbox.az(alice, "ad sp create --id %s" % ACS_APP_ID, check=False)
    assert run.returncode == 1
    assert run.stderr.strip() == "ERROR: Insufficient privileges to complete the operation."
