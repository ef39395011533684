import { isGuid } from "../../core/ids.js";
import {
  servicePrincipalObjectId,
  WorldReferenceError,
  type Directory,
  type Tenant,
} from "../../mock-aad/directory.js";
import type { ArmResolver } from "../../mock-acs/arm/model.js";
import { BUILT_IN_ROLES } from "../../mock-acs/arm/roles.js";
import type { AcsResource } from "../../mock-acs/resources.js";

/*
 * Role assignments name principals as a world author thinks of them; Azure stores one object id per
 * assignment (`az role assignment create --assignee` resolves a UPN, an app id or a name the same way).
 * This is where the names become the object ids ACS compares with a token's `oid`.
 */

/** A tenant's managed identity by name (`tenants.<t>.managedIdentities.<name>`). */
function managedIdentityObjectId(tenant: Tenant, name: string): string | undefined {
  return tenant.managedIdentities.find((m) => m.name === name)?.objectId;
}

function resourceTenant(directory: Directory, resource: AcsResource): Tenant | undefined {
  return resource.tenant === undefined
    ? undefined
    : directory.tenants.find((t) => t.name === resource.tenant || t.id === resource.tenant);
}

/**
 * The object id a role assignment's `principal` names, looked up in this order:
 * `<tenant>/<user>` or `<tenant>/<managed identity>`; an app registration's name or client id, meaning its service principal in the
 * resource's tenant (its home tenant when the resource names none); a user of the resource's tenant,
 * then of any tenant; a managed identity; any other GUID as a raw object id.
 */
export function principalObjectId(
  directory: Directory,
  tenant: Tenant | undefined,
  principal: string,
  path: (string | number)[],
): string {
  const slash = principal.indexOf("/");
  if (slash > 0) {
    const [tenantName, userName] = [principal.slice(0, slash), principal.slice(slash + 1)];
    const owner = directory.tenants.find((t) => t.name === tenantName || t.id === tenantName);
    const user = owner?.users.find((u) => u.name === userName || u.upn === userName);
    const identity = owner && managedIdentityObjectId(owner, userName);
    if (!user && !identity) {
      throw new WorldReferenceError(
        path,
        `Unknown user "${principal}" (expected <tenant>/<user> or <tenant>/<managed identity>)`,
      );
    }
    return user?.objectId ?? identity!;
  }
  const app = directory.apps.find((a) => a.name === principal || a.clientId === principal.toLowerCase());
  if (app) {
    const tenantId = tenant?.id ?? app.homeTenantId;
    const sp = directory.tenants
      .find((t) => t.id === tenantId)
      ?.servicePrincipals.find((s) => s.appId === app.clientId);
    return sp?.objectId ?? servicePrincipalObjectId(tenantId, app.clientId);
  }
  const tenants = tenant ? [tenant, ...directory.tenants.filter((t) => t !== tenant)] : directory.tenants;
  for (const t of tenants) {
    const user = t.users.find((u) => u.name === principal || u.upn.toLowerCase() === principal.toLowerCase());
    if (user) return user.objectId;
    const identity = managedIdentityObjectId(t, principal);
    if (identity) return identity;
  }
  if (isGuid(principal)) return principal.toLowerCase();
  throw new WorldReferenceError(
    path,
    `Unknown principal "${principal}": expected a user (alice or fabrikam/alice), an app registration, a managed identity or an object id`,
  );
}

/** The resource with its tenant's id, which a bearer token's `tid` must match. */
export function withTenantId(directory: Directory, resource: AcsResource): AcsResource {
  return { ...resource, tenantId: resourceTenant(directory, resource)?.id };
}

/**
 * How ARM's half of the world (mock-acs/arm/model.ts) names tenants and principals: this directory's
 * tenants, and the same principal lookup as the resources' role assignments, in the scope's tenant.
 */
export function armResolver(directory: Directory): ArmResolver {
  const principalTypes = new Map<string, string>();
  for (const t of directory.tenants) {
    for (const u of t.users) principalTypes.set(u.objectId, "User");
    for (const sp of t.servicePrincipals) principalTypes.set(sp.objectId, "ServicePrincipal");
    for (const mi of t.managedIdentities) principalTypes.set(mi.objectId, "ServicePrincipal");
  }
  const tenantOf = (ref: string) =>
    directory.tenants.find((t) => t.name === ref || t.id === ref || t.domain === ref);
  return {
    tenants: directory.tenants.map((t) => ({
      id: t.id,
      name: t.name,
      displayName: t.displayName,
      domains: [t.domain],
    })),
    tenantId: (ref) => tenantOf(ref)?.id,
    principal: (ref, tenantId, path) =>
      principalObjectId(directory, tenantId === undefined ? undefined : tenantOf(tenantId), ref, path),
    principalTypes,
    unknownRole: (ref, path) =>
      new WorldReferenceError(
        path,
        `Unknown role "${ref}": expected a built-in role (${BUILT_IN_ROLES.map((r) => r.roleName).join(", ")}) or its role definition id`,
      ),
  };
}
