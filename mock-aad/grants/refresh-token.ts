import { findTenant } from "../directory.js";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { SPA_REFRESH_TOKEN_LIFETIME_SECONDS, tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** Refresh tokens die after 90 days without use; each use starts the window again. */
const INACTIVITY_LIMIT_MS = 90 * 24 * 3600 * 1000;

/** .NET round-trip form Entra prints instants in (`2024-01-01T00:00:00.0000000Z`). */
function dotNetInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/**
 * Refresh token: a new access token (for any consented resource) and a new refresh token. The redeemed
 * token stays valid, as in Entra; the policy is asked again, so revoked consent or a disabled user shows.
 * A refresh token issued to a SPA redirect URI must come cross-origin (an `Origin` header), as its code did.
 */
export const refreshTokenGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const token = requireParam(g.body, "refresh_token");
  const scope = requireParam(g.body, "scope");
  const record = await g.state.refreshTokens.find(token);
  if (!record)
    throw new AadError("AADSTS9002313", { reason: "The refresh token is not one this tenant issued." });
  if (record.clientId.toLowerCase() !== clientId.toLowerCase()) {
    // [infer] Entra's exact text for a refresh token redeemed by another client.
    throw new AadError("AADSTS70000", { reason: "The refresh token was issued to a different client." });
  }
  // Like the code it came from, a SPA's refresh token is redeemable only by the browser (cross-origin).
  if (record.spa && g.origin === undefined) throw new AadError("AADSTS9002327");
  const nowMs = g.ctx.clock.nowMs();
  if (record.spa && nowMs - record.signedInAtMs > SPA_REFRESH_TOKEN_LIFETIME_SECONDS * 1000) {
    throw new AadError("AADSTS700084", { issuedAt: dotNetInstant(record.signedInAtMs) });
  }
  if (nowMs - record.lastUsedMs > INACTIVITY_LIMIT_MS) {
    throw new AadError("AADSTS700082", {
      issuedAt: dotNetInstant(record.issuedAtMs),
      inactiveFor: "90.00:00:00",
    });
  }
  const validFrom = findTenant(g.ctx.directory(), record.tenantId)?.users.find(
    (u) => u.objectId === record.userObjectId,
  )?.signInSessionsValidFrom;
  if (validFrom !== undefined) {
    const revokedAtMs = Date.parse(validFrom);
    if (revokedAtMs <= nowMs && record.signedInAtMs < revokedAtMs) throw new AadError("AADSTS50173");
  }
  const authorityTenant = findTenant(g.ctx.directory(), g.authority);
  if (authorityTenant && authorityTenant.id !== record.tenantId) throw new AadError("AADSTS700005");

  const decision = await decide(
    {
      flow: "refresh_token",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "user", tenantId: record.tenantId, objectId: record.userObjectId, amr: record.amr },
      scope,
      credential: g.credential,
      // A session a public client began may be refreshed without a credential; a confidential one may not.
      mayBePublic: record.clientAuthentication === "0",
      assertionAudiences: g.assertionAudiences,
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  const grant = grantOf(decision);
  await g.state.refreshTokens.markUsed(token, nowMs);
  return tokenResponse(grant, g.mint, g.state, {
    clientInfo: g.body.client_info === "1",
    spa: record.spa,
    signedInAtMs: record.signedInAtMs,
  });
};
