import type { RunMode, ScenarioResult } from "../types.js";

/** What a run reports to: progress as scenarios finish, then the whole report. */
export interface Reporter {
  start(info: { total: number; workers: number; mode: RunMode }): void;
  scenarioDone(result: ScenarioResult): void;
  /** The report text (printed, or written to --out). */
  finish(results: ScenarioResult[], durationMs: number): string;
}

export function counts(results: ScenarioResult[]) {
  const passed = results.filter((r) => r.status === "passed").length;
  return { total: results.length, passed, failed: results.length - passed };
}
