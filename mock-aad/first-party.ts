/**
 * First-party resources (Microsoft's own APIs) that every tenant can hold a service principal of.
 * Ids are the real ones: scenario files and app manifests name them exactly as in Azure.
 */
export interface DelegatedScope {
  name: string;
  id: string;
  /** What the consent page shows. */
  displayName: string;
  adminConsentRequired: boolean;
}

/** An application permission (app role) a resource exposes: `roles` in app-only tokens carry its `value`. */
export interface AppRole {
  value: string;
  id: string;
  displayName: string;
  description: string;
  allowedMemberTypes: ("Application" | "User")[];
}

export interface FirstPartyResource {
  /** Short name used in world files (`servicePrincipals: [acs]`). */
  key: string;
  appId: string;
  displayName: string;
  /** Identifier URIs: the resource part of a scope (`https://auth.msft.communication.azure.com/Teams.ManageCalls`). */
  identifierUris: string[];
  scopes: DelegatedScope[];
  /** Application permissions (roles) that client-credential tokens may carry. */
  appRoles: AppRole[];
  /** Access-token layout the resource accepts (Entra chooses the format by resource, not endpoint). */
  accessTokenVersion: 1 | 2;
  /**
   * Microsoft's core APIs (Graph, Azure Service Management) have a service principal in every tenant, as
   * in Entra; the others (ACS) exist in a tenant only once created there (quickstart step 7).
   */
  inEveryTenant?: boolean;
}

/**
 * The ACS app id and its delegated scopes: MicrosoftDocs/azure-docs
 * `articles/communication-services/quickstarts/manage-teams-identity.md` (the app id,
 * `New-MgServicePrincipal -AppId 1fd5118e-…`) and the permission ids Entra publishes for the app; the
 * legacy `VoIP` scope is the one earlier copies of the same quickstart had the manifest add.
 */
export const ACS: FirstPartyResource = {
  key: "acs",
  appId: "1fd5118e-2576-4263-8130-9503064c837a",
  displayName: "Azure Communication Services",
  identifierUris: ["https://auth.msft.communication.azure.com"],
  scopes: [
    {
      name: "Teams.ManageCalls",
      id: "de8ec1df-066a-4817-bc5d-9a985b986262",
      displayName: "Manage calls in Teams",
      adminConsentRequired: false,
    },
    {
      name: "Teams.ManageChats",
      id: "6290af7f-b407-49f9-92d5-bf584fdc4019",
      displayName: "Manage chats in Teams",
      adminConsentRequired: false,
    },
    {
      name: "TeamsExtension.ManageCalls",
      id: "9ed60762-c537-4e50-8984-4b1db3d922ce",
      displayName: "Manage calls in Teams as a Teams extension",
      adminConsentRequired: false,
    },
    {
      name: "VoIP",
      id: "31f1efa3-6f54-4008-ac59-1bf1f0ff9958",
      displayName: "Azure Communication Services - VoIP",
      adminConsentRequired: false,
    },
  ],
  appRoles: [],
  accessTokenVersion: 1,
};

/**
 * The ACS data plane as an RBAC audience (`https://communication.azure.com//.default`, the scope
 * @azure/communication-common's `communicationAuthPolicy` asks for). [infer] The app id of this resource
 * principal is in no public source; the value below is a sandbox placeholder, used only inside the sandbox.
 */
export const ACS_DATA_PLANE: FirstPartyResource = {
  key: "acs-data-plane",
  appId: "632ec9eb-fad7-4cbd-993a-e72973ba2acc",
  displayName: "Azure Communication Services (data plane)",
  identifierUris: ["https://communication.azure.com"],
  scopes: [
    {
      name: "user_impersonation",
      id: "3b4e8f1c-0d55-4b8b-9d8a-6f1f3c2e5a10",
      displayName: "Access Azure Communication Services",
      adminConsentRequired: false,
    },
  ],
  appRoles: [],
  accessTokenVersion: 1,
};

/**
 * "Azure Communication Services Clients": the resource of Entra ID users in ACS (2025-03-02-preview,
 * `/access/entra/:exchangeAccessToken`). App id and identifier from @azure/communication-common 2.4.2
 * (`https://communication.azure.com/clients/` scopes) and the ACS docs' "Entra ID users" setup.
 * [infer] The scope ids are not published; these are sandbox values.
 */
export const ACS_CLIENTS: FirstPartyResource = {
  key: "acs-clients",
  appId: "2a04943b-b6a7-4f65-8786-2bb6131b59f6",
  displayName: "Azure Communication Services Clients",
  identifierUris: ["https://communication.azure.com/clients"],
  scopes: [
    {
      name: "VoIP",
      id: "b4b1e7a6-0d1f-4c4e-9e1b-2f6c0a6e7d01",
      displayName: "Access Azure Communication Services calling as the signed-in user",
      adminConsentRequired: false,
    },
    {
      name: "VoIP.Join",
      id: "b4b1e7a6-0d1f-4c4e-9e1b-2f6c0a6e7d02",
      displayName: "Join Azure Communication Services calls as the signed-in user",
      adminConsentRequired: false,
    },
  ],
  appRoles: [],
  accessTokenVersion: 1,
};

