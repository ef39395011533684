import { pkceMatches } from "../authorization-codes.js";
import { findTenant } from "../directory.js";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/**
 * Authorization code (+ PKCE): redeems a code from /authorize once, within ten minutes, with the same
 * client, redirect URI and tenant, and the verifier of the challenge. A code for a SPA redirect URI must
 * be redeemed cross-origin (an `Origin` header) and gets a 24-hour refresh token; any other must not.
 */
export const authorizationCodeGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const code = requireParam(g.body, "code");
  const redirectUri = requireParam(g.body, "redirect_uri");
  const redeemed = await g.state.authorizationCodes.redeem(code);
  if (!redeemed.ok) {
    if (redeemed.reason === "redeemed") throw new AadError("AADSTS54005");
    if (redeemed.reason === "expired") throw new AadError("AADSTS70008");
    throw new AadError("AADSTS9002313", { reason: "The authorization code is not one this tenant issued." });
  }
  const { grant: issued } = redeemed;
  if (issued.clientId.toLowerCase() !== clientId.toLowerCase()) {
    // [infer] Entra's text for a code redeemed by another client.
    throw new AadError("AADSTS70000", { reason: "The code was issued to a different client." });
  }
  if (redirectUri !== issued.redirectUri) {
    throw new AadError("AADSTS500112", { requested: redirectUri, original: issued.redirectUri });
  }
  const authorityTenant = findTenant(g.ctx.directory(), g.authority);
  if (authorityTenant && authorityTenant.id !== issued.tenantId) throw new AadError("AADSTS700005");
  if (issued.codeChallenge !== undefined) {
    const verifier = g.body.code_verifier;
    // [infer] a missing verifier reads as a mismatch.
    if (!verifier || !pkceMatches(verifier, issued.codeChallenge, issued.codeChallengeMethod)) {
      throw new AadError("AADSTS501481");
    }
  }
  const crossOrigin = g.origin !== undefined;
  if (issued.platform === "spa" && !crossOrigin) throw new AadError("AADSTS9002327");
  if (issued.platform !== "spa" && crossOrigin) throw new AadError("AADSTS9002326");

  const decision = await decide(
    {
      flow: "authorization_code",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "user", tenantId: issued.tenantId, objectId: issued.userObjectId },
      scope: g.body.scope ?? issued.scopes.join(" "),
      credential: g.credential,
      // A Web redirect URI makes the redemption a confidential client's: it must authenticate.
      mayBePublic: issued.platform !== "web",
      assertionAudiences: g.assertionAudiences,
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  return tokenResponse(grantOf(decision), g.mint, g.state, {
    clientInfo: g.body.client_info === "1",
    ...(issued.nonce !== undefined ? { nonce: issued.nonce } : {}),
    spa: issued.platform === "spa",
  });
};
