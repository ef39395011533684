/**
 * acs-sandbox/runner: plays scenario files through the real MSAL Node and ACS Identity SDKs. A separate
 * entry point so that `import "acs-sandbox"` never loads the client SDKs, the HTML parser or the reporters.
 *
 * @example
 * import { runScenario } from "acs-sandbox/runner";
 * <!-- snippet: test/readme/runner-example.test.ts#runner-entry -->
 * const result = await runScenario("missing-service-principal"); // a bundled name, a file or an object
 * if (result.status !== "passed") throw new Error(result.error ?? "a step's expectation did not hold");
 */
export { runScenario, type RunScenarioOptions, type ScenarioInput } from "./run-scenario.js";
export type { ActualOutcome, Mismatch, ObservedError, RunMode, ScenarioResult, StepResult } from "./types.js";
export {
  loadScenario,
  parseScenario,
  ScenarioError,
  type Scenario,
  type Step,
  type Expectation,
} from "./scenario.js";
export { HeadlessUser, type Person, type Outcome } from "./user-agent.js";
