import { createHash } from "node:crypto";
import { deterministicId } from "../../core/ids.js";
import {
  servicePrincipalObjectId,
  type AppRegistration,
  type Directory,
  type Grant,
  type ManagedIdentity,
  type ServicePrincipal,
  type Tenant,
  type User,
} from "../../mock-aad/directory.js";
import { findFirstParty } from "../../mock-aad/first-party.js";

/*
 * The world's directory objects as Microsoft Graph v1.0 shapes them: the JSON `az ad app/sp/user show`,
 * `az ad app permission list-grants` and Graph itself print. One module, so the Graph service can answer
 * with the same shapes and `acs-sandbox import` reads back what `export-graph` prints.
 *
 * Sources for the field sets and their order:
 * - application: Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/
 *   test_app_resolution.yaml (`GET /v1.0/applications/{id}`, AZURECLI/2.35.0).
 * - servicePrincipal: the same folder's test_app_permission_grant.yaml (`GET /v1.0/servicePrincipals?
 *   $filter=…`, Microsoft Graph's own service principal, `appOwnerOrganizationId` f8cdef31-…).
 * - oauth2PermissionGrant: microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/api/
 *   oauth2permissiongrant-post.md (clientId, consentType, id, principalId, resourceId, scope). Its `id`
 *   there is the base64url of the client's, the resource's (and, for one user's consent, the user's)
 *   object ids as .NET GUID bytes: `IcMSBl_bMkqQnk8oCAVX7-QDNpSH5-lPk9HjD3Sarjk` for client 0612c321-… and
 *   resource 943603e4-…. [infer] That layout is read off the documented examples, not specified.
 * - user: microsoft-graph-docs api-reference/v1.0/api/user-get.md (the default property set), plus
 *   `accountEnabled`, `assignedLicenses` and `signInSessionsValidFromDateTime`, which Graph returns when
 *   selected (`$select`), so the import can read licences and disabled accounts back.
 * - organization: microsoft-graph-docs api-reference/v1.0/resources/organization.md (`GET /organization`):
 *   it carries the tenant id and verified domains, which no other object does.
 */

export type GraphJson = Record<string, unknown>;

const GRAPH_METADATA = "https://graph.microsoft.com/v1.0/$metadata";

/** Microsoft's "Microsoft Services" tenant: the owner of first-party apps (recording above). */
export const MICROSOFT_SERVICES_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/**
 * The SKU `export-graph` gives users with a Teams licence. [infer] Office 365 E3 (ENTERPRISEPACK), one of
 * the SKUs teams-licences.ts counts as including Teams.
 */
export const SANDBOX_TEAMS_SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

/** `{ "@odata.context": …#<collection>, "value": [...] }`, as Graph lists a collection. */
export function graphCollection(collection: string, value: GraphJson[]): GraphJson {
  return { "@odata.context": `${GRAPH_METADATA}#${collection}`, value };
}

/** A GUID's bytes in .NET order (the first three groups little-endian), as Graph packs grant ids. */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  const b = Buffer.from(hex, "hex");
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

/** An oauth2PermissionGrant's id: base64url of the client, resource and (per-user) principal ids. [infer] */
export function grantId(clientObjectId: string, resourceObjectId: string, principalId?: string): string {
  const parts = [clientObjectId, resourceObjectId, ...(principalId ? [principalId] : [])].map(guidBytes);
  return Buffer.concat(parts).toString("base64url");
}

/** [infer] An application object's `id`: the world has no field for it, so it is derived from the app id. */
export function applicationObjectId(app: AppRegistration): string {
  return deterministicId("application", app.clientId);
}

const AUDIENCE = { single: "AzureADMyOrg", multitenant: "AzureADMultipleOrgs" } as const;

/** A role or scope entry of the resolved directory: a name (today) or an object with `value`. */
function valueOf(entry: unknown): string {
  return typeof entry === "string" ? entry : String((entry as { value?: unknown }).value);
}

function verifiedPublisher(verified: boolean, tenant: Tenant | undefined): GraphJson {
  // [infer] verifiedPublisherId is the publisher's Microsoft Partner Network id: a sandbox number here.
  const mpn = tenant
    ? String(parseInt(createHash("sha256").update(tenant.id).digest("hex").slice(0, 6), 16))
    : null;
  return verified
    ? { displayName: tenant?.displayName ?? null, verifiedPublisherId: mpn, addedDateTime: null }
    : { displayName: null, verifiedPublisherId: null, addedDateTime: null };
}

