import type { ScenarioResult } from "../types.js";
import { counts, type Reporter } from "./reporter.js";

/** For tools: the whole run as one JSON document. */
export function jsonReporter(): Reporter {
  let mode = "intercept";
  return {
    start: (info) => void (mode = info.mode),
    scenarioDone: () => {},
    finish: (results: ScenarioResult[], durationMs) =>
      JSON.stringify(
        { mode, durationMs: Math.round(durationMs), ...counts(results), scenarios: results },
        null,
        2,
      ) + "\n",
  };
}
