import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler, type GrantRequest } from "./context.js";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Checks the incoming access token a middle-tier API passes on: ours, current, for this API, a user's. */
async function verifyAssertion(g: GrantRequest, assertion: string, clientId: string): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(g.ctx.keys.jwks()), {
      currentDate: g.ctx.clock.now(),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AadError("AADSTS500133");
    if (err instanceof joseErrors.JWKSNoMatchingKey)
      throw new AadError("AADSTS50013", { reason: "The key was not found." });
    throw new AadError("AADSTS50013", { reason: "The assertion is not a valid JWT." });
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((a) => a === clientId || a === `api://${clientId}`)) {
    throw new AadError("AADSTS50013", {
      reason: "The assertion audience does not match the client presenting it.",
    });
  }
  if (typeof payload.scp !== "string" || typeof payload.oid !== "string" || typeof payload.tid !== "string") {
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
