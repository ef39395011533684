import { AadError } from "./errors.js";

/** .NET's round-trip form with seven fractional digits, as Entra prints instants in AADSTS700024. */
function entraInstant(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/**
 * 700024 with the times Entra names. A missing `nbf` is printed as the epoch (recorded); [infer] a
 * missing `exp` is read the same way, so such an assertion is always out of range.
 */
export function outOfTimeRange(payload: { nbf?: unknown; exp?: unknown }, now: Date): AadError {
  const instant = (claim: unknown) =>
    entraInstant(new Date(typeof claim === "number" && Number.isFinite(claim) ? claim * 1000 : 0));
  return new AadError("AADSTS700024", {
    now: entraInstant(now),
    validFrom: instant(payload.nbf),
    expiry: instant(payload.exp),
  });
}
