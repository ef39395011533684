import { createHash } from "node:crypto";
import * as z from "zod";
import { deterministicId, isGuid } from "../core/ids.js";

/*
 * The ACS half of the world: Communication Services resources, their access keys and the Entra
 * principals holding a role on them. Like the real service, nothing here knows about Entra tenants'
 * internals: a principal is the object id (`oid`) a bearer token carries, in the resource's tenant (`tid`).
 */

export const RoleAssignmentSchema = z.strictObject({
  /**
   * The Entra principal holding the role: an object id, or a name the harness resolves to one (a user
   * `alice` or `fabrikam/alice`, an app registration meaning its service principal in the resource's
   * tenant, a managed identity).
   */
  principal: z.string(),
  /** A built-in role's name (`Contributor`) or role definition GUID. */
  role: z.string().default("Contributor"),
  /** The assignment's GUID name in ARM; derived from scope, principal and role when absent. */
  name: z.guid().optional(),
  /** `User`, `ServicePrincipal`, `Group`: as the assignment was created (ARM's `principalType`). */
  principalType: z.string().optional(),
  description: z.string().optional(),
  /** When and by whom (object id) it was created through ARM. */
  createdOn: z.string().optional(),
  createdBy: z.string().optional(),
});

/**
 * A Teams Phone extensibility assignment (`/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}`).
 * `user` is `<tenant>/<user>` (world names) or an object id with `tenant`; `clients` are app registration
 * names or client ids. The harness resolves names to ids.
 */
export const TeamsExtensionAssignmentSchema = z.strictObject({
  user: z.string(),
  tenant: z.string().optional(),
  principalType: z.enum(["user", "resourceAccount"]).default("user"),
  clients: z.array(z.string()).default([]),
});

/**
 * An Entra ID users assignment (`/access/entra/assignments/{objectId}`): a user (`<tenant>/<user>` or an
 * object id with `tenant`), a group (its object id, with `tenant`), or a whole tenant (`principal` names
 * the tenant).
 */
export const EntraAssignmentSchema = z.strictObject({
  principal: z.string(),
  tenant: z.string().optional(),
  principalType: z.enum(["user", "group", "tenant"]).default("user"),
  clients: z.array(z.string()).default([]),
});

export const AcsResourceSchema = z.strictObject({
  /** Owning tenant (world name), for the descriptor; ACS itself does not use it. */
  tenant: z.string().optional(),
  /**
   * The ARM subscription holding the resource (a name under the world's `subscriptions`, or a GUID);
   * default: the owning tenant's default subscription, named after the tenant.
   */
  subscription: z.string().optional(),
  /** The ARM resource group; default `<tenant>-sandbox`, as the managed identities' ARM ids use. */
  resourceGroup: z.string().optional(),
  /** ARM tags. */
  tags: z.record(z.string(), z.string()).default({}),
  resourceId: z.guid().optional(),
  location: z.string().default("unitedstates"),
  /** Data location region code that appears in tokens as `rgn`. */
  region: z.string().default("amer"),
  primaryKey: z.base64().optional(),
  secondaryKey: z.base64().optional(),
  roleAssignments: z.array(RoleAssignmentSchema).default([]),
  teamsExtensionAssignments: z.array(TeamsExtensionAssignmentSchema).default([]),
  entraAssignments: z.array(EntraAssignmentSchema).default([]),
});

export const ResourcesSchema = z.record(z.string(), AcsResourceSchema).default({});

export type ResourcesDocument = z.infer<typeof ResourcesSchema>;

export interface AcsResource {
  name: string;
  resourceId: string;
  location: string;
  region: string;
  /** Base64 access keys, as the portal shows them. */
  primaryKey: string;
  secondaryKey: string;
  /**
   * Object ids of the principals holding a role on the resource, at its own scope or inherited from its
   * resource group or subscription (Azure RBAC binds a role to one object id). The harness resolves names
   * and inheritance (harness/sandbox/world.ts).
   */
  roleAssignments: { principal: string; role: string }[];
  /** ARM placement: subscription id, resource group and the resource's ARM id. */
  subscriptionId: string;
  resourceGroup: string;
  /** `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Communication/communicationServices/{name}` */
  armId: string;
  tags: Record<string, string>;
  /** Assignments the world starts with, by ids (the API's own changes live in the assignment store). */
  teamsExtensionAssignments: TeamsExtensionAssignment[];
  entraAssignments: EntraAssignment[];
  tenant: string | undefined;
  /**
   * Entra tenant id of the resource's subscription, when known: a bearer token must be issued by this
   * tenant (`tid`), as Azure checks the token's tenant against the resource's.
   */
  tenantId?: string;
}

