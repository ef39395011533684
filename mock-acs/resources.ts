import { createHash } from "node:crypto";
import { z } from "zod";
import { deterministicId } from "../core/ids.js";

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
  role: z.string().default("Contributor"),
});

export const AcsResourceSchema = z.strictObject({
  /** Owning tenant (world name), for the descriptor; ACS itself does not use it. */
  tenant: z.string().optional(),
  resourceId: z.guid().optional(),
  location: z.string().default("unitedstates"),
  /** Data location region code that appears in tokens as `rgn`. */
  region: z.string().default("amer"),
  primaryKey: z.base64().optional(),
  secondaryKey: z.base64().optional(),
  roleAssignments: z.array(RoleAssignmentSchema).default([]),
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
  /** Object ids of the principals holding a role (Azure RBAC binds a role to one object id). */
  roleAssignments: { principal: string; role: string }[];
  tenant: string | undefined;
  /**
   * Entra tenant id of the resource's subscription, when known: a bearer token must be issued by this
   * tenant (`tid`), as Azure checks the token's tenant against the resource's.
   */
  tenantId?: string;
}

/** A deterministic 32-byte key, base64, so connection strings are stable across runs. */
function derivedKey(name: string, which: string): string {
  return createHash("sha256").update(`acs-sandbox:${name}:${which}`).digest("base64");
}

export function buildResources(doc: ResourcesDocument): AcsResource[] {
  return Object.entries(doc).map(([name, r]) => ({
    name,
    resourceId: r.resourceId ?? deterministicId("acs-resource", name),
    location: r.location,
    region: r.region,
    primaryKey: r.primaryKey ?? derivedKey(name, "primary"),
    secondaryKey: r.secondaryKey ?? derivedKey(name, "secondary"),
    roleAssignments: r.roleAssignments,
    tenant: r.tenant,
  }));
}
