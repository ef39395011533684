import type { FastifyRequest } from "fastify";
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { AadContext } from "../context.js";
import type { Tenant, User } from "../directory.js";
import { GRAPH } from "../first-party.js";
import { v1Issuer, v2Issuer } from "../tokens.js";
import { GraphError } from "./errors.js";
import { ACCESS, type Access } from "./permissions.js";

/*
 * Who is calling Microsoft Graph: the bearer token checked as Graph checks it (signed by the tenant's
 * Entra keys, audience Microsoft Graph, in its lifetime on the sandbox clock, issued by the tenant it
 * names), resolved against the directory. Every read and change is then scoped to that tenant.
 */

/** The audiences a Graph token may carry: the identifier URI (either form) or Graph's app id. */
const GRAPH_AUDIENCES = [...GRAPH.identifierUris.flatMap((u) => [u, `${u}/`]), GRAPH.appId];

/** [infer] Clock skew Graph allows on `nbf`/`exp`: the .NET JWT handler's default, 5 minutes. */
const CLOCK_SKEW_SECONDS = 300;

export interface Caller {
  tenant: Tenant;
  /** The signed-in user of a delegated token; absent for an app-only token. */
  user: User | undefined;
  /** `appid`/`azp`: the client app. */
  appId: string;
  scopes: ReadonlySet<string>;
  roles: ReadonlySet<string>;
}

interface GraphClaims extends JWTPayload {
  tid?: string;
  oid?: string;
  appid?: string;
  azp?: string;
  scp?: string;
  roles?: string[];
  idtyp?: string;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.*)$/i.exec(header);
  const token = match?.[1]?.trim() ?? "";
  if (token === "") throw new GraphError("emptyToken");
  return token;
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "Lifetime validation failed, the token is expired.";
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === "aud") {
    return "Access token validation failure. Invalid audience.";
  }
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === "nbf") {
    return "Lifetime validation failed, the token is not yet valid.";
  }
  // [infer] Graph's wording for a token it cannot read or whose signature fails.
  if (err instanceof errors.JWSSignatureVerificationFailed) return "Access token validation failure.";
  return "IDX14100: JWT is not well formed, there are no dots (.).";
}

/**
 * The caller of a Graph request, or a 401 GraphError.
 *
 * @example
 * const caller = await authenticate(request, ctx); // caller.tenant.id === the token's tid
 */
export async function authenticate(request: FastifyRequest, ctx: AadContext): Promise<Caller> {
  const token = bearerToken(request);
  let claims: GraphClaims;
  try {
    ({ payload: claims } = await jwtVerify<GraphClaims>(token, createLocalJWKSet(ctx.keys.jwks()), {
      algorithms: ["RS256"],
      audience: GRAPH_AUDIENCES,
      currentDate: ctx.clock.now(),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "tid", "iss"],
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) {
      throw new GraphError("invalidToken", { reason: reasonOf(err) });
    }
    throw err;
  }
  const tenant = ctx.directory().tenants.find((t) => t.id === claims.tid);
  const issuers = tenant ? [v1Issuer(tenant.id), v2Issuer(ctx.publicOrigin(request), tenant.id)] : [];
  if (!tenant || !issuers.includes(claims.iss ?? "")) {
    throw new GraphError("invalidToken", { reason: "Access token validation failure. Invalid issuer." });
  }
  const appId = claims.appid ?? claims.azp ?? "";
  if (claims.idtyp === "app" || claims.scp === undefined) {
    return { tenant, user: undefined, appId, scopes: new Set(), roles: new Set(claims.roles ?? []) };
  }
  const user = tenant.users.find((u) => u.objectId === claims.oid);
  // [infer] A token whose user has since been deleted or disabled no longer authenticates.
  if (!user || !user.enabled) {
    throw new GraphError("invalidToken", {
      reason: "Access token validation failure. The user does not exist.",
    });
  }
  return { tenant, user, appId, scopes: new Set(claims.scp.split(" ").filter(Boolean)), roles: new Set() };
}

/** Whether the caller's token and (for a delegated token) its user allow an access. */
export function allows(caller: Caller, access: Access): boolean {
  const rule = ACCESS[access];
  if (!caller.user) return rule.application.some((r) => caller.roles.has(r));
  if (!rule.delegated.some((s) => caller.scopes.has(s))) return false;
  const roles: readonly string[] | undefined = "roles" in rule ? rule.roles : undefined;
  return roles === undefined || roles.some((r) => caller.user!.roles.includes(r as never));
}

/** Throws Graph's 403 unless the caller may. */
export function authorize(caller: Caller, access: Access): void {
  if (!allows(caller, access)) throw new GraphError("forbidden");
}