/** The wire form of a Teams Phone extensibility assignment (`TeamsExtensionAssignmentResponse`). */
export interface TeamsExtensionAssignment {
  objectId: string;
  tenantId: string;
  principalType: string;
  clientIds: string[];
}

/** The wire form of an Entra ID users assignment (`EntraAssignment`). */
export interface EntraAssignment {
  objectId: string;
  tenantId: string;
  principalType: string;
  clientIds: string[];
}

/** Names in a world's assignments resolved to ids (by the harness, which knows the directory). */
export interface AssignmentResolver {
  /** `<tenant>/<user>`, a user name, or an object id → the user's tenant id and object id. */
  user(ref: string, tenant: string | undefined): { tenantId: string; objectId: string };
  /** A tenant name or id → its id. */
  tenant(ref: string): string;
  /** An app registration name or client id → its client id. */
  client(ref: string): string;
}

/** A deterministic 32-byte key, base64, so connection strings are stable across runs. */
function derivedKey(name: string, which: string): string {
  return createHash("sha256").update(`acs-sandbox:${name}:${which}`).digest("base64");
}

/** Ids are returned as given when no resolver is passed (a world of raw ids). */
const rawIds: AssignmentResolver = {
  user: (ref, tenant) => ({ tenantId: tenant ?? "", objectId: ref }),
  tenant: (ref) => ref,
  client: (ref) => ref,
};

/** The default resource group of a tenant's resources (the managed identities' ARM ids use it too). */
export function defaultResourceGroup(tenant: string | undefined): string {
  return `${tenant ?? "default"}-sandbox`;
}

/** A subscription's id: a GUID as given, else the deterministic id of its world name. */
export function subscriptionIdOf(ref: string): string {
  return isGuid(ref) ? ref.toLowerCase() : deterministicId("subscription", ref);
}

/** The ARM id of a Communication Services resource. */
export function communicationServiceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Communication/communicationServices/${name}`;
}

export function buildResources(doc: ResourcesDocument, resolve: AssignmentResolver = rawIds): AcsResource[] {
  return Object.entries(doc).map(([name, r]) => {
    const subscriptionId = subscriptionIdOf(r.subscription ?? r.tenant ?? "default");
    const resourceGroup = r.resourceGroup ?? defaultResourceGroup(r.tenant);
    return {
      name,
      subscriptionId,
      resourceGroup,
      armId: communicationServiceId(subscriptionId, resourceGroup, name),
      tags: r.tags,
      resourceId: r.resourceId ?? deterministicId("acs-resource", name),
      location: r.location,
      region: r.region,
      primaryKey: r.primaryKey ?? derivedKey(name, "primary"),
      secondaryKey: r.secondaryKey ?? derivedKey(name, "secondary"),
      roleAssignments: r.roleAssignments.map((a) => ({ principal: a.principal, role: a.role })),
      teamsExtensionAssignments: r.teamsExtensionAssignments.map((a) => ({
        ...resolve.user(a.user, a.tenant),
        principalType: a.principalType,
        clientIds: a.clients.map((c) => resolve.client(c)),
      })),
      entraAssignments: r.entraAssignments.map((a) => {
        const clientIds = a.clients.map((c) => resolve.client(c));
        if (a.principalType === "user") {
          return { ...resolve.user(a.principal, a.tenant), principalType: a.principalType, clientIds };
        }
        if (a.principalType === "tenant") {
          const tenantId = resolve.tenant(a.principal);
          return { objectId: tenantId, tenantId, principalType: a.principalType, clientIds };
        }
        return {
          objectId: a.principal,
          tenantId: resolve.tenant(a.tenant ?? ""),
          principalType: a.principalType,
          clientIds,
        };
      }),
      tenant: r.tenant,
    };
  });
}
