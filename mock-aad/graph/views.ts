import { X509Certificate, createHash } from "node:crypto";
import { deterministicId } from "../../core/ids.js";
import {
  servicePrincipalObjectId,
  type AppRegistration,
  type Directory,
  type Resource,
  type Tenant,
  type User,
} from "../directory.js";
import { DIRECTORY_ROLES } from "../directory-roles.js";
import { MICROSOFT_SERVICES_TENANT_ID, type AppRole, type DelegatedScope } from "../first-party.js";
import { findResource } from "../scopes.js";
import { appRoleAssignmentId, grantId } from "./ids.js";
import type { GraphObject } from "./odata.js";

/*
 * The directory as Microsoft Graph v1.0 shows it: the one shaping of directory objects as Graph JSON. The
 * Graph service answers with these views, and `acs-sandbox export-graph` prints them, so what the export
 * prints for an object is what `GET https://graph.microsoft.com/v1.0/...` answers for it (and what
 * `acs-sandbox import` reads back). Property sets and defaults follow the Azure CLI's recorded Graph
 * answers (Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/
 * test_app_permission_grant.yaml: servicePrincipal, application, oauth2PermissionGrant) and the Graph v1.0
 * resource pages (https://learn.microsoft.com/en-us/graph/api/resources/application, …/serviceprincipal,
 * …/oauth2permissiongrant, …/approleassignment, …/user, …/organization, …/directoryrole). Properties the
 * sandbox does not model carry Graph's empty values.
 */

const AUDIENCES = { single: "AzureADMyOrg", multitenant: "AzureADMultipleOrgs" } as const;

const NO_PUBLISHER = { displayName: null, verifiedPublisherId: null, addedDateTime: null };

/**
 * `verifiedPublisher` of a world app: its home tenant as the publisher when the world says it is verified.
 * [infer] `verifiedPublisherId` is the publisher's Microsoft Partner Network id: a number derived from the
 * tenant id here. Microsoft's own apps show none, as Microsoft Graph's service principal does in the
 * recording above.
 */
function publisherView(app: AppRegistration | undefined, home: Tenant | undefined): GraphObject {
  if (!app?.verifiedPublisher || app.firstParty || !home) return NO_PUBLISHER;
  const mpn = parseInt(createHash("sha256").update(home.id).digest("hex").slice(0, 6), 16);
  return { displayName: home.displayName, verifiedPublisherId: String(mpn), addedDateTime: null };
}
const NO_INFO = {
  logoUrl: null,
  marketingUrl: null,
  privacyStatementUrl: null,
  supportUrl: null,
  termsOfServiceUrl: null,
};

function scopeView(scope: DelegatedScope): GraphObject {
  return {
    adminConsentDescription: `Allows the app to ${scope.displayName.toLowerCase()} on behalf of the signed-in user.`,
    adminConsentDisplayName: scope.displayName,
    id: scope.id,
    isEnabled: true,
    type: scope.adminConsentRequired ? "Admin" : "User",
    userConsentDescription: scope.adminConsentRequired
      ? null
      : `Allows the app to ${scope.displayName.toLowerCase()} on your behalf.`,
    userConsentDisplayName: scope.adminConsentRequired ? null : scope.displayName,
    value: scope.name,
  };
}

function roleView(role: AppRole): GraphObject {
  return {
    allowedMemberTypes: role.allowedMemberTypes,
    description: role.description,
    displayName: role.displayName,
    id: role.id,
    isEnabled: true,
    origin: "Application",
    value: role.value,
  };
}

/** `requiredResourceAccess` with the ids of the named scopes (`Scope`) and roles (`Role`). */
function requiredResourceAccessView(directory: Directory, app: AppRegistration): GraphObject[] {
  return app.requiredResourceAccess.map((r) => {
    const resource = findResource(directory, r.resourceAppId);
    const idOf = (name: string, list: { id: string; name?: string; value?: string }[]) =>
      list.find((x) => (x.name ?? x.value) === name)?.id ?? name;
    return {
      resourceAppId: r.resourceAppId,
      resourceAccess: [
        ...r.scopes.map((s) => ({ id: idOf(s, resource?.scopes ?? []), type: "Scope" })),
        ...r.roles.map((s) => ({ id: idOf(s, resource?.appRoles ?? []), type: "Role" })),
      ],
    };
  });
}

function certificateView(pem: string): GraphObject {
  const cert = new X509Certificate(pem);
  return {
    customKeyIdentifier: createHash("sha1").update(cert.raw).digest("hex").toUpperCase(),
    displayName: cert.subject.replace(/\n/g, ", "),
    endDateTime: new Date(cert.validTo).toISOString(),
    key: null,
    keyId: deterministicId("key-credential", cert.fingerprint256),
    startDateTime: new Date(cert.validFrom).toISOString(),
    type: "AsymmetricX509Cert",
    usage: "Verify",
  };
}

