import type { JWTVerifyGetKey } from "jose";
import type { Clock } from "../core/clock.js";
import { findRole } from "./arm/roles.js";
import { checkEntraToken, type TokenRefusal } from "./entra-token.js";
import type { AcsResource } from "./resources.js";

/*
 * Entra ID (RBAC) authentication of the Identity API: a bearer token for the ACS data plane, whose
 * principal holds a role on the resource. Reference §2.2: the SDK asks for
 * `https://communication.azure.com//.default`; a principal without a role gets 401 Denied.
 */

/**
 * [infer] The token audience is undocumented (§2.2). A v1 token carries the resource URI as requested,
 * so both spellings of `https://communication.azure.com` are accepted.
 */
export const DATA_PLANE_AUDIENCES = ["https://communication.azure.com/", "https://communication.azure.com"];

/** Why a bearer token does not let its principal call the resource: for the journal only. */
export type BearerRefusal = TokenRefusal | "no-object-id" | "wrong-tenant" | "no-role-assignment";

/**
 * The object id of the principal allowed to call this resource, or which check refused it.
 *
 * Azure RBAC binds a role to one principal: a user's object id, a service principal's object id in the
 * resource's tenant, a managed identity's object id. So the token's `oid` must hold an assignment and its
 * `tid` must be the resource's tenant; `appid`/`azp` never count (a user signed in through an app with a
 * role has no role, and a multitenant app's token from another tenant carries another service principal).
 *
 * The assignments are the resource's own and those inherited from its resource group and subscription
 * (the harness resolves them from ARM's role assignments). [infer] Roles that may change the resource
 * count (Owner, Contributor, "Communication and Email Service Owner"; see ./arm/roles.ts), Reader does not;
 * real RBAC checks the role's data actions.
 *
 * @example
 * await authorizeBearer(token, ctx.entraKeys, ctx.clock, resource) // { principal: "5f0c…" } or { refused: "token-expired" }
 */
export async function authorizeBearer(
  token: string,
  keys: JWTVerifyGetKey,
  clock: Clock,
  resource: AcsResource,
): Promise<{ principal: string } | { refused: BearerRefusal }> {
  const checked = await checkEntraToken(token, keys, clock, DATA_PLANE_AUDIENCES);
  if ("refused" in checked) return checked;
  const { claims } = checked;
  if (typeof claims.oid !== "string") return { refused: "no-object-id" };
  if (resource.tenantId !== undefined && claims.tid !== resource.tenantId) return { refused: "wrong-tenant" };
  const oid = claims.oid.toLowerCase();
  const allowed = resource.roleAssignments.some(
    (a) => a.principal.toLowerCase() === oid && findRole(a.role)?.acsDataPlane === true,
  );
  return allowed ? { principal: claims.oid } : { refused: "no-role-assignment" };
}
