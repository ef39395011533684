import type { JWTVerifyGetKey } from "jose";
import type { Clock } from "../core/clock.js";
import { verifyEntraToken } from "./entra-token.js";
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

/**
 * The principal (object id or app id) that is allowed to call this resource, or undefined.
 *
 * [infer] Any role assignment on the resource counts (Contributor in the quickstart, the "Communication
 * and Email Service Owner" role per a third-party note); real RBAC checks the role's data actions.
 *
 * @example
 * await authorizeBearer(token, ctx.entraKeys, ctx.clock, resource) // "a1b2…" (the appid) or undefined
 */
export async function authorizeBearer(
  token: string,
  keys: JWTVerifyGetKey,
  clock: Clock,
  resource: AcsResource,
): Promise<string | undefined> {
  const claims = await verifyEntraToken(token, keys, clock, DATA_PLANE_AUDIENCES);
  if (!claims) return undefined;
  // RBAC assigns roles to principals; the world names them by object id, or by client id for apps.
  const candidates = [claims.oid, claims.appid, claims.azp].filter((p): p is string => typeof p === "string");
  return candidates.find((principal) => resource.roleAssignments.some((a) => a.principal === principal));
}
