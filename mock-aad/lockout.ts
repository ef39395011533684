import type { Clock } from "../core/clock.js";

/*
 * Smart lockout (learn.microsoft.com entra "howto-password-smart-lockout"): after `threshold` wrong
 * passwords an account is locked for `duration`, and while locked even the right password gets
 * AADSTS50053. Off unless a tenant's world sets `lockout:`, so a test's deliberate wrong passwords never
 * lock its users by surprise. [infer] Real smart lockout also tells familiar from unfamiliar locations
 * and lengthens each further lockout; the sandbox keeps one fixed duration.
 */

export interface LockoutPolicy {
  threshold: number;
  durationMs: number;
}

interface Account {
  failures: number;
  lockedUntilMs: number | undefined;
}

/** Wrong-password counts and lockouts per user object id, on the sandbox clock. */
export class Lockouts {
  #accounts = new Map<string, Account>();

  constructor(private readonly clock: Clock) {}

  /** Whether the user is locked out now; a lockout that has run out is forgotten. */
  locked(userObjectId: string): boolean {
    const account = this.#accounts.get(userObjectId);
    if (account?.lockedUntilMs === undefined) return false;
    if (this.clock.nowMs() < account.lockedUntilMs) return true;
    this.#accounts.delete(userObjectId);
    return false;
  }

  /** Counts a wrong password; the one that reaches the threshold locks the account. */
  failed(userObjectId: string, policy: LockoutPolicy | undefined): void {
    if (!policy) return;
    const account = this.#accounts.get(userObjectId) ?? { failures: 0, lockedUntilMs: undefined };
    account.failures += 1;
    if (account.failures >= policy.threshold) account.lockedUntilMs = this.clock.nowMs() + policy.durationMs;
    this.#accounts.set(userObjectId, account);
  }

  /** A correct sign-in starts the count again. */
  succeeded(userObjectId: string): void {
    this.#accounts.delete(userObjectId);
  }

  clear(): void {
    this.#accounts.clear();
  }
}
