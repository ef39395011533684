import { randomBytes } from "node:crypto";
import { Clock } from "../core/clock.js";
import { AuthorizationCodes } from "./authorization-codes.js";
import { DeviceCodes } from "./device-codes.js";
import { Interactions } from "./interactions.js";
import { Lockouts } from "./lockout.js";
import { Sessions } from "./sessions.js";

/** Entra's refresh tokens die after 90 days without use (grants/refresh-token.ts answers AADSTS700082). */
const REFRESH_TOKEN_INACTIVITY_MS = 90 * 24 * 3_600_000;
/** Refresh tokens kept per user, app and tenant: the newest this many (see RefreshTokens.issue). */
export const MAX_TOKENS_PER_SESSION = 100;

/** What a refresh token stands for: a signed-in user's session with one client in one tenant. */
export interface RefreshTokenGrant {
  tenantId: string;
  userObjectId: string;
  clientId: string;
  /** How the client authenticated when the session began (`appidacr`). */
  clientAuthentication: "0" | "1" | "2";
  /** Issued to a single-page app: fixed 24 h lifetime from sign-in instead of 90 days of inactivity. */
  spa: boolean;
  /** Authentication methods of the sign-in (`amr`). */
  amr: string[];
  /** When the user signed in (SPA lifetime and the 700082 message count from here). */
  signedInAtMs: number;
}

export interface RefreshTokenRecord extends RefreshTokenGrant {
  issuedAtMs: number;
  lastUsedMs: number;
}

/**
 * Opaque refresh tokens. Entra rotates them on every use but does not revoke the one redeemed, so every
 * token stays usable until it expires; each remembers when it was last used for the inactivity rule.
 */
export class RefreshTokens {
  #tokens = new Map<string, RefreshTokenRecord>();
  /** Each session's tokens, oldest first, so one user signing in to one app in a loop stays bounded. */
  #bySession = new Map<string, string[]>();

  issue(grant: RefreshTokenGrant, nowMs: number): string {
    // Real refresh tokens are long opaque strings starting "0.A"; clients must not parse them.
    const token = `0.A${randomBytes(96).toString("base64url")}`;
    this.#tokens.set(token, { ...grant, issuedAtMs: nowMs, lastUsedMs: nowMs });
    const session = `${grant.tenantId}/${grant.userObjectId}/${grant.clientId}`;
    const tokens = this.#bySession.get(session) ?? [];
    tokens.push(token);
    this.#bySession.set(session, tokens);
    // [infer] Entra documents no such limit; past it the oldest token of the session is forgotten
    // (then "invalid_grant" like any unknown token), so memory stays flat under a sign-in loop.
    if (tokens.length > MAX_TOKENS_PER_SESSION) this.#tokens.delete(tokens.shift()!);
    return token;
  }

  find(token: string): RefreshTokenRecord | undefined {
    return this.#tokens.get(token);
  }

  /**
   * Forgets refresh tokens unused for twice their 90-day inactivity limit: until then a late use still
   * gets the "inactive" answer (AADSTS700082) rather than "unknown".
   */
  sweep(nowMs: number): void {
    const cutoff = nowMs - 2 * REFRESH_TOKEN_INACTIVITY_MS;
    for (const [token, record] of this.#tokens) if (record.lastUsedMs < cutoff) this.#tokens.delete(token);
    for (const [session, tokens] of this.#bySession) {
      const kept = tokens.filter((t) => this.#tokens.has(t));
      if (kept.length > 0) this.#bySession.set(session, kept);
      else this.#bySession.delete(session);
    }
  }

  markUsed(token: string, nowMs: number): void {
    const record = this.#tokens.get(token);
    if (record) record.lastUsedMs = nowMs;
  }

  clear(): void {
    this.#tokens.clear();
    this.#bySession.clear();
  }
}

/**
 * Transient state of the fake Entra ID: what it issued and must remember. The world (directory) is not
 * here; it belongs to the harness. Authorization codes, device codes, sign-in sessions and sign-ins in progress live here too.
 */
export class AadState {
  readonly refreshTokens = new RefreshTokens();
  readonly authorizationCodes: AuthorizationCodes;
  readonly deviceCodes: DeviceCodes;
  readonly sessions: Sessions;
  readonly interactions: Interactions;
  readonly lockouts: Lockouts;

  /** `clock`: the sandbox clock that code, device code and session lifetimes read. */
  readonly #clock: Clock;

  constructor(clock: Clock = new Clock()) {
    this.#clock = clock;
    this.authorizationCodes = new AuthorizationCodes(clock);
    this.deviceCodes = new DeviceCodes(clock);
    this.sessions = new Sessions(clock);
    this.interactions = new Interactions(clock);
    this.lockouts = new Lockouts(clock);
  }

  /** Forgets what has expired (abandoned sign-ins, old codes, sessions, refresh tokens), on the sandbox clock. */
  sweep(): void {
    this.refreshTokens.sweep(this.#clock.nowMs());
    this.authorizationCodes.sweep();
    this.deviceCodes.sweep();
    this.sessions.sweep();
    this.interactions.sweep();
  }

  reset(): void {
    this.refreshTokens.clear();
    this.authorizationCodes.clear();
    this.deviceCodes.clear();
    this.sessions.clear();
    this.interactions.clear();
    this.lockouts.clear();
  }
}
