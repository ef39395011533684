import { loadScenario, parseScenario, type Scenario, type Step } from "./scenario.js";
import { resolveScenarioPath } from "../transports/start.js";
import { openSandbox, type SandboxControl } from "./control.js";
import { RunContext } from "./context.js";
import { observe } from "./errors.js";
import { normalizeCode } from "../../core/catalog.js";
import { checkExpectation } from "./expectations.js";
import { describeGot } from "./reporters/got.js";
import { performStep, stepLabel } from "./steps.js";
import type { ActualOutcome, RunMode, ScenarioResult, StepResult, StepValue } from "./types.js";

export interface RunScenarioOptions {
  /** `intercept` (default): in this process behind msw. `server`: `acs-sandbox serve` in a child process. */
  mode?: RunMode;
  /** Called as each step finishes, for progress reporting. */
  onStep?: (step: StepResult) => void;
  /**
   * Server mode only: the base URL of a running `acs-sandbox serve` to play against instead of starting
   * one. It is reset and given the scenario's world first, so scenarios one after another can share it
   * (never two at once: they would share its state).
   */
  server?: string;
}

/** A scenario file path, a bundled scenario name, or a scenario object (as it would be written in YAML). */
export type ScenarioInput = string | Record<string, unknown>;

function load(input: ScenarioInput): Scenario {
  return typeof input === "string" ? loadScenario(resolveScenarioPath(input)) : parseScenario(input);
}

/**
 * Plays a scenario through the real MSAL Node and Identity SDK against a fresh sandbox and checks every
 * expectation. Never throws for a failing story or an invalid file: the result says what went wrong.
 *
 * @example
 * const result = await runScenario("missing-service-principal");
 * expect(result.status).toBe("passed");
 */
export async function runScenario(
  input: ScenarioInput,
  options: RunScenarioOptions = {},
): Promise<ScenarioResult> {
  const mode = options.mode ?? "intercept";
  const started = performance.now();
  let scenario: Scenario;
  try {
    scenario = load(input);
  } catch (err) {
    // Not found, bad YAML, or invalid: the message names the file, line and field.
    const file = typeof input === "string" ? input : undefined;
    return {
      name: typeof input === "string" ? input : String(input.name ?? "scenario"),
      description: "",
      ...(file ? { file } : {}),
      mode,
      status: "failed",
      durationMs: performance.now() - started,
      steps: [],
      error: (err as Error).message,
    };
  }
  const base = {
    name: scenario.name,
    description: scenario.description,
    ...(scenario.file ? { file: scenario.file } : {}),
    mode,
  };
  let control: SandboxControl;
  try {
    control = await openSandbox(mode, scenario.world, options.server);
  } catch (err) {
    return {
      ...base,
      status: "failed",
      durationMs: performance.now() - started,
      steps: [],
      error: `The sandbox did not start: ${(err as Error).message}`,
    };
  }
  try {
    const steps = await playSteps(new RunContext(control), scenario.steps, options.onStep);
    const failed = steps.some((s) => s.status !== "passed");
    return { ...base, status: failed ? "failed" : "passed", durationMs: performance.now() - started, steps };
  } finally {
    await control.close();
  }
}

async function playSteps(
  ctx: RunContext,
  steps: Step[],
  onStep: RunScenarioOptions["onStep"],
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let failed = false;
  for (const [index, step] of steps.entries()) {
    const result: StepResult = failed
      ? { ...stepHead(step, index), status: "skipped", durationMs: 0, mismatches: [] }
      : await playStep(ctx, step, index);
    failed ||= result.status === "failed";
    results.push(result);
    onStep?.(result);
  }
  return results;
}

function stepHead(step: Step, index: number) {
  return {
    index,
    ...(step.line ? { line: step.line } : {}),
    action: step.action,
    label: stepLabel(step),
    expected: step.expect ?? { ok: true as const },
  };
}

async function playStep(ctx: RunContext, step: Step, index: number): Promise<StepResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let actual: ActualOutcome;
  let value: StepValue | undefined;
  try {
    value = await performStep(ctx, step);
    if (step.as) ctx.saved.set(step.as, value);
    actual = await outcomeOf(ctx, value);
  } catch (err) {
    actual = { ok: false, error: observe(err) };
  }
  const lastRequest = actual.ok ? undefined : await lastSdkRequest(ctx.control, startedAt);
  if (actual.error && actual.error.status === undefined && lastRequest?.errorCode) {
    // MSAL keeps no HTTP status on most server errors; the sandbox journal saw the answer.
    if (normalizeCode(lastRequest.errorCode) === normalizeCode(actual.error.code))
      actual.error.status = lastRequest.status;
  }
  const head = stepHead(step, index);
  const mismatches = checkExpectation(head.expected, actual);
  const got = describeGot(value, actual);
  const result: StepResult = {
    ...head,
    status: mismatches.length > 0 ? "failed" : "passed",
    durationMs: performance.now() - started,
    actual,
    mismatches,
    ...(got ? { got } : {}),
  };
  if (result.status === "failed") {
    const last = lastRequest ?? (await lastSdkRequest(ctx.control, startedAt));
    if (last) result.lastRequest = last;
  }
  return result;
}

async function outcomeOf(ctx: RunContext, value: StepValue): Promise<ActualOutcome> {
  const claims =
    value.kind === "none" ? undefined : value.kind === "entraToken" ? value.claims : value.claims;
  const expiresAtMs =
    value.kind === "acsToken" || value.kind === "identity"
      ? value.expiresOn?.getTime()
      : typeof claims?.exp === "number"
        ? claims.exp * 1000
        : undefined;
  const outcome: ActualOutcome = { ok: true, ...(claims ? { claims } : {}) };
  if (expiresAtMs !== undefined) outcome.expiresInSeconds = (expiresAtMs - (await ctx.control.now())) / 1000;
  if (value.kind === "acsToken" && value.aadExpiresAt !== undefined) {
    outcome.expiryGapSeconds = value.expiresOn.getTime() / 1000 - value.aadExpiresAt;
  }
  return outcome;
}

/** The last request the SDKs made during a step (admin API calls are the runner's own, so left out). */
async function lastSdkRequest(control: SandboxControl, since: string) {
  try {
    const entries = await control.journal();
    return entries.filter((e) => e.at >= since && !e.url.startsWith("/_sandbox/")).at(-1);
  } catch {
    return undefined;
  }
}

/** The result of a scenario whose run itself broke (a bug, not a failing story), as the reporters show it. */
export function brokenRun(file: string, mode: RunMode, err: unknown): ScenarioResult {
  return {
    name: file,
    description: "",
    file,
    mode,
    status: "failed",
    durationMs: 0,
    steps: [],
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
}
