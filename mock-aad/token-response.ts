import type { AadState, RefreshTokenGrant } from "./state.js";
import type { PolicyGrant } from "./policy.js";
import { qualifiedScopes } from "./scopes.js";
import { signingIdle } from "../core/keyset.js";
import { accessTokenContent, clientInfo, mintIdToken, type MintContext } from "./tokens.js";

/** SPA refresh tokens live 24 hours from sign-in, whatever their use. */
export const SPA_REFRESH_TOKEN_LIFETIME_SECONDS = 24 * 3600;

export interface TokenResponseOptions {
  /** The client sent `client_info=1`. */
  clientInfo: boolean;
  /** From the authorize request, echoed into the id_token. */
  nonce?: string;
  /** The session began at a SPA redirect URI (24 h refresh tokens). */
  spa?: boolean;
  /** When the user signed in; refresh keeps the original time. Default: now. */
  signedInAtMs?: number;
}

/** The successful token response body (`ServerAuthorizationTokenResponse` in MSAL's terms). */
export interface TokenResponseBody {
  token_type: "Bearer";
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  id_token?: string;
  client_info?: string;
}

/**
 * Turns a grant into the token response: access token always, id_token with `openid`, a refresh token
 * with `offline_access`, `client_info` when asked for. App-only responses carry no scope, as recorded
 * (client credentials for `https://vault.azure.net/.default`, azure-sdk-for-js identity recordings, Apr 2021).
 */
export async function tokenResponse(
  grant: PolicyGrant,
  ctx: MintContext,
  state: AadState,
  options: TokenResponseOptions,
): Promise<TokenResponseBody> {
  const { user } = grant;
  // The access token, the id_token and the refresh token are made at once: the access token is signed
  // on the thread pool (node:crypto) while the rest is made, and a shared store's write overlaps them.
  // The id_token is signed on the pool too when other signs are under way (a server under load), but
  // on this thread when none is (one client: a test, a developer's app): a pool thread woken from idle
  // on a VM is slow to get a core of its own, so two signs handed over together took 1.48 ms in a test
  // (median), against 0.91 ms with one made here (`npm run bench -- per-test`).
  const here = signingIdle();
  const { claims, header, expiresIn } = accessTokenContent(grant, ctx);
  const access = ctx.keys.sign(claims, header);
  const refresh =
    user && grant.oidc.has("offline_access")
      ? issueRefreshToken(grant, user.objectId, ctx, state, options)
      : undefined;
  const signedIn = user && grant.oidc.has("openid") ? { ...grant, user } : undefined;
  const id = signedIn ? mintIdToken(signedIn, ctx, options.nonce, { here }) : undefined;
  // With the id_token signed and this thread about to wait for the access token, the pool's other
  // thread is free: what the client will ask next with this token may be signed ahead there
  // (AadContext.accessTokenIssued). Only for a client that has the sandbox to itself: under load the
  // pool has no thread to spare.
  if (here) ctx.issued?.(claims);
  const [accessToken, idToken, refreshed] = await Promise.all([access, id, refresh]);
  const body: TokenResponseBody = {
    token_type: "Bearer",
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
  };
  if (!user) return body;

  // ROPC for `…/.default` (azure-sdk-for-js communication-identity recordings, May 2021) answered
  // "https://auth.msft.communication.azure.com/VoIP https://auth.msft.communication.azure.com/.default".
  const names = grant.requestedDefault ? [...grant.scopes, ".default"] : grant.scopes;
  body.scope = grant.signInOnly ? grant.scopes.join(" ") : qualifiedScopes(grant.audience, names).join(" ");
  if (refreshed) {
    body.refresh_token = refreshed.token;
    if (refreshed.expiresIn !== undefined) body.refresh_token_expires_in = refreshed.expiresIn;
  }
  if (idToken !== undefined) body.id_token = idToken;
  if (options.clientInfo) body.client_info = clientInfo(user);
  return body;
}

/** A refresh token for the signed-in user; SPA ones say how long they have left (24 h from sign-in). */
async function issueRefreshToken(
  grant: PolicyGrant,
  userObjectId: string,
  ctx: MintContext,
  state: AadState,
  options: TokenResponseOptions,
): Promise<{ token: string; expiresIn: number | undefined }> {
  const nowMs = ctx.clock.nowMs();
  const session: RefreshTokenGrant = {
    tenantId: grant.tenant.id,
    userObjectId,
    clientId: grant.app.clientId,
    clientAuthentication: grant.clientAuthentication,
    spa: options.spa ?? false,
    amr: grant.amr,
    signedInAtMs: options.signedInAtMs ?? nowMs,
  };
  const token = await state.refreshTokens.issue(session, nowMs);
  const expiresIn = session.spa
    ? Math.max(0, SPA_REFRESH_TOKEN_LIFETIME_SECONDS - Math.floor((nowMs - session.signedInAtMs) / 1000))
    : undefined;
  return { token, expiresIn };
}
