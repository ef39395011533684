/**
 * Durations as scenarios and the admin API write them: "25h", "61m", "90d", "30s", "1h30m", or milliseconds.
 *
 * @example parseDuration("1h30m") === 5_400_000
 */
export function parseDuration(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input))
      throw new RangeError(`Invalid duration ${input}: expected a finite number of ms`);
    return input;
  }
  const text = input.trim();
  const unitMs: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  const pattern = /(-?\d+(?:\.\d+)?)(ms|d|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * unitMs[match[2]!]!;
    consumed += match[0].length;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new RangeError(`Invalid duration "${input}": expected e.g. "25h", "61m", "90d", "30s" or "1h30m"`);
  }
  return total;
}
