import { createHash } from "node:crypto";
import { randomBase64url } from "../core/random.js";
import type { Clock } from "../core/clock.js";
import type { SandboxStore } from "../core/store.js";

/**
 * Entra's authorization codes live about ten minutes (learn.microsoft.com/entra/identity-platform/
 * v2-oauth2-auth-code-flow: "Authorization codes are short lived. Typically, they expire after about 10 minutes").
 */
export const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60_000;

/** How long past its expiry an entry is still remembered, so its answer stays "expired" rather than "unknown". */
export const FORGET_AFTER_MS = 24 * 3_600_000;

/** What an authorization code stands for: who signed in, for which app, scopes and redirect. */
export interface CodeGrant {
  clientId: string;
  tenantId: string;
  userObjectId: string;
  /** Scopes as requested at /authorize (full URIs plus OIDC scopes). */
  scopes: string[];
  redirectUri: string;
  /** Which registered platform matched the redirect URI: SPA codes must be redeemed cross-origin. */
  platform: "publicClient" | "web" | "spa";
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  nonce: string | undefined;
  /** The authority segment used at /authorize (a code is redeemed against the same tenant). */
  authoritySegment: string;
}

interface StoredCode {
  grant: CodeGrant;
  issuedAtMs: number;
  redeemed: boolean;
}

export type RedeemResult =
  { ok: true; grant: CodeGrant } | { ok: false; reason: "unknown" | "redeemed" | "expired" };

/** The store's kind for authorization codes. */
const KIND = "aad.authorization-code";

/** Single-use authorization codes on the sandbox clock, kept in the sandbox's store. */
export class AuthorizationCodes {
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // Lives minutes and is redeemed by the process (or, shared, a replica) that serves the sign-in.
    store.declareKind(KIND, "transient");
  }

  async issue(grant: CodeGrant): Promise<string> {
    // Real codes are long opaque strings starting with "0." or "1."; clients treat them as opaque.
    const code = `1.${randomBase64url(48)}`;
    const issuedAtMs = this.clock.nowMs();
    const stored: StoredCode = { grant, issuedAtMs, redeemed: false };
    await this.store.put(KIND, code, stored, {
      expiresAtMs: issuedAtMs + AUTHORIZATION_CODE_LIFETIME_MS + FORGET_AFTER_MS,
    });
    return code;
  }

  /**
   * Redeems a code once; a second redemption or a stale code fails (AADSTS54005 / 70008). The redemption
   * is a compare-and-set on the stored code, so of two redemptions racing (at two replicas) one wins.
   */
  async redeem(code: string): Promise<RedeemResult> {
    const found = await this.store.get<StoredCode>(KIND, code);
    if (!found) return { ok: false, reason: "unknown" };
    const stored = found.value;
    if (stored.redeemed) return { ok: false, reason: "redeemed" };
    if (this.clock.nowMs() - stored.issuedAtMs > AUTHORIZATION_CODE_LIFETIME_MS)
      return { ok: false, reason: "expired" };
    if (!(await this.store.replace(KIND, code, found.version, { ...stored, redeemed: true })))
      return { ok: false, reason: "redeemed" };
    return { ok: true, grant: stored.grant };
  }

  size(): Promise<number> {
    return this.store.count(KIND);
  }

  /** Forgets codes a day past their lifetime: long enough that a late redemption still hears "expired". */
  sweep(): Promise<void> {
    return this.store.sweep(KIND, this.clock.nowMs());
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}

/** PKCE: does `verifier` match the challenge sent at /authorize? (S256, or plain when the client said so.) */
export function pkceMatches(verifier: string, challenge: string, method: string | undefined): boolean {
  if ((method ?? "plain").toUpperCase() === "S256") {
    return createHash("sha256").update(verifier).digest("base64url") === challenge;
  }
  return verifier === challenge;
}
