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

/** Plain text for files and CI systems, which show terminal colours as garbage. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