/** A password credential as Graph lists it: never the secret, only its first three characters. */
export function passwordView(secret: AppRegistration["secrets"][number]): GraphObject {
  return {
    customKeyIdentifier: null,
    displayName: secret.displayName ?? null,
    endDateTime: secret.expires ?? null,
    hint: secret.value.slice(0, 3),
    keyId: secret.keyId,
    secretText: null,
    startDateTime: null,
  };
}

export function federatedCredentialView(
  app: AppRegistration,
  f: AppRegistration["federatedCredentials"][number],
) {
  return {
    audiences: f.audiences,
    description: null,
    id: deterministicId("federated-credential", app.clientId, f.name),
    issuer: f.issuer,
    name: f.name,
    subject: f.subject,
  };
}

/** An app registration as `GET /applications/{id}` answers it. */
export function applicationView(directory: Directory, app: AppRegistration, tenant: Tenant): GraphObject {
  const scopes = app.asResource?.scopes ?? [];
  const roles = app.asResource?.appRoles ?? [];
  return {
    id: app.objectId,
    deletedDateTime: null,
    appId: app.clientId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: null,
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: app.identifierUris,
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: app.publicClientFlows ? true : null,
    notes: null,
    publisherDomain: tenant.domain,
    serviceManagementReference: null,
    signInAudience: AUDIENCES[app.signInAudience],
    tags: [],
    tokenEncryptionKeyId: null,
    defaultRedirectUri: null,
    optionalClaims: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: app.asResource ? 2 : null,
      oauth2PermissionScopes: scopes.map(scopeView),
      preAuthorizedApplications: [],
    },
    appRoles: roles.map(roleView),
    info: NO_INFO,
    keyCredentials: app.certificates.map(certificateView),
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: app.secrets.map(passwordView),
    publicClient: { redirectUris: app.redirectUris.publicClient },
    requiredResourceAccess: requiredResourceAccessView(directory, app),
    verifiedPublisher: publisherView(app, tenant),
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: app.redirectUris.web,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
    spa: { redirectUris: app.redirectUris.spa },
  };
}

/** The app registration or first-party API behind a service principal. */
export function principalSubject(
  directory: Directory,
  appId: string,
): { app: AppRegistration | undefined; resource: Resource | undefined } {
  return {
    app:
      directory.apps.find((a) => a.clientId === appId) ??
      directory.firstPartyClients.find((a) => a.clientId === appId),
    resource: directory.resources.find((r) => r.appId === appId),
  };
}

/** A service principal as `GET /servicePrincipals/{id}` answers it. */
export function servicePrincipalView(
  directory: Directory,
  sp: Tenant["servicePrincipals"][number],
): GraphObject {
  const { app, resource } = principalSubject(directory, sp.appId);
  const owner = app && !app.firstParty ? app.homeTenantId : MICROSOFT_SERVICES_TENANT_ID;
  const identifierUris = resource?.identifierUris ?? app?.identifierUris ?? [];
  return {
    id: sp.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: sp.displayName,
    appDescription: null,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: owner,
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
    servicePrincipalNames: [sp.appId, ...identifierUris],
    servicePrincipalType: "Application",
    signInAudience: app ? AUDIENCES[app.signInAudience] : "AzureADMultipleOrgs",
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    verifiedPublisher: publisherView(
      app,
      directory.tenants.find((t) => t.id === app?.homeTenantId),
    ),
    addIns: [],
    appRoles: (resource?.appRoles ?? []).map(roleView),
    info: NO_INFO,
    keyCredentials: [],
    oauth2PermissionScopes: (resource?.scopes ?? []).map(scopeView),
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
  };
}

/**
 * A managed identity's service principal (`servicePrincipalType: ManagedIdentity`). `alternativeNames`
 * holds `isExplicit=True|False` (user- or system-assigned) and the ARM id, as Entra lists them
 * (https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-view-managed-identity-service-principal-cli).
 */
export function managedIdentityView(mi: Tenant["managedIdentities"][number]): GraphObject {
  return {
    id: mi.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [`isExplicit=${mi.type === "userAssigned" ? "True" : "False"}`, mi.resourceId],
    appDisplayName: null,
    appId: mi.clientId,
    appOwnerOrganizationId: null,
    appRoleAssignmentRequired: false,
    displayName: mi.name,
    servicePrincipalNames: [mi.clientId, `https://identity.azure.net/${mi.name}`],
    servicePrincipalType: "ManagedIdentity",
    signInAudience: "AzureADMyOrg",
    tags: [],
    appRoles: [],
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
  };
}

/** Every service principal of a tenant, managed identities included. */
export function servicePrincipalsOf(directory: Directory, tenant: Tenant): GraphObject[] {
  return [
    ...tenant.servicePrincipals.map((sp) => servicePrincipalView(directory, sp)),
    ...tenant.managedIdentities.map(managedIdentityView),
  ];
}

