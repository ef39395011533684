import { normalizeCode } from "../../../core/catalog.js";
import { explainedErrors } from "../../operator/explain.js";
import type { StepResult } from "../types.js";

let known: Map<string, string> | undefined;

/** The codes `acs-sandbox explain` knows (normalised → as catalogued), read from the catalogs once. */
function knownCodes(): Map<string, string> {
  known ??= new Map(explainedErrors().map((e) => [normalizeCode(e.code), e.code]));
  return known;
}

/**
 * `npx acs-sandbox explain CODE` for a failed step whose answer carries a catalogued code: the code the
 * SDK raised, else the one the sandbox answered with on the step's last request.
 */
export function explainHint(step: StepResult): string | undefined {
  const candidates = [step.actual?.error?.code, step.lastRequest?.errorCode];
  for (const code of candidates) {
    const catalogued = code ? knownCodes().get(normalizeCode(code)) : undefined;
    if (catalogued) return `npx acs-sandbox explain ${catalogued}`;
  }
  return undefined;
}
