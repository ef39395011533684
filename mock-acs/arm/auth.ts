import { decodeJwt, errors, jwtVerify } from "jose";
import type { FastifyRequest } from "fastify";
import type { AcsContext } from "../context.js";
import { entraIssuers, ENTRA_CLOCK_SKEW_SECONDS, type EntraClaims } from "../entra-token.js";
import { ArmError } from "./errors.js";
import { effectiveAssignments, subscriptionById, type ArmSubscription } from "./model.js";
import { allows } from "./roles.js";

/*
 * How ARM checks its caller: an Entra token for Azure Service Management, signed with Entra's published
 * keys (like the ACS data plane, ARM trusts Entra only through them), then Azure RBAC: a role at the scope
 * or above that allows the action.
 */

/** The audiences ARM accepts, as its InvalidAuthenticationTokenAudience message lists them. */
export const ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
];

/** Who calls ARM. */
export interface ArmCaller {
  objectId: string;
  tenantId: string;
  /** How AuthorizationFailed names the client: a user's UPN, an app's object id. */
  client: string;
}

/** The caller of a request, or ARM's 401. */
export async function authenticateArm(ctx: AcsContext, request: FastifyRequest): Promise<ArmCaller> {
  const header = request.headers.authorization;
  if (typeof header !== "string" || header.trim() === "") throw new ArmError("AuthenticationFailed");
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new ArmError("InvalidAuthenticationToken");
  const token = match[1]!;
  let claims: EntraClaims;
  try {
    ({ payload: claims } = await jwtVerify<EntraClaims>(token, ctx.entraKeys, {
      algorithms: ["RS256"],
      currentDate: ctx.clock.now(),
      clockTolerance: ENTRA_CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "tid", "iss", "oid"],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const exp = decodeJwt(token).exp ?? 0;
      throw new ArmError("ExpiredAuthenticationToken", {
        expiry: new Date(exp * 1000).toISOString(),
        now: ctx.clock.now().toISOString(),
      });
    }
    if (err instanceof errors.JOSEError || err instanceof TypeError)
      throw new ArmError("InvalidAuthenticationToken");
    throw err;
  }
  const tenantId = String(claims.tid);
  if (!entraIssuers(tenantId).includes(claims.iss ?? "")) throw new ArmError("InvalidAuthenticationToken");
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  if (!audiences.some((a) => ARM_AUDIENCES.includes(a))) {
    throw new ArmError("InvalidAuthenticationTokenAudience", { audience: audiences[0] ?? "" });
  }
  const upn = (claims as { upn?: unknown }).upn ?? (claims as { unique_name?: unknown }).unique_name;
  const objectId = String(claims.oid).toLowerCase();
  return { objectId, tenantId, client: typeof upn === "string" ? upn : objectId };
}

/**
 * The subscription a request names, checked against the caller's tenant: 404 SubscriptionNotFound for no
 * such subscription, 401 InvalidAuthenticationTokenTenant for one of another tenant.
 */
export function callersSubscription(
  ctx: AcsContext,
  caller: ArmCaller,
  subscriptionId: string,
): ArmSubscription {
  const subscription = subscriptionById(ctx.arm(), subscriptionId);
  if (!subscription) throw new ArmError("SubscriptionNotFound", { subscriptionId });
  if (subscription.tenantId !== caller.tenantId) {
    throw new ArmError("InvalidAuthenticationTokenTenant", {
      tokenTenant: caller.tenantId,
      subscriptionTenant: subscription.tenantId ?? "",
    });
  }
  return subscription;
}

/** Whether the caller holds a role at the scope or above that allows the action. */
export function mayPerform(ctx: AcsContext, caller: ArmCaller, action: string, scope: string): boolean {
  return effectiveAssignments(ctx.arm(), scope).some(
    (a) => a.principalId.toLowerCase() === caller.objectId && allows(a.role, action),
  );
}

/** ARM's 403 unless the caller may perform the action over the scope. */
export function authorize(ctx: AcsContext, caller: ArmCaller, action: string, scope: string): void {
  if (!mayPerform(ctx, caller, action, scope)) {
    throw new ArmError("AuthorizationFailed", {
      client: caller.client,
      objectId: caller.objectId,
      action,
      scope,
    });
  }
}
