import { expect, test } from "vitest";
import { runScenario } from "../../harness/runner/index.js";

/* The example in acs-sandbox/runner's doc comment (harness/runner/index.ts) is this region, verbatim. */

test("the runner's entry point example plays a bundled scenario", async () => {
  // #region runner-entry
  const result = await runScenario("missing-service-principal"); // a bundled name, a file or an object
  if (result.status !== "passed") throw new Error(result.error ?? "a step's expectation did not hold");
  // #endregion runner-entry
  expect(result.steps.map((s) => s.status)).not.toContain("failed");
});
