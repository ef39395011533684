"""How a Python program points the real clients at the sandbox, for both client sets. The older set
(Debian's azure-identity 1.13.0b2) spells the instance discovery switch `instance_discovery=False`; the
current one `disable_instance_discovery=True`. MSAL Python has taken `instance_discovery=False` since 1.19."""

import inspect

import msal
from azure.identity._internal.msal_credentials import MsalCredential


def no_instance_discovery():
    """The azure-identity keyword that stops the credential asking the real login host about ours."""
    if "disable_instance_discovery" in inspect.signature(MsalCredential.__init__).parameters:
        return {"disable_instance_discovery": True}
    return {"instance_discovery": False}


def public_client(sandbox, tenant="fabrikam", app="contoso-teams"):
    return msal.PublicClientApplication(
        sandbox.app(app)["clientId"],
        authority=sandbox.tenant(tenant)["authority"],
        instance_discovery=False,
    )
