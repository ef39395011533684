import { z } from "zod";
import { durationMs } from "../core/duration.js";
import { deterministicId } from "../core/ids.js";
import { FIRST_PARTY_RESOURCES, findFirstParty, type DelegatedScope } from "./first-party.js";
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
  isAdmin: z.boolean().default(false),
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
});

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
  /** Delegated scopes this app exposes as an API (for on-behalf-of), under `api://<clientId>`. */
  exposedScopes: z.array(z.string()).default([]),
  /** Application permissions (roles) this app exposes. */
  appRoles: z.array(z.string()).default([]),
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
  tenantId: string;
  signInSessionsValidFrom?: string | undefined;
}

/** Anything a token can be issued for: a first-party API or an app registration exposing scopes. */
export interface Resource {
  appId: string;
  displayName: string;
  identifierUris: string[];
  scopes: DelegatedScope[];
  appRoles: string[];
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
  displayName: string;
  homeTenantId: string;
  signInAudience: "single" | "multitenant";
  publicClientFlows: boolean;
  redirectUris: { publicClient: string[]; web: string[]; spa: string[] };
  secrets: { value: string; expires: string | undefined }[];
  /** PEM certificates for client assertions. */
  certificates: string[];
  federatedCredentials: FederatedCredential[];
  verifiedPublisher: boolean;
  requiredResourceAccess: { resourceAppId: string; scopes: string[] }[];
  /** The app as an API (for OBO), when it exposes scopes. */
  asResource: Resource | undefined;
}

/** The resolved, read-only view of the Entra world that routes and the policy work on. */
export interface Directory {
  tenants: Tenant[];
  apps: AppRegistration[];
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
    apps.push({
      name,
      clientId,
      displayName: app.displayName ?? name,
      homeTenantId,
      signInAudience: app.signInAudience,
      publicClientFlows: app.publicClientFlows,
      redirectUris: app.redirectUris,
      secrets: app.secrets.map((s) => ({ value: s.value, expires: s.expires })),
      certificates: app.certificates,
      federatedCredentials: app.federatedCredentials.map((f, i) => ({
        name: f.name ?? `federated-credential-${i + 1}`,
        issuer: f.issuer,
        subject: f.subject,
        audiences: f.audiences,
      })),
      verifiedPublisher: app.verifiedPublisher,
      requiredResourceAccess: [],
      asResource:
        app.exposedScopes.length > 0 || app.appRoles.length > 0
          ? {
              appId: clientId,
              displayName: app.displayName ?? name,
              identifierUris: [`api://${clientId}`],
              scopes: app.exposedScopes.map((scope) => ({
                name: scope,
                id: deterministicId("scope", clientId, scope),
                displayName: scope,
                adminConsentRequired: false,
              })),
              appRoles: app.appRoles,
              accessTokenVersion: 2,
            }
          : undefined,
    });
  }

  const resources: Resource[] = [
    ...FIRST_PARTY_RESOURCES,
    ...apps.flatMap((a) => (a.asResource ? [a.asResource] : [])),
  ];
  const resolveAppId = (ref: string, path: (string | number)[]): string => {
    const firstParty = findFirstParty(ref);
    if (firstParty) return firstParty.appId;
    const app = apps.find((a) => a.name === ref || a.clientId === ref);
    if (app) return app.clientId;
    throw new WorldReferenceError(
      path,
      `Unknown resource or app "${ref}": expected one of ${[...FIRST_PARTY_RESOURCES.map((r) => r.key), ...apps.map((a) => a.name)].join(", ")}`,
    );
  };

  for (const app of apps) {
    const source = doc.apps[app.name]!;
    app.requiredResourceAccess = Object.entries(source.requiredResourceAccess).map(([ref, scopes]) => ({
      resourceAppId: resolveAppId(ref, ["apps", app.name, "requiredResourceAccess", ref]),
      scopes,
    }));
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
    // An app's home tenant always holds its service principal, as the portal creates it on registration.
    for (const app of apps.filter((a) => a.homeTenantId === id)) {
      if (!servicePrincipals.some((sp) => sp.appId === app.clientId)) {
        servicePrincipals.push({
          appId: app.clientId,
          objectId: servicePrincipalObjectId(id, app.clientId),
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
    return {
      name,
      id,
      domain,
      displayName: t.displayName ?? name.charAt(0).toUpperCase() + name.slice(1),
      userConsentPolicy: t.userConsentPolicy,
      users,
      servicePrincipals,
      grants,
      managedIdentities: buildManagedIdentities(name, id, t.managedIdentities),
      lockout: t.lockout && {
        threshold: t.lockout.threshold,
        durationMs: durationMs(t.lockout.duration),
      },
    };
  });

  return { tenants, apps, resources };
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
