import { brokenRun, runScenario } from "./run-scenario.js";
import type { RunMode, ScenarioResult } from "./types.js";

/*
 * A worker process of `acs-sandbox run`: it plays one scenario at a time, because intercept mode routes
 * every request of the process through one msw server. The parent sends jobs and gets results back.
 */

export interface Job {
  id: number;
  file: string;
  mode: RunMode;
}

export interface JobDone {
  id: number;
  result: ScenarioResult;
}

process.on("message", (job: Job) => {
  void runScenario(job.file, { mode: job.mode }).then(
    (result) => process.send!({ id: job.id, result } satisfies JobDone),
    (err: unknown) =>
      process.send!({ id: job.id, result: brokenRun(job.file, job.mode, err) } satisfies JobDone),
  );
});
