import { errors, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { verifyRs256Here } from "../core/verify-here.js";
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

/** Why ACS refused an Entra token: for the journal only, as the answer is the same for every reason. */
export type TokenRefusal =
  | "malformed-token"
  | "bad-signature"
  | "unknown-signing-key"
  | "token-expired"
  | "token-not-yet-valid"
  | "wrong-audience"
  | "wrong-issuer"
  | "missing-claim";

function refusalOf(err: unknown): TokenRefusal {
  if (err instanceof errors.JWTExpired) return "token-expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "wrong-audience";
    if (err.claim === "nbf") return "token-not-yet-valid";
    return "missing-claim";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return "bad-signature";
  if (err instanceof errors.JWKSNoMatchingKey) return "unknown-signing-key";
  return "malformed-token";
}

/**
 * The verified claims, or which check refused the token (the caller maps a refusal to its error:
 * 401 InvalidAccessToken for the exchange, 401 Denied for bearer auth).
 */
export async function checkEntraToken(
  token: string,
  keys: JWTVerifyGetKey,
  clock: Clock,
  audiences: string[],
): Promise<{ claims: EntraClaims } | { refused: TokenRefusal }> {
  try {
    // Entra signs RS256 only; the signature is checked on this thread (core/verify-here.ts).
    const payload = await verifyRs256Here<EntraClaims>(token, keys, {
      audience: audiences,
      currentDate: clock.now(),
      clockTolerance: ENTRA_CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "tid", "iss"],
    });
    const tenantId = payload.tid;
    if (typeof tenantId !== "string" || !entraIssuers(tenantId).includes(payload.iss ?? "")) {
      return { refused: "wrong-issuer" };
    }
    return { claims: payload };
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) return { refused: refusalOf(err) };
    throw err;
  }
}

/** The verified claims, or undefined for any token ACS would refuse. */
export async function verifyEntraToken(
  token: string,
  keys: JWTVerifyGetKey,
  clock: Clock,
  audiences: string[],
): Promise<EntraClaims | undefined> {
  const checked = await checkEntraToken(token, keys, clock, audiences);
  return "claims" in checked ? checked.claims : undefined;
}
