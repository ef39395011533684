import { randomBase64url } from "../core/random.js";
import type { Clock } from "../core/clock.js";
import type { SandboxStore } from "../core/store.js";
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

const KIND = "aad.refresh-token";

/**
 * Opaque refresh tokens, kept in the sandbox's store. Entra rotates them on every use but does not revoke
 * the one redeemed, so every token stays usable until it expires; each remembers when it was last used
 * for the inactivity rule.
 */
export class RefreshTokens {
  constructor(private readonly store: SandboxStore) {
    // Issued on every sign-in: kept on disk they would cost the token endpoint an fsync per answer.
    // Before the store they lived in memory; an embedded store keeps them there still.
    store.declareKind(KIND, "transient");
  }

  async issue(grant: RefreshTokenGrant, nowMs: number): Promise<string> {
    // Real refresh tokens are long opaque strings starting "0.A"; clients must not parse them.
    const token = `0.A${randomBase64url(96)}`;
    const session = `${grant.tenantId}/${grant.userObjectId}/${grant.clientId}`;
    const record: RefreshTokenRecord = { ...grant, issuedAtMs: nowMs, lastUsedMs: nowMs };
    await this.store.put(KIND, token, record, { group: session, expiresAtMs: forgetAfter(nowMs) });
    // [infer] Entra documents no such limit; past it the oldest token of the session is forgotten
    // (then "invalid_grant" like any unknown token), so the store stays flat under a sign-in loop.
    if ((await this.store.count(KIND, session)) > MAX_TOKENS_PER_SESSION) {
      await this.store.trim(KIND, MAX_TOKENS_PER_SESSION, session);
    }
    return token;
  }

  async find(token: string): Promise<RefreshTokenRecord | undefined> {
    return (await this.store.get<RefreshTokenRecord>(KIND, token))?.value;
  }

  /**
   * Forgets refresh tokens unused for twice their 90-day inactivity limit: until then a late use still
   * gets the "inactive" answer (AADSTS700082) rather than "unknown".
   */
  sweep(nowMs: number): Promise<void> {
    return this.store.sweep(KIND, nowMs);
  }

  /** Notes a use (for the inactivity rule); two replicas noting at once both mean "used now". */
  async markUsed(token: string, nowMs: number): Promise<void> {
    const found = await this.store.get<RefreshTokenRecord>(KIND, token);
    if (!found) return;
    const session = `${found.value.tenantId}/${found.value.userObjectId}/${found.value.clientId}`;
    await this.store.replace(
      KIND,
      token,
      found.version,
      { ...found.value, lastUsedMs: nowMs },
      { group: session, expiresAtMs: forgetAfter(nowMs) },
    );
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}

/** When an unused refresh token may be forgotten: twice the inactivity limit after its last use. */
function forgetAfter(lastUsedMs: number): number {
  return lastUsedMs + 2 * REFRESH_TOKEN_INACTIVITY_MS;
}

/**
 * Transient state of the fake Entra ID: what it issued and must remember, kept in the sandbox's store.
 * The world (directory) is not here; it belongs to the harness. Authorization codes, device codes,
 * sign-in sessions and sign-ins in progress live here too.
 */
export class AadState {
  readonly refreshTokens: RefreshTokens;
  readonly authorizationCodes: AuthorizationCodes;
  readonly deviceCodes: DeviceCodes;
  readonly sessions: Sessions;
  readonly interactions: Interactions;
  readonly lockouts: Lockouts;

  /** `clock`: the sandbox clock that code, device code and session lifetimes read. */
  readonly #clock: Clock;

  constructor(store: SandboxStore, clock: Clock) {
    this.#clock = clock;
    this.refreshTokens = new RefreshTokens(store);
    this.authorizationCodes = new AuthorizationCodes(store, clock);
    this.deviceCodes = new DeviceCodes(store, clock);
    this.sessions = new Sessions(store, clock);
    this.interactions = new Interactions(store, clock);
    this.lockouts = new Lockouts(store, clock);
  }

  /** Forgets what has expired (abandoned sign-ins, old codes, sessions, refresh tokens), on the sandbox clock. */
  async sweep(): Promise<void> {
    await this.refreshTokens.sweep(this.#clock.nowMs());
    await this.authorizationCodes.sweep();
    await this.deviceCodes.sweep();
    await this.sessions.sweep();
    await this.interactions.sweep();
  }

  async reset(): Promise<void> {
    await this.refreshTokens.clear();
    await this.authorizationCodes.clear();
    await this.deviceCodes.clear();
    await this.sessions.clear();
    await this.interactions.clear();
    await this.lockouts.clear();
  }
}
