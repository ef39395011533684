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

export interface FirstPartyResource {
  /** Short name used in world files (`servicePrincipals: [acs]`). */
  key: string;
  appId: string;
  displayName: string;
  /** Identifier URIs: the resource part of a scope (`https://auth.msft.communication.azure.com/Teams.ManageCalls`). */
  identifierUris: string[];
  scopes: DelegatedScope[];
  /** Application permissions (roles) that client-credential tokens may carry. */
  appRoles: string[];
  /** Access-token layout the resource accepts (Entra chooses the format by resource, not endpoint). */
  accessTokenVersion: 1 | 2;
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
 * The ACS data plane as an RBAC audience (`https://communication.azure.com//.default`, reference
 * acs-identity-api.md §2.2). [infer] The app id of this resource principal is not in the reference; the
 * value below is a sandbox placeholder, used only inside the sandbox.
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

/** Microsoft Graph, for the `User.Read` sign-in permission most registrations carry. */
export const GRAPH: FirstPartyResource = {
  key: "graph",
  appId: "00000003-0000-0000-c000-000000000000",
  displayName: "Microsoft Graph",
  identifierUris: ["https://graph.microsoft.com"],
  scopes: [
    {
      name: "User.Read",
      id: "e1fc6e3b-4c9e-4d1c-9c2d-1b1e5b3c8f6e",
      displayName: "Sign you in and read your profile",
      adminConsentRequired: false,
    },
  ],
  appRoles: [],
  accessTokenVersion: 1,
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
