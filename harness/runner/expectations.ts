import { isDeepStrictEqual } from "node:util";
import { normalizeCode } from "../../core/catalog.js";
import { durationMs } from "../../core/duration.js";
import type { Expectation } from "./scenario.js";
import type { ActualOutcome, Mismatch } from "./types.js";

/*
 * Checks one step's outcome against its `expect`. A step without one must succeed. Codes compare the way
 * people write them: `AADSTS650052`, `650052` and `aadsts650052` are the same code, ACS codes ignore case.
 */

/** The Teams token's expiry follows the Entra token's; tolerance for the service's own rounding. [infer] */
const SAME_EXPIRY_TOLERANCE_S = 300;

/** Services round expiry to whole seconds and time passes between issuing and checking. */
const EXPIRY_SLACK_S = 5;

function seconds(value: string | number): number {
  return durationMs(value) / 1000;
}

export function checkExpectation(expect: Expectation, actual: ActualOutcome): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const errorText = (e: ActualOutcome["error"]) =>
    e ? `${e.code}${e.status ? ` (${e.status})` : ""}: ${e.message}` : "success";

  if (!expect.error) {
    if (!actual.ok) mismatches.push({ field: "ok", expected: "success", actual: errorText(actual.error) });
  } else if (actual.ok || !actual.error) {
    mismatches.push({ field: "error", expected: `error ${expect.error.code}`, actual: "success" });
  } else {
    const { code, status, message } = expect.error;
    if (normalizeCode(code) !== normalizeCode(actual.error.code)) {
      mismatches.push({ field: "error.code", expected: String(code), actual: errorText(actual.error) });
    }
    if (status !== undefined && status !== actual.error.status) {
      mismatches.push({ field: "error.status", expected: status, actual: actual.error.status ?? "(none)" });
    }
    if (message !== undefined && !actual.error.message.toLowerCase().includes(message.toLowerCase())) {
      mismatches.push({
        field: "error.message",
        expected: `contains "${message}"`,
        actual: actual.error.message,
      });
    }
  }
  if (!actual.ok) return mismatches;

  for (const [claim, want] of Object.entries(expect.claims ?? {})) {
    const got = actual.claims?.[claim];
    if (!isDeepStrictEqual(got, want))
      mismatches.push({ field: `claims.${claim}`, expected: want, actual: got ?? "(absent)" });
  }
  if (expect.expiresIn) {
    const left = actual.expiresInSeconds;
    const { min, max } = expect.expiresIn;
    const tooShort = min !== undefined && (left === undefined || left < seconds(min) - EXPIRY_SLACK_S);
    const tooLong = max !== undefined && (left === undefined || left > seconds(max) + EXPIRY_SLACK_S);
    if (tooShort || tooLong) {
      mismatches.push({
        field: "expiresIn",
        expected: `${min !== undefined ? `≥ ${min}` : ""}${min !== undefined && max !== undefined ? " and " : ""}${max !== undefined ? `≤ ${max}` : ""}`,
        actual: left === undefined ? "(no expiry)" : `${Math.round(left)}s`,
      });
    }
  }
  if (expect.expiresWithAadToken) {
    const gap = actual.expiryGapSeconds;
    if (gap === undefined || Math.abs(gap) > SAME_EXPIRY_TOLERANCE_S) {
      mismatches.push({
        field: "expiresWithAadToken",
        expected: "expires with the Entra token",
        actual: gap === undefined ? "(not an exchanged token)" : `expires ${Math.round(gap)}s after it`,
      });
    }
  }
  return mismatches;
}
