import * as z from "zod";
import { durationMs } from "../core/duration.js";
import { deterministicId } from "../core/ids.js";
import {
  FIRST_PARTY_CLIENTS,
  FIRST_PARTY_RESOURCES,
  MICROSOFT_SERVICES_TENANT_ID,
  findFirstParty,
  findFirstPartyClient,
  type AppRole,
  type DelegatedScope,
} from "./first-party.js";
import { DIRECTORY_ROLE_NAMES, type DirectoryRoleName } from "./directory-roles.js";
import type { LockoutPolicy } from "./lockout.js";

/*
 * The Entra ID half of the world: tenants, their users, app registrations, service principals, consent
 * grants and the user-consent policy. World files write it as maps keyed by name (so `extends` can deep
 * merge); `buildDirectory` resolves names to the objects and ids Entra would have.
 */

const guid = z.guid();

export const UserSchema = z.strictObject({
  objectId: guid.optional(),
  displayName: z.string().optional(),
  /** Sign-in name; defaults to `<name>@<tenant domain>`. */
  upn: z.string().optional(),
  password: z.string().default("Passw0rd!"),
  teamsLicense: z.boolean().default(true),
  enabled: z.boolean().default(true),
  mfaRequired: z.boolean().default(false),
  /** Global Administrator (the same as `roles: [Global Administrator]`). */
  isAdmin: z.boolean().default(false),
  /** Entra directory roles the user holds (Graph `memberOf`, and what Graph lets them change). */
  roles: z.array(z.enum(DIRECTORY_ROLE_NAMES)).default([]),
  /**
   * Graph's `signInSessionsValidFromDateTime` (set by `revokeSignInSessions`): refresh tokens from sign-ins
   * before this instant fail with AADSTS50173 once the sandbox clock has passed it.
   */
  signInSessionsValidFrom: z.iso.datetime({ offset: true }).optional(),
});

export const GrantSchema = z.strictObject({
  /** App registration name or client id that holds the permission. */
  client: z.string(),
  /** First-party key (`acs`, `graph`), app id, identifier URI, or an app registration name. */
  resource: z.string(),
  scopes: z.array(z.string()).min(1),
  /** Absent: tenant-wide admin grant (AllPrincipals). Present: this user's own consent. */
  user: z.string().optional(),
});

/**
 * Application permissions granted to a client app in a tenant (Graph `appRoleAssignments`, "Grant admin
 * consent" for the app's `Application` permissions): app-only tokens for `resource` carry these `roles`.
 */
export const AppRoleAssignmentSchema = z.strictObject({
  /** App registration name, first-party key or client id of the app that holds the roles. */
  client: z.string(),
  /** First-party key (`graph`), app id, identifier URI, or an app registration name. */
  resource: z.string(),
  /** Role values (`Application.ReadWrite.All`). */
  roles: z.array(z.string()).min(1),
});

export const UserConsentPolicySchema = z.enum(["allowAll", "verifiedPublishersOnly", "none"]);

/**
 * A managed identity of the tenant (Entra "managed identity" service principal). `assigned` says whether
 * the machine the sandbox plays (the VM or App Service calling IMDS) has it: the IMDS and App Service
 * endpoints issue tokens for assigned identities only, and the system-assigned one is the first assigned
 * `systemAssigned` identity of the world.
 */
export const ManagedIdentitySchema = z.strictObject({
  type: z.enum(["systemAssigned", "userAssigned"]),
  clientId: guid.optional(),
  objectId: guid.optional(),
  assigned: z.boolean().default(true),
});

/** Smart lockout of a tenant: `threshold` wrong passwords lock an account for `duration` ("60s", or seconds). */
export const LockoutSchema = z.strictObject({
  threshold: z.number().int().min(1).default(10),
  duration: z
    .union([
      z.string().regex(/^(\d+(\.\d+)?(ms|d|h|m|s))+$/, 'expected a duration such as "60s" or "5m"'),
      z.number().positive(),
    ])
    .default("60s")
    .describe('How long an account stays locked: "60s", "5m", or a bare number of seconds'),
});

