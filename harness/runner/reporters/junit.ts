import { create } from "xmlbuilder2";
import type { ScenarioResult } from "../types.js";
import { describeFailure } from "./pretty.js";
import { counts, stripAnsi, type Reporter } from "./reporter.js";

/** For CI systems: one test case per scenario, the failing step and its diff in the failure text. */
export function junitReporter(): Reporter {
  let mode = "intercept";
  return {
    start: (info) => void (mode = info.mode),
    scenarioDone: () => {},
    finish(results: ScenarioResult[], durationMs) {
      const { total, failed } = counts(results);
      const root = create({ version: "1.0", encoding: "UTF-8" }).ele("testsuites", {
        name: "acs-sandbox",
        tests: total,
        failures: failed,
        time: (durationMs / 1000).toFixed(3),
      });
      const suite = root.ele("testsuite", {
        name: `acs-sandbox scenarios (${mode})`,
        tests: total,
        failures: failed,
        time: (durationMs / 1000).toFixed(3),
      });
      for (const r of results) {
        const testcase = suite.ele("testcase", {
          name: r.name,
          classname: `scenarios.${mode}`,
          ...(r.file ? { file: r.file } : {}),
          time: (r.durationMs / 1000).toFixed(3),
        });
        if (r.status === "failed") {
          const step = r.steps.find((s) => s.status === "failed");
          const message = r.error?.split("\n")[0] ?? `step ${(step?.index ?? 0) + 1}: ${step?.label ?? ""}`;
          // Plain text: CI systems show this verbatim, so no terminal colours.
          testcase.ele("failure", { message }).txt(stripAnsi(describeFailure(r)));
        }
      }
      return root.end({ prettyPrint: true }) + "\n";
    },
  };
}
