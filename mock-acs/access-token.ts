import type { AcsContext } from "./context.js";
import { checkEntraToken, type EntraClaims } from "./entra-token.js";
import { AcsError } from "./errors.js";

/*
 * The Entra user token an `/access/*` exchange is called with (`Authorization: Bearer …`), judged the
 * way the classic Teams exchange judges its body token: signature, lifetime, issuer, audience, then
 * the delegated scopes. Any failure is the recorded 401 InvalidAccessToken; [infer] that the /access/*
 * exchanges answer as the classic one does is ours, nothing public shows their errors.
 */

export type UserClaims = EntraClaims & { oid: string; tid: string; exp: number };

/** What one exchange accepts: the audiences of its first-party resource and the scopes that grant it. */
export interface AccessAudience {
  audiences: string[];
  /** The token's `scp` must hold at least one of these. */
  anyScope: string[];
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}

export async function verifyUserToken(
  ctx: AcsContext,
  token: string | undefined,
  expected: AccessAudience,
): Promise<UserClaims> {
  if (!token) throw new AcsError("InvalidAccessToken", { reason: "missing-bearer" });
  const checked = await checkEntraToken(token, ctx.entraKeys, ctx.clock, expected.audiences);
  if ("refused" in checked) throw new AcsError("InvalidAccessToken", { reason: checked.refused });
  const { claims } = checked;
  if (typeof claims.oid !== "string" || typeof claims.exp !== "number") {
    throw new AcsError("InvalidAccessToken", { reason: "missing-claim" });
  }
  const granted = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
  if (!expected.anyScope.some((s) => granted.includes(s))) {
    throw new AcsError("InvalidAccessToken", { reason: "missing-scope" });
  }
  return claims as UserClaims;
}

/** The client id of the app the token was issued to (v1 `appid`, v2 `azp`). */
export function callingApp(claims: UserClaims): string {
  return (claims.appid ?? claims.azp ?? "").toLowerCase();
}
