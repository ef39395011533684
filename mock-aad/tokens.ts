// One-shot `hash` (Node ≥ 20.12): twice as quick as a Hash object for the short inputs hashed per token.
import { hash } from "node:crypto";
import { randomBase64url, randomBytesPooled } from "../core/random.js";
import type { JWTPayload } from "jose";
import type { Clock } from "../core/clock.js";
import type { KeySet, SignOptions } from "../core/keyset.js";
import { servicePrincipalObjectId, type ManagedIdentity, type Tenant, type User } from "./directory.js";
import type { PolicyGrant } from "./policy.js";

/*
 * Token minting. The resource chooses the access-token version, not the endpoint (Microsoft Learn,
 * https://learn.microsoft.com/entra/identity-platform/access-tokens "Token formats"; claims per
 * access-token-claims-reference): Graph v1, registered APIs v2, and ACS v1, since its docs check the
 * `appId` and `oid` claims, v1's names ([infer]: no decoded ACS token is published). id_tokens are always
 * v2. All times read the sandbox clock.
 */

export interface MintContext {
  clock: Clock;
  keys: KeySet;
  /** Origin the client used; v2 issuers follow it so discovery and tokens agree. */
  origin: string;
  /** Told of an access token a client had the sandbox to itself for (AadContext.accessTokenIssued). */
  issued?: (claims: JWTPayload) => void;
}

/** v2 issuer of a tenant: `https://login.microsoftonline.com/{tid}/v2.0` when the real host is used. */
export function v2Issuer(origin: string, tenantId: string): string {
  return `${origin}/${tenantId}/v2.0`;
}

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/** Entra's lifetime window for access tokens: 60 to 90 minutes. */
const MIN_LIFETIME_SECONDS = 3600;
const LIFETIME_SPREAD_SECONDS = 1800;
/** id_tokens live about 65 minutes (recorded). */
const ID_TOKEN_LIFETIME_SECONDS = 3900;

/**
 * `iat`/`nbf`/`exp` of a token issued now that is valid in both views of time. The sandbox clock may be
 * ahead of the clients' wall clocks (after `advance`), and clients check `nbf` with their own clock: MSAL
 * Python refuses an id_token whose `nbf` is in its future ("The ID token is not yet valid"). So a token
 * is dated from the earlier of the two clocks while `exp` follows the sandbox clock: the client sees a
 * token valid from now, the sandbox (and ACS, which checks with the sandbox clock) sees it expire on
 * sandbox time. Behind the wall clock (`set` to the past), both are sandbox time, so a client sees
 * tokens that expired long ago, as it would in that past.
 */
export function issueTimes(clock: Clock, lifetimeSeconds: number): { iat: number; nbf: number; exp: number } {
  const now = clock.nowSeconds();
  const issuedAt = Math.min(now, clock.wallSeconds());
  return { iat: issuedAt, nbf: issuedAt, exp: now + lifetimeSeconds };
}

/**
 * Entra randomises access-token lifetimes; the sandbox derives them from the request so a replayed
 * scenario gets the same `expires_in`.
 */
export function accessTokenLifetime(seed: string): number {
  const n = hash("sha256", seed, "buffer").readUInt32BE(0);
  return MIN_LIFETIME_SECONDS + (n % (LIFETIME_SPREAD_SECONDS + 1));
}

/** `sub` is pairwise: the same user has a different subject in each app. */
export function pairwiseSubject(objectId: string, clientId: string): string {
  return hash("sha256", `${objectId}:${clientId}`, "base64url");
}

/** `client_info`: base64url of `{"uid":oid,"utid":tid}`; MSAL builds the home account id from it. */
export function clientInfo(user: User): string {
  return Buffer.from(JSON.stringify({ uid: user.objectId, utid: user.tenantId })).toString("base64url");
}

/** Opaque per-token values Entra puts in every token (`uti`, `aio`, `rh`); clients must not parse them. */
function opaqueClaims(): { uti: string; aio: string; rh: string } {
  return {
    uti: randomBase64url(16),
    aio: randomBytesPooled(48).toString("base64"),
    rh: `0.A${randomBase64url(40)}.`,
  };
}

function clientServicePrincipalId(tenant: Tenant, clientId: string): string {
  return (
    tenant.servicePrincipals.find((sp) => sp.appId === clientId)?.objectId ??
    servicePrincipalObjectId(tenant.id, clientId)
  );
}

function v1Claims(grant: PolicyGrant, times: JWTPayload): JWTPayload {
  const { tenant, user, app } = grant;
  const common = {
    aud: grant.audience,
    iss: v1Issuer(tenant.id),
    ...times,
    ...opaqueClaims(),
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr: grant.clientAuthentication,
    tid: tenant.id,
    ver: "1.0",
  };
  if (!user) {
    const oid = clientServicePrincipalId(tenant, app.clientId);
    return {
      ...common,
      idp: v1Issuer(tenant.id),
      idtyp: "app",
      oid,
      sub: oid,
      ...(grant.roles.length > 0 ? { roles: grant.roles } : {}),
    };
  }
  return {
    ...common,
    acr: "1",
    amr: grant.amr,
    idtyp: "user",
    name: user.displayName,
    oid: user.objectId,
    scp: grant.scopes.join(" "),
    sub: pairwiseSubject(user.objectId, app.clientId),
    unique_name: user.upn,
    upn: user.upn,
  };
}

