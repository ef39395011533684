import { findTenant, type Directory, type Tenant } from "../directory.js";
import { AadError } from "../errors.js";

/*
 * What an authority's tenant segment names: one tenant, or one of the segments that name none
 * (reference §4: `/common` and `/organizations` are not tenants; Entra finds the user's home tenant
 * after sign-in).
 */

export type MultiTenantSegment = "common" | "organizations" | "consumers";

export type Authority = { kind: "tenant"; tenant: Tenant } | { kind: MultiTenantSegment };

const MULTI_TENANT_SEGMENTS: ReadonlySet<string> = new Set<MultiTenantSegment>([
  "common",
  "organizations",
  "consumers",
]);

/** The tenant an authority segment names (GUID, verified domain, world name), or a multi-tenant segment; 90002 otherwise. */
export function resolveAuthority(directory: Directory, segment: string): Authority {
  const key = segment.toLowerCase();
  if (MULTI_TENANT_SEGMENTS.has(key)) return { kind: key as MultiTenantSegment };
  const tenant = findTenant(directory, segment);
  if (!tenant) throw new AadError("AADSTS90002", { tenant: segment });
  return { kind: "tenant", tenant };
}
