import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { v1Issuer, v2Issuer } from "../tokens.js";
import { grantOf, requireParam, type GrantHandler, type GrantRequest } from "./context.js";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

const REAL_ORIGIN = "https://login.microsoftonline.com";

/** The issuers Entra gives a tenant's access tokens: v1, and v2 at the origin clients use or the real one. */
function issuersOf(g: GrantRequest, tenantId: string): string[] {
  return [v1Issuer(tenantId), v2Issuer(g.mint.origin, tenantId), v2Issuer(REAL_ORIGIN, tenantId)];
}

/**
 * Checks the incoming access token a middle-tier API passes on: ours, for this API, a user's, issued by
 * the tenant it names and current on the sandbox clock. `iss`, `tid` and `exp` are required: a token
 * without them was never issued by Entra, and one without `exp` would never expire.
 */
async function verifyAssertion(g: GrantRequest, assertion: string, clientId: string): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(g.ctx.keys.jwks()), {
      algorithms: ["RS256"],
      currentDate: g.ctx.clock.now(),
      requiredClaims: ["exp", "iss", "tid"],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AadError("AADSTS500133");
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      // [infer] Entra reads a missing `exp` as the epoch (700024 shows a missing `nbf` as 1970-01-01): expired.
      if (err.claim === "exp" || err.claim === "nbf") throw new AadError("AADSTS500133");
      throw new AadError("AADSTS50013", { reason: `The assertion has no '${err.claim}' claim.` });
    }
    if (err instanceof joseErrors.JWKSNoMatchingKey)
      throw new AadError("AADSTS50013", { reason: "The key was not found." });
    throw new AadError("AADSTS50013", { reason: "The assertion is not a valid JWT." });
  }
  if (typeof payload.tid !== "string" || !issuersOf(g, payload.tid).includes(payload.iss ?? "")) {
    throw new AadError("AADSTS50013", {
      reason: "The assertion's issuer is not the token issuer of its tenant (tid).",
    });
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((a) => a === clientId || a === `api://${clientId}`)) {
    const app = g.ctx.directory().apps.find((a) => a.clientId === clientId);
    throw new AadError("AADSTS500131", {
      audience: audiences.join(", "),
      clientId,
      displayName: app?.displayName ?? clientId,
    });
  }
  if (typeof payload.scp !== "string" || typeof payload.oid !== "string") {
    throw new AadError("AADSTS50013", { reason: "The assertion is not a user access token." });
  }
  return payload;
}

/**
 * On-behalf-of: a middle-tier API trades the user's access token (for itself) for a token to a
 * downstream API, here ACS. The middle tier must authenticate and hold consent in the user's tenant.
 */
export const onBehalfOfGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const assertion = requireParam(g.body, "assertion");
  const scope = requireParam(g.body, "scope");
  const use = requireParam(g.body, "requested_token_use");
  if (use !== "on_behalf_of")
    throw new AadError("AADSTS70003", { grantType: `${JWT_BEARER_GRANT} (${use})` });
  const incoming = await verifyAssertion(g, assertion, clientId);
  const amr = Array.isArray(incoming.amr) ? (incoming.amr as string[]) : ["pwd"];
  const decision = await decide(
    {
      flow: "on_behalf_of",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "user", tenantId: incoming.tid as string, objectId: incoming.oid as string, amr },
      scope,
      credential: g.credential,
      assertionAudiences: g.assertionAudiences,
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: g.body.client_info === "1" });
};