function v2Claims(grant: PolicyGrant, times: JWTPayload, origin: string): JWTPayload {
  const { tenant, user, app } = grant;
  const common = {
    aud: grant.resource.appId,
    iss: v2Issuer(origin, tenant.id),
    ...times,
    ...opaqueClaims(),
    azp: app.clientId,
    azpacr: grant.clientAuthentication,
    tid: tenant.id,
    ver: "2.0",
  };
  if (!user) {
    const oid = clientServicePrincipalId(tenant, app.clientId);
    return {
      ...common,
      idtyp: "app",
      oid,
      sub: oid,
      ...(grant.roles.length > 0 ? { roles: grant.roles } : {}),
    };
  }
  return {
    ...common,
    name: user.displayName,
    oid: user.objectId,
    preferred_username: user.upn,
    scp: grant.scopes.join(" "),
    sub: pairwiseSubject(user.objectId, app.clientId),
  };
}

/** An access token before it is signed: its claims, its header members, its lifetime in seconds. */
export interface AccessTokenContent {
  claims: JWTPayload;
  header: Record<string, unknown>;
  expiresIn: number;
}

/**
 * What the access token a grant allows holds, in the layout its resource accepts: the token response
 * (token-response.ts) signs it, and hands its claims on before the sign ends.
 */
export function accessTokenContent(grant: PolicyGrant, ctx: MintContext): AccessTokenContent {
  const expiresIn = accessTokenLifetime(
    `${grant.app.clientId}:${grant.user?.objectId ?? "app"}:${grant.audience}:${ctx.clock.nowSeconds()}`,
  );
  const times = issueTimes(ctx.clock, expiresIn);
  return grant.tokenVersion === 1
    ? // v1 tokens carry `x5t` beside `kid` in the header.
      { claims: v1Claims(grant, times), header: { x5t: ctx.keys.active.x5t }, expiresIn }
    : { claims: v2Claims(grant, times, ctx.origin), header: {}, expiresIn };
}

/** Mints the v2 id_token for a signed-in user; `nonce` only when the authorize request carried one. */
export async function mintIdToken(
  grant: PolicyGrant & { user: User },
  ctx: MintContext,
  nonce?: string,
  sign: SignOptions = {},
): Promise<string> {
  const { user, app, tenant } = grant;
  const { uti, aio, rh } = opaqueClaims();
  return ctx.keys.sign(
    {
      aud: app.clientId,
      iss: v2Issuer(ctx.origin, tenant.id),
      ...issueTimes(ctx.clock, ID_TOKEN_LIFETIME_SECONDS),
      aio,
      name: user.displayName,
      ...(nonce !== undefined ? { nonce } : {}),
      oid: user.objectId,
      preferred_username: user.upn,
      rh,
      sub: pairwiseSubject(user.objectId, app.clientId),
      tid: tenant.id,
      uti,
      ver: "2.0",
    },
    {},
    sign,
  );
}

/**
 * Managed identity tokens live about 24 hours ([infer] the lifetime IMDS and App Service tokens are
 * usually observed with; Entra's managed identity docs say they are cached for up to 24 hours).
 */
export const MANAGED_IDENTITY_LIFETIME_SECONDS = 86_399;

/**
 * Mints the v1 access token a managed identity gets from IMDS or App Service: app-only, `appid` its
 * client id, `oid`/`sub` its service principal, `xms_mirid` its ARM id, as Entra issues them.
 *
 * @example
 * const { accessToken } = await mintManagedIdentityToken(identity, "https://communication.azure.com/", ctx);
 */
export async function mintManagedIdentityToken(
  identity: ManagedIdentity,
  audience: string,
  ctx: MintContext,
): Promise<{ accessToken: string; iat: number; exp: number }> {
  const iat = ctx.clock.nowSeconds();
  const exp = iat + MANAGED_IDENTITY_LIFETIME_SECONDS;
  const claims: JWTPayload = {
    aud: audience,
    iss: v1Issuer(identity.tenantId),
    iat,
    nbf: iat,
    exp,
    ...opaqueClaims(),
    appid: identity.clientId,
    appidacr: "2",
    idp: v1Issuer(identity.tenantId),
    idtyp: "app",
    oid: identity.objectId,
    sub: identity.objectId,
    tid: identity.tenantId,
    ver: "1.0",
    xms_mirid: identity.resourceId,
  };
  return { accessToken: await ctx.keys.sign(claims, { x5t: ctx.keys.active.x5t }), iat, exp };
}
