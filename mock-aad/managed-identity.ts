import { deterministicId } from "../core/ids.js";
import type { Directory, ManagedIdentity, Tenant } from "./directory.js";
import { AadError } from "./errors.js";
import { findResource, sameResourceUri } from "./scopes.js";

/*
 * Which managed identity a token request on "this machine" means. Like a VM, the sandbox has at most one
 * system-assigned identity (the first assigned `systemAssigned` one of the world) and any number of
 * user-assigned ones; a request names a user-assigned identity by client id, object id or ARM id.
 */

/**
 * The secret App Service hands an app in IDENTITY_HEADER and wants back as X-IDENTITY-HEADER. Fixed, so
 * a descriptor printed once stays valid; it guards nothing in a sandbox.
 */
export const APP_SERVICE_IDENTITY_HEADER = deterministicId("app-service-identity-header");

/** How a request names its identity: nothing (system-assigned) or one of the user-assigned ids. */
export type IdentitySelector =
  { kind: "system" } | { kind: "clientId" | "objectId" | "resourceId"; value: string };

/** Every identity the machine has, in world order. */
export function machineIdentities(directory: Directory): ManagedIdentity[] {
  const all = directory.tenants.flatMap((t) => t.managedIdentities).filter((mi) => mi.assigned);
  const system = all.find((mi) => mi.type === "systemAssigned");
  return [...(system ? [system] : []), ...all.filter((mi) => mi.type === "userAssigned")];
}

/** The identity a request selects, or undefined when the machine has none such. */
export function selectIdentity(
  directory: Directory,
  selector: IdentitySelector,
): ManagedIdentity | undefined {
  const identities = machineIdentities(directory);
  if (selector.kind === "system") return identities.find((mi) => mi.type === "systemAssigned");
  const value = selector.value.toLowerCase();
  return identities.find((mi) => {
    if (mi.type !== "userAssigned") return false;
    const id =
      selector.kind === "clientId" ? mi.clientId : selector.kind === "objectId" ? mi.objectId : mi.resourceId;
    return id.toLowerCase() === value;
  });
}

function tenantOf(directory: Directory, identity: ManagedIdentity): Tenant {
  return directory.tenants.find((t) => t.id === identity.tenantId)!;
}

/**
 * The audience a token for `resource` carries (the resource as asked, like a v1 `aud`), or the
 * AADSTS500011 Entra gives when the identity's tenant holds no service principal of it.
 */
export function managedIdentityAudience(
  directory: Directory,
  identity: ManagedIdentity,
  resource: string,
): string {
  const tenant = tenantOf(directory, identity);
  const target = findResource(directory, resource);
  const held = target && tenant.servicePrincipals.some((sp) => sp.appId === target.appId);
  if (!target || !held) {
    throw new AadError("AADSTS500011", { resource, tenantName: tenant.displayName });
  }
  // A bare app id asks for the resource's identifier URI, as Entra writes `aud` for v1 tokens.
  const byUri = target.identifierUris.some((u) => sameResourceUri(u, resource));
  return byUri ? resource : (target.identifierUris[0] ?? target.appId);
}