export const TenantSchema = z.strictObject({
  id: guid.optional(),
  displayName: z.string().optional(),
  domain: z.string().optional(),
  userConsentPolicy: UserConsentPolicySchema.default("verifiedPublishersOnly"),
  users: z.record(z.string(), UserSchema).default({}),
  /** Resources and apps this tenant has a service principal of: first-party keys or app registration names. */
  servicePrincipals: z.array(z.string()).default([]),
  grants: z.array(GrantSchema).default([]),
  appRoleAssignments: z.array(AppRoleAssignmentSchema).default([]),
  /** Smart lockout (AADSTS50053); absent: wrong passwords never lock an account. Entra's defaults are 10 and 60s. */
  lockout: LockoutSchema.optional(),
  managedIdentities: z.record(z.string(), ManagedIdentitySchema).default({}),
});

/** A workload identity federation record (Certificates & secrets → Federated credentials). */
export const FederatedCredentialSchema = z.strictObject({
  name: z.string().optional(),
  issuer: z.string().min(1),
  subject: z.string().min(1),
  audiences: z.array(z.string()).min(1).default(["api://AzureADTokenExchange"]),
});

export const ClientSecretSchema = z.strictObject({
  value: z.string().min(1),
  /** ISO instant after which Entra answers 7000222. */
  expires: z.iso.datetime({ offset: true }).optional(),
  /** Graph's `passwordCredentials[].keyId`; derived from the app and the secret when absent. */
  keyId: guid.optional(),
  displayName: z.string().optional(),
});

/** A delegated scope an app exposes: its name, or the name with the id and consent rule Graph set. */
export const ExposedScopeSchema = z.union([
  z.string(),
  z.strictObject({
    value: z.string().min(1),
    id: guid.optional(),
    displayName: z.string().optional(),
    adminConsentRequired: z.boolean().default(false),
  }),
]);

/** An app role an app exposes: its value, or the value with the id and member types Graph set. */
export const AppRoleSchema = z.union([
  z.string(),
  z.strictObject({
    value: z.string().min(1),
    id: guid.optional(),
    displayName: z.string().optional(),
    description: z.string().optional(),
    allowedMemberTypes: z.array(z.enum(["Application", "User"])).default(["Application"]),
  }),
]);

export const AppRegistrationSchema = z.strictObject({
  /** Home tenant (name). */
  tenant: z.string(),
  clientId: guid.optional(),
  displayName: z.string().optional(),
  signInAudience: z.enum(["single", "multitenant"]).default("multitenant"),
  publicClientFlows: z.boolean().default(false),
  redirectUris: z
    .strictObject({
      publicClient: z.array(z.string()).default([]),
      web: z.array(z.string()).default([]),
      spa: z.array(z.string()).default([]),
    })
    .default({ publicClient: [], web: [], spa: [] }),
  secrets: z.array(ClientSecretSchema).default([]),
  /** PEM certificates whose keys may sign `client_assertion` JWTs (Certificates & secrets → Certificates). */
  certificates: z.array(z.string().includes("BEGIN CERTIFICATE")).default([]),
  /** External tokens (Kubernetes service accounts, CI) this app accepts as its `client_assertion`. */
  federatedCredentials: z.array(FederatedCredentialSchema).default([]),
  verifiedPublisher: z.boolean().default(false),
  /** Permissions the app asks for: resource (first-party key, app id, URI or app name) → scope names. */
  requiredResourceAccess: z.record(z.string(), z.array(z.string())).default({}),
  /** Application permissions the app asks for: resource (as above) → role values (Graph `type: Role`). */
  requiredAppRoles: z.record(z.string(), z.array(z.string())).default({}),
  /** Delegated scopes this app exposes as an API (for on-behalf-of), under `api://<clientId>`. */
  exposedScopes: z.array(ExposedScopeSchema).default([]),
  /** Application permissions (roles) this app exposes. */
  appRoles: z.array(AppRoleSchema).default([]),
  /** The app's identifier URIs; default `api://<clientId>` when it exposes scopes or roles. */
  identifierUris: z.array(z.string()).optional(),
  /**
   * Whether the home tenant holds the app's service principal without listing it: the portal creates it
   * on registration; an app registered through Graph has none until `POST /servicePrincipals`.
   */
  homeServicePrincipal: z.boolean().default(true),
});