/** The tenant's delegated grants, one per client, resource and principal, as Graph keeps them. */
export function grantsOf(tenant: Tenant): GraphObject[] {
  const byKey = new Map<string, GraphObject & { scopes: Set<string> }>();
  for (const g of tenant.grants) {
    const clientId = servicePrincipalObjectId(tenant.id, g.clientAppId);
    const resourceId = servicePrincipalObjectId(tenant.id, g.resourceAppId);
    const id = grantId(clientId, resourceId, g.principalId);
    const found = byKey.get(id) ?? {
      clientId,
      consentType: g.principalId ? "Principal" : "AllPrincipals",
      id,
      principalId: g.principalId ?? null,
      resourceId,
      scopes: new Set<string>(),
    };
    g.scopes.forEach((s) => found.scopes.add(s));
    byKey.set(id, found);
  }
  return [...byKey.values()].map(({ scopes, ...grant }) => ({ ...grant, scope: [...scopes].join(" ") }));
}

/** The tenant's app role assignments (application permissions), one object per role. */
export function appRoleAssignmentsOf(directory: Directory, tenant: Tenant): GraphObject[] {
  return tenant.appRoleAssignments.flatMap((a) => {
    const principalId = servicePrincipalObjectId(tenant.id, a.clientAppId);
    const resource = directory.resources.find((r) => r.appId === a.resourceAppId);
    const principal = tenant.servicePrincipals.find((sp) => sp.appId === a.clientAppId);
    return a.roles.map((role) => ({
      id: appRoleAssignmentId(principalId, a.resourceAppId, role),
      deletedDateTime: null,
      appRoleId: resource?.appRoles.find((r) => r.value === role)?.id ?? role,
      createdDateTime: null,
      principalDisplayName: principal?.displayName ?? a.clientAppId,
      principalId,
      principalType: "ServicePrincipal",
      resourceDisplayName: resource?.displayName ?? a.resourceAppId,
      resourceId: servicePrincipalObjectId(tenant.id, a.resourceAppId),
    }));
  });
}

/**
 * [infer] The licence a Teams-licensed user carries: Microsoft 365 E5 (`SPE_E5`) with its Teams service
 * plan (`TEAMS1`). Ids from the "Product names and service plan identifiers for licensing" list,
 * https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference. Which SKU a
 * world's user holds is not modelled, only whether Teams is licensed.
 */
export const TEAMS_LICENCE = {
  skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
  skuPartNumber: "SPE_E5",
  teamsPlan: { servicePlanId: "57ff2da0-773e-42df-b2af-ffb7a2317929", servicePlanName: "TEAMS1" },
};

/** The properties `GET /users/{id}` returns without `$select` (Graph v1.0 user resource, "default properties"). */
export const USER_DEFAULT_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];

/** A user with every property the sandbox knows; routes narrow it to the defaults unless `$select` asks. */
export function userView(user: User): GraphObject {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.upn,
    id: user.objectId,
    accountEnabled: user.enabled,
    assignedLicenses: user.teamsLicense ? [{ disabledPlans: [], skuId: TEAMS_LICENCE.skuId }] : [],
    mailNickname: user.upn.split("@")[0],
    signInSessionsValidFromDateTime: user.signInSessionsValidFrom ?? null,
    userType: "Member",
  };
}

export function licenceDetailsOf(user: User): GraphObject[] {
  if (!user.teamsLicense) return [];
  return [
    {
      id: deterministicId("license-details", user.objectId, TEAMS_LICENCE.skuId),
      skuId: TEAMS_LICENCE.skuId,
      skuPartNumber: TEAMS_LICENCE.skuPartNumber,
      servicePlans: [{ ...TEAMS_LICENCE.teamsPlan, provisioningStatus: "Success", appliesTo: "User" }],
    },
  ];
}

/** The tenant's directory role objects: Global Administrator always, the others once someone holds them. */
export function directoryRolesOf(tenant: Tenant): (GraphObject & { displayName: string })[] {
  return DIRECTORY_ROLES.filter(
    (r) =>
      r.displayName === "Global Administrator" || tenant.users.some((u) => u.roles.includes(r.displayName)),
  ).map((r) => ({
    "@odata.type": "#microsoft.graph.directoryRole",
    id: deterministicId("directory-role", tenant.id, r.roleTemplateId),
    deletedDateTime: null,
    description: r.description,
    displayName: r.displayName,
    roleTemplateId: r.roleTemplateId,
  }));
}

/** The users holding a directory role, as `GET /directoryRoles/{id}/members` lists them. */
export function directoryRoleMembersOf(tenant: Tenant, role: { displayName: string }): GraphObject[] {
  return tenant.users
    .filter((u) => u.roles.includes(role.displayName as never))
    .map((u) => ({ "@odata.type": "#microsoft.graph.user", ...userView(u) }));
}

/** The tenant as `GET /organization` lists it. */
export function organizationView(tenant: Tenant): GraphObject {
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: null,
    createdDateTime: null,
    displayName: tenant.displayName,
    marketingNotificationEmails: [],
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: null,
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: "AAD",
    assignedPlans: [],
    provisionedPlans: [],
    verifiedDomains: [
      {
        capabilities: "Email, OfficeCommunicationsOnlineService",
        isDefault: true,
        isInitial: true,
        name: tenant.domain,
        type: "Managed",
      },
    ],
  };
}
