import { isGuid } from "../../core/ids.js";
import {
  servicePrincipalObjectId,
  WorldReferenceError,
  type Directory,
  type Tenant,
} from "../../mock-aad/directory.js";
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

/** The resource with its tenant id and each assignment's principal resolved to an object id. */
export function resolveRoleAssignments(directory: Directory, resource: AcsResource): AcsResource {
  const tenant = resourceTenant(directory, resource);
  return {
    ...resource,
    tenantId: tenant?.id,
    roleAssignments: resource.roleAssignments.map((a, i) => ({
      ...a,
      principal: principalObjectId(directory, tenant, a.principal, [
        "acs",
        resource.name,
        "roleAssignments",
        i,
        "principal",
      ]),
    })),
  };
}
