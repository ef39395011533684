import type { Clock } from "../core/clock.js";
import { updateRecord, type SandboxStore } from "../core/store.js";

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

const KIND = "aad.lockout";

/**
 * Wrong-password counts and lockouts per user object id, on the sandbox clock, kept in the sandbox's
 * store: each count is a compare-and-set, so wrong passwords sent to two replicas add up.
 */
export class Lockouts {
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // Failed-attempt counts: transient as in Entra Smart Lockout, which forgets them after a while.
    store.declareKind(KIND, "transient");
  }

  /** Whether the user is locked out now; a lockout that has run out is forgotten. */
  async locked(userObjectId: string): Promise<boolean> {
    const account = (await this.store.get<Account>(KIND, userObjectId))?.value;
    if (account?.lockedUntilMs === undefined) return false;
    if (this.clock.nowMs() < account.lockedUntilMs) return true;
    await this.store.delete(KIND, userObjectId);
    return false;
  }

  /** Counts a wrong password; the one that reaches the threshold locks the account. */
  async failed(userObjectId: string, policy: LockoutPolicy | undefined): Promise<void> {
    if (!policy) return;
    await updateRecord<Account>(this.store, KIND, userObjectId, (account) => {
      const failures = (account?.failures ?? 0) + 1;
      const lockedUntilMs =
        failures >= policy.threshold ? this.clock.nowMs() + policy.durationMs : account?.lockedUntilMs;
      return { failures, lockedUntilMs };
    });
  }

  /** A correct sign-in starts the count again. */
  succeeded(userObjectId: string): Promise<void> {
    return this.store.delete(KIND, userObjectId);
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}
