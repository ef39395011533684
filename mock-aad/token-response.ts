import type { AadState, RefreshTokenGrant } from "./state.js";
import type { PolicyGrant } from "./policy.js";
import { qualifiedScopes } from "./scopes.js";
import { clientInfo, mintAccessToken, mintIdToken, type MintContext } from "./tokens.js";

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
  const { accessToken, expiresIn } = await mintAccessToken(grant, ctx);
  const body: TokenResponseBody = {
    token_type: "Bearer",
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
  };
  const { user } = grant;
  if (!user) return body;

  // ROPC for `…/.default` (azure-sdk-for-js communication-identity recordings, May 2021) answered
  // "https://auth.msft.communication.azure.com/VoIP https://auth.msft.communication.azure.com/.default".
  const names = grant.requestedDefault ? [...grant.scopes, ".default"] : grant.scopes;
  body.scope = grant.signInOnly ? grant.scopes.join(" ") : qualifiedScopes(grant.audience, names).join(" ");
  const nowMs = ctx.clock.nowMs();
  if (grant.oidc.has("offline_access")) {
    const session: RefreshTokenGrant = {
      tenantId: grant.tenant.id,
      userObjectId: user.objectId,
      clientId: grant.app.clientId,
      clientAuthentication: grant.clientAuthentication,
      spa: options.spa ?? false,
      amr: grant.amr,
      signedInAtMs: options.signedInAtMs ?? nowMs,
    };
    body.refresh_token = await state.refreshTokens.issue(session, nowMs);
    if (session.spa) {
      body.refresh_token_expires_in = Math.max(
        0,
        SPA_REFRESH_TOKEN_LIFETIME_SECONDS - Math.floor((nowMs - session.signedInAtMs) / 1000),
      );
    }
  }
  if (grant.oidc.has("openid")) body.id_token = await mintIdToken({ ...grant, user }, ctx, options.nonce);
  if (options.clientInfo) body.client_info = clientInfo(user);
  return body;
}