export const DirectorySchema = z.strictObject({
  tenants: z.record(z.string(), TenantSchema).default({}),
  apps: z.record(z.string(), AppRegistrationSchema).default({}),
});

export type DirectoryDocument = z.infer<typeof DirectorySchema>;
export type UserConsentPolicy = z.infer<typeof UserConsentPolicySchema>;

export interface User {
  name: string;
  objectId: string;
  upn: string;
  displayName: string;
  password: string;
  teamsLicense: boolean;
  enabled: boolean;
  mfaRequired: boolean;
  isAdmin: boolean;
  /** Directory roles, Global Administrator included for `isAdmin`. */
  roles: DirectoryRoleName[];
  tenantId: string;
  signInSessionsValidFrom?: string | undefined;
}

/** Anything a token can be issued for: a first-party API or an app registration exposing scopes. */
export interface Resource {
  appId: string;
  displayName: string;
  identifierUris: string[];
  scopes: DelegatedScope[];
  appRoles: AppRole[];
  accessTokenVersion: 1 | 2;
}

export interface ServicePrincipal {
  appId: string;
  objectId: string;
  displayName: string;
}

export interface Grant {
  clientAppId: string;
  resourceAppId: string;
  scopes: string[];
  /** `undefined` for a tenant-wide (AllPrincipals) grant, else the consenting user's object id. */
  principalId: string | undefined;
}

/** Application permissions of a client app's service principal on a resource, in one tenant. */
export interface AppRoleAssignment {
  clientAppId: string;
  resourceAppId: string;
  /** Role values; ids are the resource's (`Resource.appRoles`). */
  roles: string[];
}

export interface ManagedIdentity {
  name: string;
  type: "systemAssigned" | "userAssigned";
  /** The identity's app id (`appid` in its tokens, `client_id` at IMDS). */
  clientId: string;
  /** Its service principal's object id (`oid`, `object_id`/`principal_id` at IMDS). */
  objectId: string;
  /** ARM id (`msi_res_id` / `mi_res_id`): a user-assigned identity resource, or the VM's own. */
  resourceId: string;
  tenantId: string;
  assigned: boolean;
}

export interface Tenant {
  name: string;
  id: string;
  domain: string;
  displayName: string;
  userConsentPolicy: UserConsentPolicy;
  users: User[];
  servicePrincipals: ServicePrincipal[];
  grants: Grant[];
  appRoleAssignments: AppRoleAssignment[];
  lockout: LockoutPolicy | undefined;
  managedIdentities: ManagedIdentity[];
}

export interface FederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppRegistration {
  name: string;
  clientId: string;
  /** The application object's id (Graph `applications/{id}`), distinct from the client id. */
  objectId: string;
  displayName: string;
  homeTenantId: string;
  signInAudience: "single" | "multitenant";
  publicClientFlows: boolean;
  redirectUris: { publicClient: string[]; web: string[]; spa: string[] };
  secrets: { value: string; expires: string | undefined; keyId: string; displayName: string | undefined }[];
  /** PEM certificates for client assertions. */
  certificates: string[];
  federatedCredentials: FederatedCredential[];
  verifiedPublisher: boolean;
  requiredResourceAccess: { resourceAppId: string; scopes: string[]; roles: string[] }[];
  identifierUris: string[];
  /** The app as an API (for OBO), when it exposes scopes. */
  asResource: Resource | undefined;
  /** Microsoft's own apps (Azure CLI, …): scopes every tenant has consented to, by resource. */
  preAuthorized?: { resourceAppId: string; scopes: string[] }[];
  /** A Microsoft first-party client, present in every tenant; not part of the world document. */
  firstParty?: boolean;
}

/** The resolved, read-only view of the Entra world that routes and the policy work on. */
export interface Directory {
  tenants: Tenant[];
  apps: AppRegistration[];
  /** Microsoft's client apps (Azure CLI, Azure PowerShell, Graph Command Line Tools), in every tenant. */
  firstPartyClients: AppRegistration[];
  resources: Resource[];
}

/** Thrown for references that name nothing (a grant for an unknown app, a user of an unknown tenant). */
export class WorldReferenceError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
    this.name = "WorldReferenceError";
  }
}

