/*
 * Durations, one rule: where a person writes a duration (scenario and world files, the admin API, the
 * CLI, `clock.advance`), it is a string with units ("25h", "61m", "90d", "30s", "150ms", "1h30m") or a
 * bare number of seconds. Milliseconds appear only in names that say so (`nowMs`, `durationMs`, `{ ms }`).
 * Where a bare number once meant milliseconds (`clock.advance`, `POST /_sandbox/clock`, `parseDuration`),
 * a bare number is refused with a sentence instead of silently changing meaning.
 */

/** A duration as written in files: a string with units, or a number of seconds. */
export type Duration = string | number;

/** A duration where a bare number would be ambiguous: a string with units, `{ seconds }` or `{ ms }`. */
export type ExplicitDuration = string | { seconds: number } | { ms: number };

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const BARE_NUMBER = /^-?\d+(?:\.\d+)?$/;

function finiteMs(value: number, written: unknown, unit: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Invalid duration ${JSON.stringify(written)}: expected a finite number of ${unit}`);
  }
  return value;
}

/**
 * A duration in milliseconds: "25h", "1h30m", "150ms", or a number of seconds (as a number or a string
 * without units).
 *
 * @example durationMs("1h30m") === 5_400_000
 * @example durationMs(90) === 90_000
 */
export function durationMs(input: Duration): number {
  if (typeof input === "number") return finiteMs(input * 1000, input, "seconds");
  const text = input.trim();
  if (BARE_NUMBER.test(text)) return finiteMs(Number(text) * 1000, input, "seconds");
  const pattern = /(-?\d+(?:\.\d+)?)(ms|d|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed += match[0].length;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new RangeError(
      `Invalid duration "${input}": expected e.g. "25h", "61m", "90d", "30s", "1h30m" or a number of seconds`,
    );
  }
  return total;
}

/** The sentence for a bare number where milliseconds were once meant. */
function ambiguousNumber(input: number, where: string): TypeError {
  return new TypeError(
    `${where}(${input}): a bare number is ambiguous here (it once meant milliseconds; a bare number means ` +
      `seconds in scenario and world files). Write "${input}s", { seconds: ${input} } or { ms: ${input} }.`,
  );
}

/**
 * A duration in milliseconds from a string with units, `{ seconds }` or `{ ms }`. A bare number is
 * refused with a sentence: `where` names the call that got it (`clock.advance`).
 */
export function explicitDurationMs(input: ExplicitDuration | number, where: string): number {
  if (typeof input === "number") throw ambiguousNumber(input, where);
  if (typeof input === "string") return durationMs(input);
  if (typeof input === "object" && input !== null) {
    const keys = Object.keys(input);
    if (keys.length === 1 && "seconds" in input && typeof input.seconds === "number")
      return finiteMs(input.seconds * 1000, input, "seconds");
    if (keys.length === 1 && "ms" in input && typeof input.ms === "number")
      return finiteMs(input.ms, input, "milliseconds");
  }
  throw new RangeError(
    `Invalid duration ${JSON.stringify(input)}: expected e.g. "25h", { seconds: 90 } or { ms: 1500 }`,
  );
}

/**
 * Durations as scenarios and the admin API write them, in milliseconds: "25h", "61m", "90d", "30s",
 * "1h30m". Strings only: a number of seconds goes to {@link durationMs}; a bare number is refused here,
 * where it once meant milliseconds.
 *
 * @example parseDuration("1h30m") === 5_400_000
 */
export function parseDuration(input: string): number {
  if (typeof input === "number") throw ambiguousNumber(input, "parseDuration");
  return durationMs(input);
}
