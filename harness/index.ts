/**
 * acs-sandbox: a fake Microsoft Entra ID and a fake ACS Identity service for the Teams access token flow.
 *
 * @example
 * import { startSandbox } from "acs-sandbox";
 * const sb = await startSandbox({ mode: "server", port: 0 });
 * console.log(sb.descriptor.baseUrl, sb.descriptor.acs[0].connectionString);
 * await sb.close();
 */
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from "./start.js";
export type { Descriptor } from "./descriptor.js";
export { World, WorldError, parseWorld, loadWorldFile, defaultWorld } from "./world.js";
export { Clock } from "../core/clock.js";
export { parseDuration } from "../core/duration.js";
export { runScenario, type RunScenarioOptions, type ScenarioInput } from "./runner/run-scenario.js";
export type {
  ActualOutcome,
  Mismatch,
  ObservedError,
  RunMode,
  ScenarioResult,
  StepResult,
} from "./runner/types.js";
export {
  loadScenario,
  parseScenario,
  ScenarioError,
  type Scenario,
  type Step,
  type Expectation,
} from "./scenario.js";
export { explain, type Explanation } from "./explain.js";
export { HeadlessUser, type Person, type Outcome } from "./user-agent.js";
