import type { JWTPayload } from "jose";
import type { KeySet } from "../core/keyset.js";
import type { EntraClaims } from "./entra-token.js";
import type { AcsResource } from "./resources.js";

/*
 * ACS access tokens, laid out like the real ones (reference §4): RS256, `skypeid` without the `8:`
 * prefix, `scp` 1792 for ACS users and 1024 for Teams users, `csi` = issue time as a string, and
 * `acsScope` comma-joined in the order requested.
 */

/** `scp` of an ACS user token. */
export const ACS_USER_SCP = 1792;
/** `scp` of a Teams user token from the exchange (a native Teams skype token has 780). */
export const TEAMS_USER_SCP = 1024;
/** [infer] `acsScope` of a Teams user token; every recorded one reads "voip,chat". */
export const TEAMS_USER_ACS_SCOPE = "voip,chat";

export interface IssuedToken {
  token: string;
  /** Seconds since the epoch; equals the JWT's `exp`. */
  expiresAt: number;
}

/**
 * `expiresOn` as the real service writes it: up to seven fractional digits with the trailing zeros
 * trimmed, and `+00:00` (the .NET `…ss.FFFFFFFK` pattern). Recorded: `2021-05-26T20:47:27.310081+00:00`
 * (six digits) next to `2023-03-14T09:47:55.7553848+00:00` (seven), test/parity/recorded.json. A whole
 * second has no fraction and no point at all.
 *
 * @example formatExpiresOn(1678700607560) // "2023-03-13T09:43:27.56+00:00"
 */
export function formatExpiresOn(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2023-03-13T09:43:27.560Z
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ""}+00:00`;
}

/** An ACS user's token for `scopes`, valid `minutes` from `issuedAt` (seconds). */
export async function mintUserToken(
  keys: KeySet,
  resource: AcsResource,
  identityId: string,
  scopes: string[],
  issuedAt: number,
  minutes: number,
): Promise<IssuedToken> {
  const exp = issuedAt + minutes * 60;
  const token = await keys.sign(
    {
      skypeid: identityId.replace(/^8:/, ""),
      scp: ACS_USER_SCP,
      csi: String(issuedAt),
      exp,
      rgn: resource.region,
      acsScope: scopes.join(","),
      resourceId: resource.resourceId,
      resourceLocation: resource.location,
      iat: issuedAt,
    },
    { x5t: keys.active.x5t },
  );
  return { token, expiresAt: exp };
}

/**
 * A Teams user's token for an Entra token: it expires with the Entra token (`exp` copied), `csi` is
 * the Entra token's `iat`, and the `aad_*` claims of 2024+ tokens name its origin.
 */
export async function mintTeamsUserToken(
  keys: KeySet,
  resource: AcsResource,
  entra: TeamsUserEntraClaims,
  issuedAt: number,
  expiresAt: number = entra.exp,
): Promise<IssuedToken> {
  const token = await keys.sign(teamsUserClaims(resource, entra, issuedAt, expiresAt), {
    x5t: keys.active.x5t,
  });
  return { token, expiresAt };
}

/**
 * Signs ahead, on the thread pool, the token a Teams exchange of `entra` at `issuedAt` returns from the
 * current api-versions ({@link KeySet.signAhead}); `mintTeamsUserToken` then finds it. The caller
 * decides the pool has a thread to spare (prepareTeamsExchange, told only when no sign is under way).
 */
export function signTeamsUserTokenAhead(
  keys: KeySet,
  resource: AcsResource,
  entra: TeamsUserEntraClaims,
  issuedAt: number,
): void {
  keys.signAhead(teamsUserClaims(resource, entra, issuedAt, entra.exp), { x5t: keys.active.x5t });
}

/** The Entra claims a Teams user token is made from. */
export type TeamsUserEntraClaims = EntraClaims & { oid: string; tid: string; exp: number };

function teamsUserClaims(
  resource: AcsResource,
  entra: TeamsUserEntraClaims,
  issuedAt: number,
  expiresAt: number,
): JWTPayload {
  const entraIat = String(entra.iat ?? issuedAt);
  return {
    skypeid: `orgid:${entra.oid}`,
    scp: TEAMS_USER_SCP,
    csi: entraIat,
    exp: expiresAt,
    rgn: resource.region,
    tid: entra.tid,
    acsScope: TEAMS_USER_ACS_SCOPE,
    resourceId: resource.resourceId,
    aad_iat: entraIat,
    ...(entra.uti ? { aad_uti: entra.uti } : {}),
    ...((entra.appid ?? entra.azp) ? { aad_appid: entra.appid ?? entra.azp } : {}),
    iat: issuedAt,
  };
}

/** [infer] `acsScope` a Teams Phone extensibility token carries: calling only (the exchange asks for ManageCalls). */
export const TEAMS_EXTENSION_ACS_SCOPE = "voip";

/**
 * The token of an identity minted by an `/access/*` exchange (`8:acs:<resourceId>_<tenantId>_<userId>`
 * or `…_wf_…`): an ACS user token, with the Entra token's lifetime and origin. [infer] No decoded token
 * of these exchanges is public; the layout follows the ACS user and Teams user tokens of §4.
 */
export async function mintExchangedToken(
  keys: KeySet,
  resource: AcsResource,
  identityId: string,
  scopes: string[],
  entra: EntraClaims & { oid: string; tid: string; exp: number },
  issuedAt: number,
): Promise<IssuedToken> {
  const entraIat = String(entra.iat ?? issuedAt);
  const token = await keys.sign(
    {
      skypeid: identityId.replace(/^8:/, ""),
      scp: ACS_USER_SCP,
      csi: String(issuedAt),
      exp: entra.exp,
      rgn: resource.region,
      tid: entra.tid,
      acsScope: scopes.join(","),
      resourceId: resource.resourceId,
      resourceLocation: resource.location,
      aad_iat: entraIat,
      ...(entra.uti ? { aad_uti: entra.uti } : {}),
      ...((entra.appid ?? entra.azp) ? { aad_appid: entra.appid ?? entra.azp } : {}),
      iat: issuedAt,
    },
    { x5t: keys.active.x5t },
  );
  return { token, expiresAt: entra.exp };
}
