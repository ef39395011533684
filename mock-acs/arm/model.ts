import * as z from "zod";
import { deterministicId } from "../../core/ids.js";
import {
  defaultResourceGroup,
  RoleAssignmentSchema,
  subscriptionIdOf,
  type AcsResource,
  type ResourcesDocument,
} from "../resources.js";
import { findRole, type RoleDefinition } from "./roles.js";

/*
 * What Azure Resource Manager knows of the world: subscriptions owned by Entra tenants, their resource
 * groups, and role assignments at subscription, resource group and Communication Services resource
 * scope. The world document keeps them (`subscriptions:` beside `acs:`); assignments on a resource stay
 * in `acs.<name>.roleAssignments`, so ARM and the ACS data plane read one list.
 */

export const ResourceGroupSchema = z.strictObject({
  location: z.string().default("westus"),
  tags: z.record(z.string(), z.string()).default({}),
  roleAssignments: z.array(RoleAssignmentSchema).default([]),
});

export const SubscriptionSchema = z.strictObject({
  /** Owning Entra tenant (world name or id); default: the tenant of the same name. */
  tenant: z.string().optional(),
  /** The subscription's GUID; default: a deterministic id of its name. */
  id: z.guid().optional(),
  displayName: z.string().optional(),
  resourceGroups: z.record(z.string(), ResourceGroupSchema).default({}),
  roleAssignments: z.array(RoleAssignmentSchema).default([]),
});

export const SubscriptionsSchema = z.record(z.string(), SubscriptionSchema).default({});

export type SubscriptionsDocument = z.infer<typeof SubscriptionsSchema>;
export type SubscriptionDocument = z.infer<typeof SubscriptionSchema>;
export type RoleAssignmentDocument = z.infer<typeof RoleAssignmentSchema>;

/** The part of the world document ARM changes: resources and subscriptions. */
export interface ArmDocument {
  acs: ResourcesDocument;
  subscriptions: SubscriptionsDocument;
}

export interface ArmTenant {
  id: string;
  name: string;
  displayName: string;
  domains: string[];
}

export interface ArmResourceGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface ArmSubscription {
  id: string;
  /** The world's name for it (the key under `subscriptions`, or the tenant's name for a default one). */
  name: string;
  displayName: string;
  tenantId: string | undefined;
  resourceGroups: ArmResourceGroup[];
}

/** A role assignment as ARM serves it, principal resolved to an object id. */
export interface ArmRoleAssignment {
  name: string;
  /** ARM id of the scope, canonical casing (`/subscriptions/…/resourceGroups/…`). */
  scope: string;
  principalId: string;
  principalType: string;
  role: RoleDefinition;
  description: string | null;
  createdOn: string | null;
  createdBy: string | null;
}

/** ARM's view of the world. */
export interface ArmWorld {
  tenants: ArmTenant[];
  subscriptions: ArmSubscription[];
  roleAssignments: ArmRoleAssignment[];
  /** Principal types by object id (`User`, `ServicePrincipal`), for assignments and their checks. */
  principalTypes: Map<string, string>;
}

/** How the harness names tenants and principals (it knows the directory). */
export interface ArmResolver {
  tenants: ArmTenant[];
  /** A tenant name or id → its id, or undefined. */
  tenantId(ref: string): string | undefined;
  /** A principal reference in a world file → its object id (throws the world's reference error). */
  principal(ref: string, tenantId: string | undefined, path: (string | number)[]): string;
  principalTypes: Map<string, string>;
  /** An unknown role name → the world's reference error. */
  unknownRole(ref: string, path: (string | number)[]): Error;
}

/** `/subscriptions/{id}` and `/subscriptions/{id}/resourceGroups/{name}`. */
export const subscriptionScope = (id: string) => `/subscriptions/${id}`;
export const resourceGroupScope = (id: string, group: string) =>
  `/subscriptions/${id}/resourceGroups/${group}`;

/** ARM compares ids without regard to case. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether `scope` is `outer` or lies beneath it. */
export function isWithin(scope: string, outer: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  const o = outer.toLowerCase().replace(/\/+$/, "");
  return s === o || s.startsWith(`${o}/`);
}

