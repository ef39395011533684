import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";

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

/** Single-use authorization codes on the sandbox clock. */
export class AuthorizationCodes {
  #codes = new Map<string, StoredCode>();

  constructor(private readonly clock: Clock) {}

  issue(grant: CodeGrant): string {
    // Real codes are long opaque strings starting with "0." or "1."; clients treat them as opaque.
    const code = `1.${randomBytes(48).toString("base64url")}`;
    this.#codes.set(code, { grant, issuedAtMs: this.clock.nowMs(), redeemed: false });
    return code;
  }

  /** Redeems a code once; a second redemption or a stale code fails (AADSTS54005 / 70008). */
  redeem(code: string): RedeemResult {
    const stored = this.#codes.get(code);
    if (!stored) return { ok: false, reason: "unknown" };
    if (stored.redeemed) return { ok: false, reason: "redeemed" };
    if (this.clock.nowMs() - stored.issuedAtMs > AUTHORIZATION_CODE_LIFETIME_MS)
      return { ok: false, reason: "expired" };
    stored.redeemed = true;
    return { ok: true, grant: stored.grant };
  }

  get size(): number {
    return this.#codes.size;
  }

  /** Forgets codes a day past their lifetime: long enough that a late redemption still hears "expired". */
  sweep(): void {
    const cutoff = this.clock.nowMs() - AUTHORIZATION_CODE_LIFETIME_MS - FORGET_AFTER_MS;
    for (const [code, stored] of this.#codes) if (stored.issuedAtMs < cutoff) this.#codes.delete(code);
  }

  clear(): void {
    this.#codes.clear();
  }
}

/** PKCE: does `verifier` match the challenge sent at /authorize? (S256, or plain when the client said so.) */
export function pkceMatches(verifier: string, challenge: string, method: string | undefined): boolean {
  if ((method ?? "plain").toUpperCase() === "S256") {
    return createHash("sha256").update(verifier).digest("base64url") === challenge;
  }
  return verifier === challenge;
}
