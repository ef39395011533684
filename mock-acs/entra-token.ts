import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Clock } from "../core/clock.js";

/*
 * How ACS checks an Entra ID access token, for both uses (the Teams exchange and bearer auth): the
 * signature against Entra's published keys, the lifetime against the sandbox clock, an issuer of the
 * token's own tenant (v1 or v2 form) and an expected audience.
 */

/**
 * [infer] Clock skew ACS allows on `nbf`/`exp`: the .NET JWT handler's default (5 minutes). Nothing
 * public says what ACS configures.
 */
export const ENTRA_CLOCK_SKEW_SECONDS = 300;

/** The claims ACS reads from an Entra access token. */
export interface EntraClaims extends JWTPayload {
  tid?: string;
  oid?: string;
  appid?: string;
  azp?: string;
  scp?: string;
  uti?: string;
}

/** v1 (`https://sts.windows.net/{tid}/`) and v2 (`https://login.microsoftonline.com/{tid}/v2.0`) issuers of a tenant. */
export function entraIssuers(tenantId: string): string[] {
  return [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`];
}

/**
 * The verified claims, or undefined for any token ACS would refuse (the caller maps that to its
 * error: 401 InvalidAccessToken for the exchange, 401 Denied for bearer auth).
 */
export async function verifyEntraToken(
  token: string,
  keys: JWTVerifyGetKey,
  clock: Clock,
  audiences: string[],
): Promise<EntraClaims | undefined> {
  try {
    const { payload } = await jwtVerify<EntraClaims>(token, keys, {
      algorithms: ["RS256"],
      audience: audiences,
      currentDate: clock.now(),
      clockTolerance: ENTRA_CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "tid", "iss"],
    });
    const tenantId = payload.tid;
    if (typeof tenantId !== "string" || !entraIssuers(tenantId).includes(payload.iss ?? "")) return undefined;
    return payload;
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) return undefined;
    throw err;
  }
}