/*
 * Ids a world file gives are kept lower-case, as Entra writes GUIDs: look-ups lower-case what a client
 * sends, so a tenant written `6A1B…` in the world is found at `/6a1b…/` and at `/6A1B…/` alike.
 */
export function appClientId(name: string, given: string | undefined): string {
  return given?.toLowerCase() ?? deterministicId("app", name);
}

export function tenantIdOf(name: string, given: string | undefined): string {
  return given?.toLowerCase() ?? deterministicId("tenant", name);
}

export function servicePrincipalObjectId(tenantId: string, appId: string): string {
  return deterministicId("service-principal", tenantId, appId);
}

/** The object id of an app registration's application object (Graph `applications/{id}`). */
export function applicationObjectId(clientId: string): string {
  return deterministicId("application", clientId);
}

/** Graph `keyId` of a client secret the world gives without one. */
export function secretKeyId(clientId: string, index: number, value: string): string {
  return deterministicId("password-credential", clientId, String(index), value);
}

function exposedScopes(clientId: string, doc: z.infer<typeof ExposedScopeSchema>[]): DelegatedScope[] {
  return doc.map((scope) => {
    const s = typeof scope === "string" ? { value: scope, adminConsentRequired: false } : scope;
    return {
      name: s.value,
      id: ("id" in s && s.id?.toLowerCase()) || deterministicId("scope", clientId, s.value),
      displayName: ("displayName" in s && s.displayName) || s.value,
      adminConsentRequired: s.adminConsentRequired,
    };
  });
}

function exposedRoles(clientId: string, doc: z.infer<typeof AppRoleSchema>[]): AppRole[] {
  return doc.map((role) => {
    const r = typeof role === "string" ? { value: role } : role;
    const displayName = ("displayName" in r && r.displayName) || r.value;
    return {
      value: r.value,
      id: ("id" in r && r.id?.toLowerCase()) || deterministicId("app-role", clientId, r.value),
      displayName,
      description: ("description" in r && r.description) || displayName,
      allowedMemberTypes: ("allowedMemberTypes" in r && r.allowedMemberTypes) || ["Application"],
    };
  });
}

/** Microsoft's client apps as the directory holds them: public, multi-tenant, pre-authorized. */
function firstPartyClientApps(): AppRegistration[] {
  return FIRST_PARTY_CLIENTS.map((c) => ({
    name: c.key,
    clientId: c.appId,
    objectId: applicationObjectId(c.appId),
    displayName: c.displayName,
    homeTenantId: MICROSOFT_SERVICES_TENANT_ID,
    signInAudience: "multitenant",
    publicClientFlows: true,
    redirectUris: { publicClient: c.redirectUris, web: [], spa: [] },
    secrets: [],
    certificates: [],
    federatedCredentials: [],
    verifiedPublisher: true,
    requiredResourceAccess: c.preAuthorized.map((p) => ({ ...p, roles: [] })),
    identifierUris: [],
    asResource: undefined,
    preAuthorized: c.preAuthorized,
    firstParty: true,
  }));
}

/**
 * ARM ids of managed identities. [infer] The subscription and resource group are sandbox placeholders;
 * the path layout is Azure's (`Microsoft.ManagedIdentity/userAssignedIdentities`, `Microsoft.Compute/
 * virtualMachines` for a VM's system-assigned identity).
 */