/** The organization (`GET /organization`) of a tenant: its id, name and verified domain. */
export function organizationJson(tenant: Tenant): GraphJson {
  return {
    id: tenant.id,
    deletedDateTime: null,
    displayName: tenant.displayName,
    tenantType: "AAD",
    verifiedDomains: [
      {
        capabilities: "Email, OfficeCommunicationsOnline",
        isDefault: true,
        isInitial: tenant.domain.endsWith(".onmicrosoft.com"),
        name: tenant.domain,
        type: "Managed",
      },
    ],
  };
}

/** An app registration (`GET /applications/{id}`, `az ad app show`). */
export function applicationJson(app: AppRegistration, directory: Directory): GraphJson {
  const home = directory.tenants.find((t) => t.id === app.homeTenantId);
  return {
    id: applicationObjectId(app),
    deletedDateTime: null,
    appId: app.clientId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: null,
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: app.asResource?.identifierUris ?? [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: app.publicClientFlows,
    notes: null,
    publisherDomain: home?.domain ?? null,
    serviceManagementReference: null,
    signInAudience: AUDIENCE[app.signInAudience],
    tags: [],
    tokenEncryptionKeyId: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: app.asResource?.accessTokenVersion ?? null,
      oauth2PermissionScopes: (app.asResource?.scopes ?? []).map((s) => ({
        adminConsentDescription: s.displayName,
        adminConsentDisplayName: s.displayName,
        id: s.id,
        isEnabled: true,
        type: s.adminConsentRequired ? "Admin" : "User",
        userConsentDescription: s.displayName,
        userConsentDisplayName: s.displayName,
        value: s.name,
      })),
      preAuthorizedApplications: [],
    },
    appRoles: (app.asResource?.appRoles ?? []).map((r: unknown) => ({
      allowedMemberTypes: ["Application"],
      description: valueOf(r),
      displayName: valueOf(r),
      id: deterministicId("app-role", app.clientId, valueOf(r)),
      isEnabled: true,
      origin: "Application",
      value: valueOf(r),
    })),
    info: {
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    },
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: app.secrets.map((s, i) => ({
      customKeyIdentifier: null,
      displayName: null,
      endDateTime: s.expires ?? null,
      hint: s.value.slice(0, 3),
      keyId: deterministicId("client-secret", app.clientId, String(i)),
      secretText: null,
      startDateTime: null,
    })),
    publicClient: { redirectUris: app.redirectUris.publicClient },
    requiredResourceAccess: app.requiredResourceAccess.map((r) => {
      const resource = directory.resources.find((x) => x.appId === r.resourceAppId);
      return {
        resourceAppId: r.resourceAppId,
        resourceAccess: r.scopes.map((name) => ({
          id:
            resource?.scopes.find((s) => s.name === name)?.id ??
            (/^[0-9a-f-]{36}$/i.test(name) ? name : deterministicId("scope", r.resourceAppId, name)),
          type: "Scope",
        })),
      };
    }),
    verifiedPublisher: verifiedPublisher(app.verifiedPublisher, home),
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: app.redirectUris.web,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
    spa: { redirectUris: app.redirectUris.spa },
  };
}