/** A delegated permission of Microsoft Graph: its real id, and whether only an admin may consent to it. */
function graphScope(
  name: string,
  id: string,
  displayName: string,
  adminConsentRequired: boolean,
): DelegatedScope {
  return { name, id, displayName, adminConsentRequired };
}

function graphRole(value: string, id: string, displayName: string): AppRole {
  return {
    value,
    id,
    displayName,
    description: `Allows the app to ${displayName.charAt(0).toLowerCase()}${displayName.slice(1)} without a signed-in user.`,
    allowedMemberTypes: ["Application"],
  };
}

/**
 * Microsoft Graph: the permissions the admin tools use, with their real ids (delegated scopes and
 * application roles). Source: the Microsoft Graph permissions reference,
 * https://learn.microsoft.com/en-us/graph/permissions-reference (microsoftgraph/microsoft-graph-docs
 * concepts/permissions-reference.md), and the `requiredResourceAccess` bodies of the Azure CLI's recorded
 * sessions (Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/
 * test_app_permission_grant.yaml, whose Graph service principal lists `appRoles` and scopes).
 */
export const GRAPH: FirstPartyResource = {
  key: "graph",
  appId: "00000003-0000-0000-c000-000000000000",
  displayName: "Microsoft Graph",
  identifierUris: ["https://graph.microsoft.com"],
  scopes: [
    graphScope(
      "User.Read",
      "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
      "Sign you in and read your profile",
      false,
    ),
    graphScope(
      "User.Read.All",
      "a154be20-db9c-4678-8ab7-66f6cc099a59",
      "Read all users' full profiles",
      true,
    ),
    graphScope(
      "User.ReadWrite.All",
      "204e0828-b5ca-4ad8-b9f3-f32a958e7cc4",
      "Read and write all users' full profiles",
      true,
    ),
    graphScope("Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a", "Read directory data", true),
    graphScope(
      "Directory.ReadWrite.All",
      "c5366453-9fb0-48a5-a156-24f0c49a4b84",
      "Read and write directory data",
      true,
    ),
    graphScope(
      "Directory.AccessAsUser.All",
      "0e263e50-5827-48a4-b97c-d940288653c7",
      "Access the directory as the signed-in user",
      true,
    ),
    graphScope("Application.Read.All", "c79f8feb-a9db-4090-85f9-90d820caa0eb", "Read applications", true),
    graphScope(
      "Application.ReadWrite.All",
      "bdfbf15f-ee85-4955-8675-146e8e5296b5",
      "Read and write all applications",
      true,
    ),
    graphScope(
      "DelegatedPermissionGrant.ReadWrite.All",
      "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
      "Manage all delegated permission grants",
      true,
    ),
    graphScope(
      "AppRoleAssignment.ReadWrite.All",
      "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
      "Manage app permission grants and app role assignments",
      true,
    ),
    graphScope(
      "Group.ReadWrite.All",
      "4e46008b-f24c-477d-8fff-7bb4ec7aafe0",
      "Read and write all groups",
      true,
    ),
  ],
  appRoles: [
    graphRole("User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Read all users' full profiles"),
    graphRole("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Read directory data"),
    graphRole(
      "Directory.ReadWrite.All",
      "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
      "Read and write directory data",
    ),
    graphRole("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Read all applications"),
    graphRole(
      "Application.ReadWrite.All",
      "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
      "Read and write all applications",
    ),
    graphRole(
      "AppRoleAssignment.ReadWrite.All",
      "06b708a9-e830-4db3-a914-8e69da51d44f",
      "Manage app permission grants and app role assignments",
    ),
    graphRole(
      "DelegatedPermissionGrant.ReadWrite.All",
      "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
      "Manage all delegated permission grants",
    ),
  ],
  accessTokenVersion: 1,
  inEveryTenant: true,
};

/**
 * Azure Service Management: the audience of Azure Resource Manager (`management.azure.com`). The Azure CLI
 * asks for `https://management.core.windows.net//.default`, the management SDKs for
 * `https://management.azure.com/.default`; both name this resource. App id and the `user_impersonation`
 * scope id as Entra publishes them (Azure CLI recordings' `requiredResourceAccess`,
 * Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/).
 */
export const AZURE_SERVICE_MANAGEMENT: FirstPartyResource = {
  key: "arm",
  appId: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
  displayName: "Windows Azure Service Management API",
  identifierUris: ["https://management.core.windows.net", "https://management.azure.com"],
  scopes: [
    {
      name: "user_impersonation",
      id: "41094075-9dad-400e-a0bd-54e686782033",
      displayName: "Access Azure Service Management as organization users",
      adminConsentRequired: false,
    },
  ],
  appRoles: [],
  accessTokenVersion: 1,
  inEveryTenant: true,
};

export const FIRST_PARTY_RESOURCES: readonly FirstPartyResource[] = [
  ACS,
  ACS_DATA_PLANE,
  ACS_CLIENTS,
  GRAPH,
  AZURE_SERVICE_MANAGEMENT,
];