export function managedIdentityResourceId(tenantName: string, name: string, type: ManagedIdentity["type"]) {
  const subscription = deterministicId("subscription", tenantName);
  const group = `/subscriptions/${subscription}/resourceGroups/${tenantName}-sandbox/providers`;
  return type === "userAssigned"
    ? `${group}/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
    : `${group}/Microsoft.Compute/virtualMachines/${name}`;
}

function buildManagedIdentities(
  tenantName: string,
  tenantId: string,
  doc: Record<string, z.infer<typeof ManagedIdentitySchema>>,
): ManagedIdentity[] {
  return Object.entries(doc).map(([name, mi]) => ({
    name,
    type: mi.type,
    clientId: mi.clientId ?? deterministicId("managed-identity-app", tenantId, name),
    objectId: mi.objectId ?? deterministicId("managed-identity", tenantId, name),
    resourceId: managedIdentityResourceId(tenantName, name, mi.type),
    tenantId,
    assigned: mi.assigned,
  }));
}

/** Resolves a world document into the directory Entra would hold. */
export function buildDirectory(doc: DirectoryDocument): Directory {
  const apps: AppRegistration[] = [];
  const tenantIds = new Map(Object.entries(doc.tenants).map(([name, t]) => [name, tenantIdOf(name, t.id)]));

  for (const [name, app] of Object.entries(doc.apps)) {
    const homeTenantId = tenantIds.get(app.tenant);
    if (!homeTenantId) {
      throw new WorldReferenceError(["apps", name, "tenant"], `Unknown tenant "${app.tenant}"`);
    }
    const clientId = appClientId(name, app.clientId);
    const scopes = exposedScopes(clientId, app.exposedScopes);
    const roles = exposedRoles(clientId, app.appRoles);
    const identifierUris =
      app.identifierUris ?? (scopes.length > 0 || roles.length > 0 ? [`api://${clientId}`] : []);
    apps.push({
      name,
      clientId,
      objectId: applicationObjectId(clientId),
      displayName: app.displayName ?? name,
      homeTenantId,
      signInAudience: app.signInAudience,
      publicClientFlows: app.publicClientFlows,
      redirectUris: app.redirectUris,
      secrets: app.secrets.map((s, i) => ({
        value: s.value,
        expires: s.expires,
        keyId: s.keyId?.toLowerCase() ?? secretKeyId(clientId, i, s.value),
        displayName: s.displayName,
      })),
      certificates: app.certificates,
      federatedCredentials: app.federatedCredentials.map((f, i) => ({
        name: f.name ?? `federated-credential-${i + 1}`,
        issuer: f.issuer,
        subject: f.subject,
        audiences: f.audiences,
      })),
      verifiedPublisher: app.verifiedPublisher,
      requiredResourceAccess: [],
      identifierUris,
      asResource:
        scopes.length > 0 || roles.length > 0
          ? {
              appId: clientId,
              displayName: app.displayName ?? name,
              identifierUris,
              scopes,
              appRoles: roles,
              accessTokenVersion: 2,
            }
          : undefined,
    });
  }
  const firstPartyClients = firstPartyClientApps();

  const resources: Resource[] = [
    ...FIRST_PARTY_RESOURCES,
    ...apps.flatMap((a) => (a.asResource ? [a.asResource] : [])),
  ];
  const resolveAppId = (ref: string, path: (string | number)[]): string => {
    const firstParty = findFirstParty(ref);
    if (firstParty) return firstParty.appId;
    const app = apps.find((a) => a.name === ref || a.clientId === ref.toLowerCase());
    if (app) return app.clientId;
    const client = findFirstPartyClient(ref);
    if (client) return client.appId;
    throw new WorldReferenceError(
      path,
      `Unknown resource or app "${ref}": expected one of ${[...FIRST_PARTY_RESOURCES.map((r) => r.key), ...apps.map((a) => a.name)].join(", ")}`,
    );
  };

  for (const app of apps) {
    const source = doc.apps[app.name]!;
    const byResource = new Map<string, { resourceAppId: string; scopes: string[]; roles: string[] }>();
    const entry = (ref: string, field: string) => {
      const resourceAppId = resolveAppId(ref, ["apps", app.name, field, ref]);
      const found = byResource.get(resourceAppId) ?? { resourceAppId, scopes: [], roles: [] };
      byResource.set(resourceAppId, found);
      return found;
    };
    for (const [ref, scopes] of Object.entries(source.requiredResourceAccess)) {
      entry(ref, "requiredResourceAccess").scopes.push(...scopes);
    }
    for (const [ref, roles] of Object.entries(source.requiredAppRoles)) {
      entry(ref, "requiredAppRoles").roles.push(...roles);
    }
    app.requiredResourceAccess = [...byResource.values()];
  }

  const tenants: Tenant[] = Object.entries(doc.tenants).map(([name, t]) => {
    const id = tenantIds.get(name)!;
    const domain = t.domain ?? `${name}.onmicrosoft.com`;
    const users: User[] = Object.entries(t.users).map(([userName, u]) => ({
      name: userName,
      objectId: u.objectId?.toLowerCase() ?? deterministicId("user", id, userName),
      upn: u.upn ?? `${userName}@${domain}`,
      displayName: u.displayName ?? userName.charAt(0).toUpperCase() + userName.slice(1),
      password: u.password,
      teamsLicense: u.teamsLicense,
      enabled: u.enabled,
      mfaRequired: u.mfaRequired,
      isAdmin: u.isAdmin,
      roles:
        u.isAdmin && !u.roles.includes("Global Administrator")
          ? ["Global Administrator", ...u.roles]
          : u.roles,
      tenantId: id,
      signInSessionsValidFrom: u.signInSessionsValidFrom,
    }));
    const servicePrincipals = t.servicePrincipals.map((ref, i) => {
      const appId = resolveAppId(ref, ["tenants", name, "servicePrincipals", i]);
      const displayName =
        resources.find((r) => r.appId === appId)?.displayName ??
        apps.find((a) => a.clientId === appId)?.displayName ??
        ref;
      return { appId, objectId: servicePrincipalObjectId(id, appId), displayName };
    });
    // An app's home tenant always holds its service principal, as the portal creates it on registration;
    // every tenant holds Microsoft's core APIs and client apps, as in Entra.
    const implicit = [
      ...apps.filter((a) => a.homeTenantId === id && doc.apps[a.name]!.homeServicePrincipal),
      ...FIRST_PARTY_RESOURCES.filter((r) => r.inEveryTenant),
      ...firstPartyClients,
    ];
    for (const app of implicit) {
      const appId = "clientId" in app ? app.clientId : app.appId;
      if (!servicePrincipals.some((sp) => sp.appId === appId)) {
        servicePrincipals.push({
          appId,
          objectId: servicePrincipalObjectId(id, appId),
          displayName: app.displayName,
        });
      }
    }
    const grants = t.grants.map((g, i) => {
      const path = ["tenants", name, "grants", i];
      let principalId: string | undefined;
      if (g.user !== undefined) {
        const user = users.find((u) => u.name === g.user || u.upn === g.user);
        if (!user)
          throw new WorldReferenceError([...path, "user"], `Unknown user "${g.user}" in tenant "${name}"`);
        principalId = user.objectId;
      }
      return {
        clientAppId: resolveAppId(g.client, [...path, "client"]),
        resourceAppId: resolveAppId(g.resource, [...path, "resource"]),
        scopes: g.scopes,
        principalId,
      };
    });
    const appRoleAssignments = t.appRoleAssignments.map((a, i) => ({
      clientAppId: resolveAppId(a.client, ["tenants", name, "appRoleAssignments", i, "client"]),
      resourceAppId: resolveAppId(a.resource, ["tenants", name, "appRoleAssignments", i, "resource"]),
      roles: a.roles,
    }));
    return {
      name,
      id,
      domain,
      displayName: t.displayName ?? name.charAt(0).toUpperCase() + name.slice(1),
      userConsentPolicy: t.userConsentPolicy,
      users,
      servicePrincipals,
      grants,
      appRoleAssignments,
      managedIdentities: buildManagedIdentities(name, id, t.managedIdentities),
      lockout: t.lockout && {
        threshold: t.lockout.threshold,
        durationMs: durationMs(t.lockout.duration),
      },
    };
  });

  return { tenants, apps, firstPartyClients, resources };
}

/** Finds a tenant by what an authority path segment may hold: GUID, verified domain, or world name. */
export function findTenant(directory: Directory, segment: string): Tenant | undefined {
  const key = segment.toLowerCase();
  return directory.tenants.find(
    (t) => t.id === key || t.domain.toLowerCase() === key || t.name.toLowerCase() === key,
  );
}

/** Finds a user by UPN across tenants (Entra resolves the home tenant from the sign-in name). */
export function findUserByUpn(directory: Directory, upn: string): { tenant: Tenant; user: User } | undefined {
  const key = upn.toLowerCase();
  for (const tenant of directory.tenants) {
    const user = tenant.users.find((u) => u.upn.toLowerCase() === key);
    if (user) return { tenant, user };
  }
  return undefined;
}