function assignments(
  list: RoleAssignmentDocument[],
  scope: string,
  tenantId: string | undefined,
  resolver: ArmResolver,
  path: (string | number)[],
): ArmRoleAssignment[] {
  return list.map((a, i) => {
    const role = findRole(a.role);
    if (!role) throw resolver.unknownRole(a.role, [...path, i, "role"]);
    const principalId = resolver.principal(a.principal, tenantId, [...path, i, "principal"]);
    return {
      name: a.name ?? deterministicId("role-assignment", scope.toLowerCase(), principalId, role.id),
      scope,
      principalId,
      principalType: a.principalType ?? resolver.principalTypes.get(principalId) ?? "User",
      role,
      description: a.description ?? null,
      createdOn: a.createdOn ?? null,
      createdBy: a.createdBy ?? null,
    };
  });
}

/**
 * ARM's view: every tenant has a default subscription named after it (the id managed identities' ARM ids
 * already use); `subscriptions:` adds others or configures those; resource groups are declared or implied
 * by the resources placed in them.
 */
export function buildArm(doc: ArmDocument, resources: AcsResource[], resolver: ArmResolver): ArmWorld {
  const declared = new Map(Object.entries(doc.subscriptions));
  for (const tenant of resolver.tenants)
    if (!declared.has(tenant.name)) declared.set(tenant.name, {} as never);
  const subscriptions: ArmSubscription[] = [];
  const roleAssignments: ArmRoleAssignment[] = [];
  for (const [name, s] of declared) {
    const sub = SubscriptionSchema.parse(s ?? {});
    const id = sub.id ?? subscriptionIdOf(name);
    const tenantId = resolver.tenantId(sub.tenant ?? name);
    const tenant = resolver.tenants.find((t) => t.id === tenantId);
    const groups = new Map<string, ArmResourceGroup>(
      Object.entries(sub.resourceGroups).map(([g, rg]) => [
        g.toLowerCase(),
        { name: g, location: rg.location, tags: rg.tags },
      ]),
    );
    for (const r of resources.filter((r) => r.subscriptionId === id)) {
      if (!groups.has(r.resourceGroup.toLowerCase())) {
        groups.set(r.resourceGroup.toLowerCase(), { name: r.resourceGroup, location: "westus", tags: {} });
      }
    }
    // Managed identities' ARM ids name the tenant's `<tenant>-sandbox` group in its default subscription.
    if (tenant && name === tenant.name && !groups.has(defaultResourceGroup(name).toLowerCase())) {
      groups.set(defaultResourceGroup(name).toLowerCase(), {
        name: defaultResourceGroup(name),
        location: "westus",
        tags: {},
      });
    }
    subscriptions.push({
      id,
      name,
      displayName: sub.displayName ?? `${tenant?.displayName ?? name} subscription`,
      tenantId,
      resourceGroups: [...groups.values()],
    });
    roleAssignments.push(
      ...assignments(sub.roleAssignments, subscriptionScope(id), tenantId, resolver, [
        "subscriptions",
        name,
        "roleAssignments",
      ]),
    );
    for (const [g, rg] of Object.entries(sub.resourceGroups)) {
      roleAssignments.push(
        ...assignments(rg.roleAssignments, resourceGroupScope(id, g), tenantId, resolver, [
          "subscriptions",
          name,
          "resourceGroups",
          g,
          "roleAssignments",
        ]),
      );
    }
  }
  for (const r of resources) {
    roleAssignments.push(
      ...assignments(doc.acs[r.name]?.roleAssignments ?? [], r.armId, r.tenantId, resolver, [
        "acs",
        r.name,
        "roleAssignments",
      ]),
    );
  }
  return {
    tenants: resolver.tenants,
    subscriptions,
    roleAssignments,
    principalTypes: resolver.principalTypes,
  };
}

/** The assignments that apply at a scope: at it or at any scope above it (RBAC inheritance), nearest first. */
export function effectiveAssignments(arm: ArmWorld, scope: string): ArmRoleAssignment[] {
  return arm.roleAssignments
    .filter((a) => isWithin(scope, a.scope))
    .sort((a, b) => b.scope.length - a.scope.length);
}

/** The world-file key of a subscription by id, or undefined. */
export function subscriptionById(arm: ArmWorld, id: string): ArmSubscription | undefined {
  return arm.subscriptions.find((s) => sameId(s.id, id));
}