/** A service principal (`GET /servicePrincipals/{id}`, `az ad sp show`) of an app or a first-party API. */
export function servicePrincipalJson(sp: ServicePrincipal, directory: Directory): GraphJson {
  const firstParty = findFirstParty(sp.appId);
  const app = directory.apps.find((a) => a.clientId === sp.appId);
  const home = app && directory.tenants.find((t) => t.id === app.homeTenantId);
  const identifierUris = firstParty?.identifierUris ?? app?.asResource?.identifierUris ?? [];
  const scopes = firstParty?.scopes ?? app?.asResource?.scopes ?? [];
  return {
    id: sp.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: firstParty?.displayName ?? app?.displayName ?? sp.displayName,
    appDescription: null,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: firstParty ? MICROSOFT_SERVICES_TENANT : (app?.homeTenantId ?? null),
    appRoleAssignmentRequired: false,
    createdDateTime: null,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: sp.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: app
      ? [...app.redirectUris.publicClient, ...app.redirectUris.web, ...app.redirectUris.spa]
      : [],
    servicePrincipalNames: [...identifierUris, sp.appId],
    servicePrincipalType: "Application",
    signInAudience: app ? AUDIENCE[app.signInAudience] : "AzureADMultipleOrgs",
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    verifiedPublisher: verifiedPublisher(app?.verifiedPublisher ?? false, home),
    addIns: [],
    appRoles: [],
    info: {
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    },
    keyCredentials: [],
    oauth2PermissionScopes: scopes.map((s) => ({
      adminConsentDescription: s.displayName,
      adminConsentDisplayName: s.displayName,
      id: s.id,
      isEnabled: true,
      type: s.adminConsentRequired ? "Admin" : "User",
      userConsentDescription: s.displayName,
      userConsentDisplayName: s.displayName,
      value: s.name,
    })),
    passwordCredentials: [],
  };
}

/**
 * A managed identity's service principal. `alternativeNames` holds `isExplicit=True|False` (user- or
 * system-assigned) and the ARM id, as Entra lists them for managed identities
 * (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-view-managed-identity-service-principal-cli).
 */
export function managedIdentityJson(mi: ManagedIdentity): GraphJson {
  return {
    id: mi.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [`isExplicit=${mi.type === "userAssigned" ? "True" : "False"}`, mi.resourceId],
    appDisplayName: null,
    appId: mi.clientId,
    appOwnerOrganizationId: null,
    displayName: mi.name,
    servicePrincipalNames: [mi.clientId, `https://identity.azure.net/${mi.objectId}`],
    servicePrincipalType: "ManagedIdentity",
    signInAudience: "AzureADMyOrg",
    tags: [],
  };
}

/** A delegated permission grant (`GET /oauth2PermissionGrants`, `az ad app permission list-grants`). */
export function oauth2PermissionGrantJson(grant: Grant, tenant: Tenant): GraphJson {
  const objectIdOf = (appId: string) =>
    tenant.servicePrincipals.find((sp) => sp.appId === appId)?.objectId ??
    servicePrincipalObjectId(tenant.id, appId);
  const clientId = objectIdOf(grant.clientAppId);
  const resourceId = objectIdOf(grant.resourceAppId);
  return {
    clientId,
    consentType: grant.principalId ? "Principal" : "AllPrincipals",
    id: grantId(clientId, resourceId, grant.principalId),
    principalId: grant.principalId ?? null,
    resourceId,
    scope: grant.scopes.join(" "),
  };
}

/** A user (`GET /users/{id}`, `az ad user show`), with the licence and sign-in properties selected. */
export function userJson(user: User): GraphJson {
  const [givenName, ...rest] = user.displayName.split(" ");
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: givenName ?? null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.length > 0 ? rest.join(" ") : null,
    userPrincipalName: user.upn,
    id: user.objectId,
    accountEnabled: user.enabled,
    assignedLicenses: user.teamsLicense ? [{ disabledPlans: [], skuId: SANDBOX_TEAMS_SKU }] : [],
    signInSessionsValidFromDateTime: user.signInSessionsValidFrom ?? null,
  };
}

/**
 * One tenant as the Graph documents an admin would paste: its organization, the apps registered in it,
 * its service principals (managed identities included), its delegated grants and its users, each as a
 * Graph collection. The organization comes first, so an import places the rest in this tenant.
 */
export function tenantAsGraph(directory: Directory, tenant: Tenant): GraphJson[] {
  return [
    graphCollection("organization", [organizationJson(tenant)]),
    graphCollection(
      "applications",
      directory.apps.filter((a) => a.homeTenantId === tenant.id).map((a) => applicationJson(a, directory)),
    ),
    graphCollection("servicePrincipals", [
      ...tenant.servicePrincipals.map((sp) => servicePrincipalJson(sp, directory)),
      ...tenant.managedIdentities.map(managedIdentityJson),
    ]),
    graphCollection(
      "oauth2PermissionGrants",
      tenant.grants.map((g) => oauth2PermissionGrantJson(g, tenant)),
    ),
    graphCollection("users", tenant.users.map(userJson)),
  ];
}
