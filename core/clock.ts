import { explicitDurationMs, type ExplicitDuration } from "./duration.js";

/**
 * The instants the sandbox can stand at: the Unix epoch through the last second of year 9999. Every
 * later use of the time (`toISOString`, JWT `exp`, HTTP `Date` headers) can represent these; a clock
 * moved past them would make every answer fail, so a move that would leave the range is refused.
 */
export const EARLIEST_INSTANT_MS = 0;
export const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The sandbox's one source of time. It runs with the wall clock plus an offset, so time flows while a
 * developer works, and a scenario can jump ahead ("advance 25h") to see expiry without sleeping.
 *
 * @example
 * const clock = new Clock();
 * clock.advance("25h");
 * clock.nowSeconds(); // a day and an hour from now
 */
export class Clock {
  #offsetMs = 0;
  #listeners: ((offsetMs: number) => void)[] = [];

  constructor(start?: Date | string) {
    if (start !== undefined) this.set(start);
  }

  /** How far the sandbox's time is from the wall clock, in ms (what a store keeps of the clock). */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Takes an offset another replica set (from the store): no change listener hears it. */
  adopt(offsetMs: number): void {
    this.#offsetMs = checkedOffset(offsetMs, "Adopting a stored clock");
  }

  /** Calls `listener` with the new offset whenever `advance`, `set` or `reset` moves the clock. */
  onChange(listener: (offsetMs: number) => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener(this.#offsetMs);
  }

  /** Milliseconds since the epoch, on the sandbox's time. */
  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Whole seconds since the epoch, as JWT `iat`/`exp` claims want them. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /**
   * Whole seconds of the wall clock that clients read and the sandbox cannot move. Tokens date their
   * issue (`iat`, `nbf`) no later than this, so a client that checks them with its own clock accepts
   * tokens issued after an `advance` (see mock-aad/tokens.ts `issueTimes`).
   */
  wallSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /**
   * What a client's own clock shows now, mapped onto sandbox time. Clients stamp requests (ACS's
   * `x-ms-date`) with their real clock, which the sandbox cannot move; advancing the sandbox stands for
   * time passing for everyone, so a client timestamp is shifted by the same offset before it is compared.
   */
  fromClientTime(clientMs: number): number {
    return clientMs + this.#offsetMs;
  }

  /**
   * Moves time forward (or back, with a negative duration): `"25h"`, `"1h30m"`, `{ seconds: 90 }`,
   * `{ ms: 1500 }`. A bare number is refused (it once meant milliseconds; files count bare numbers in
   * seconds). Refused, with time unchanged, past year 9999.
   */
  advance(duration: ExplicitDuration): Date {
    const offset = this.#offsetMs + explicitDurationMs(duration, "clock.advance");
    this.#offsetMs = checkedOffset(offset, `Advancing the clock by ${JSON.stringify(duration)}`);
    this.#changed();
    return this.now();
  }

  /** Jumps to an absolute instant; time keeps flowing from there. */
  set(instant: Date | string): Date {
    const target = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
    if (Number.isNaN(target))
      throw new RangeError(`Invalid instant "${String(instant)}": expected an ISO 8601 date`);
    this.#offsetMs = checkedOffset(target - Date.now(), `Setting the clock to "${String(instant)}"`);
    this.#changed();
    return this.now();
  }

  /** Back to wall time. */
  reset(): void {
    this.#offsetMs = 0;
    this.#changed();
  }
}

function checkedOffset(offsetMs: number, what: string): number {
  const target = Date.now() + offsetMs;
  if (!Number.isFinite(target) || target < EARLIEST_INSTANT_MS || target > LATEST_INSTANT_MS) {
    throw new RangeError(
      `${what} would move it outside the instants the sandbox can represent (1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z); the clock is unchanged.`,
    );
  }
  return offsetMs;
}
