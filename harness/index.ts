/**
 * acs-sandbox: a fake Microsoft Entra ID and a fake ACS Identity service for the Teams access token flow.
 * This entry point stays light (no msw, no client SDKs): the scenario runner is `acs-sandbox/runner`.
 *
 * @example
 * import { startSandbox } from "acs-sandbox";
 * const sb = await startSandbox({ mode: "server", port: 0 });
 * console.log(sb.descriptor.baseUrl, sb.descriptor.acs[0].connectionString);
 * await sb.close();
 */
export {
  releaseSandboxPool,
  startSandbox,
  type RunningSandbox,
  type StartSandboxOptions,
} from "./transports/start.js";
export { SandboxClosedError } from "./transports/running.js";
export type { Descriptor } from "./sandbox/descriptor.js";
export {
  World,
  WorldError,
  parseWorld,
  loadWorldFile,
  defaultWorld,
  type WorldDocument,
  type WorldPatch,
} from "./sandbox/world.js";
export { Clock } from "../core/clock.js";
export { durationMs, parseDuration, type Duration, type ExplicitDuration } from "../core/duration.js";
export { explain, type Explanation } from "./operator/explain.js";
export type { FaultRule, FaultRuleInput, SandboxFaults } from "./operator/faults/index.js";
export type { JournalEntry } from "./operator/journal.js";
export type { RequestFilter } from "./operator/journal-query.js";