/** Looks a first-party resource up by its world-file key, app id or identifier URI. */
export function findFirstParty(ref: string): FirstPartyResource | undefined {
  const bare = ref.replace(/\/+$/, "");
  return FIRST_PARTY_RESOURCES.find(
    (r) => r.key === ref || r.appId === ref || r.identifierUris.some((u) => u === bare),
  );
}

/**
 * Microsoft's own client apps that the admin tools sign in with. Like every Microsoft first-party app
 * they are usable in every tenant without registration: public clients (ROPC, device code, loopback
 * redirects), and the Azure CLI and Azure PowerShell are pre-authorized for Microsoft Graph and Azure
 * Service Management, so their sign-ins never show a consent prompt. App ids: Entra's list of commonly
 * used Microsoft applications,
 * https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in.
 */
export interface FirstPartyClient {
  /** Short name a world file may use in grants (`client: azure-cli`). */
  key: string;
  appId: string;
  displayName: string;
  redirectUris: string[];
  /** Scopes consented for every user of every tenant, by resource app id. */
  preAuthorized: { resourceAppId: string; scopes: string[] }[];
}

/** The tenant Microsoft's first-party apps are registered in (their `appOwnerOrganizationId`, recorded). */
export const MICROSOFT_SERVICES_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/**
 * [infer] The Graph scopes an Azure CLI or Azure PowerShell token carries (`scp` of a `.default` token):
 * the directory-management set these tools are pre-authorized for, as decoded tokens show them; Microsoft
 * does not publish the list.
 */
const ADMIN_TOOL_GRAPH_SCOPES = [
  "Application.ReadWrite.All",
  "AppRoleAssignment.ReadWrite.All",
  "DelegatedPermissionGrant.ReadWrite.All",
  "Directory.AccessAsUser.All",
  "Group.ReadWrite.All",
  "User.Read.All",
  "User.ReadWrite.All",
];

/**
 * What the Azure tools' tokens are consented for without a prompt: Graph, Azure Service Management, and
 * the ACS data plane, so a developer's `az login` serves `AzureCliCredential`/`DefaultAzureCredential`
 * for the Identity SDK as for any Azure SDK client ("Authenticate via the Azure CLI", Azure Identity for
 * Python README, https://learn.microsoft.com/python/api/overview/azure/Identity-readme). [infer] Microsoft
 * does not publish the first-party pre-authorization list; the ACS data plane's entry is inferred from
 * that guidance, the role on the resource still decides.
 */
const ADMIN_TOOL_PRE_AUTHORIZATION = [
  { resourceAppId: GRAPH.appId, scopes: ADMIN_TOOL_GRAPH_SCOPES },
  { resourceAppId: AZURE_SERVICE_MANAGEMENT.appId, scopes: ["user_impersonation"] },
  { resourceAppId: ACS_DATA_PLANE.appId, scopes: ["user_impersonation"] },
];

/** The Azure CLI (`az login`): MSAL Python with this client id. */
export const AZURE_CLI: FirstPartyClient = {
  key: "azure-cli",
  appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  displayName: "Microsoft Azure CLI",
  // MSAL Python's interactive sign-in listens on http://localhost:<port> (any port matches).
  redirectUris: ["http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"],
  preAuthorized: ADMIN_TOOL_PRE_AUTHORIZATION,
};

/** Azure PowerShell (`Connect-AzAccount`). */
export const AZURE_POWERSHELL: FirstPartyClient = {
  key: "azure-powershell",
  appId: "1950a258-227b-4e31-a9cf-717495945fc2",
  displayName: "Microsoft Azure PowerShell",
  redirectUris: ["http://localhost", "urn:ietf:wg:oauth:2.0:oob"],
  preAuthorized: ADMIN_TOOL_PRE_AUTHORIZATION,
};

/**
 * Microsoft Graph Command Line Tools (`Connect-MgGraph`, the Graph CLI). Unlike the Azure tools it is
 * pre-authorized for nothing: every Graph scope it asks for needs consent, a user's own or an admin's, as
 * `Connect-MgGraph -Scopes …` prompts for it (Graph PowerShell docs, "Using Microsoft Graph PowerShell
 * authentication commands": "you'll need to consent to the permissions the first time"). [infer] It
 * signs in to Graph only, so no Azure Service Management pre-authorization either.
 */
export const GRAPH_COMMAND_LINE_TOOLS: FirstPartyClient = {
  key: "graph-cli",
  appId: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
  displayName: "Microsoft Graph Command Line Tools",
  redirectUris: ["http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"],
  preAuthorized: [],
};

export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [
  AZURE_CLI,
  AZURE_POWERSHELL,
  GRAPH_COMMAND_LINE_TOOLS,
];

/** Looks a first-party client app up by its world-file key or app id. */
export function findFirstPartyClient(ref: string): FirstPartyClient | undefined {
  const key = ref.toLowerCase();
  return FIRST_PARTY_CLIENTS.find((c) => c.key === key || c.appId === key);
}
