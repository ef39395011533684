/**
 * acs-sandbox/runner: plays scenario files through the real MSAL Node and ACS Identity SDKs. A separate
 * entry point so that `import "acs-sandbox"` never loads the client SDKs, the HTML parser or the reporters.
 *
 * @example
 * import { runScenario } from "acs-sandbox/runner";
 * const result = await runScenario({ file: "scenarios/quickstart.yaml" });
 * console.log(result.ok);
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
