import { afterAll, beforeAll, test as base } from "vitest";
import type { FaultRuleInput } from "../operator/faults/rules.js";
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from "./start.js";

/*
 * `acs-sandbox/vitest`: a test fixture that gives each test a fresh intercept-mode sandbox (the real
 * Entra ID and ACS hosts answered in-process) and closes it after the test, pass or fail; and
 * `suiteSandbox()`, one sandbox (any mode) shared by the tests of a `describe` block.
 *
 * Fresh costs what a reset does: `close()` resets the sandbox and keeps it for the worker's next test
 * with the same scenario, which gets it under a new handle (startSandbox's pool). Each test still
 * starts from the loaded world with nothing of the test before (codes, tokens, sessions, identities,
 * clock, faults, journal), and a handle a finished test kept refuses every call.
 */

export interface SandboxFixtures {
  /** Bundled scenario name or scenario file whose world the sandbox starts with; default: the bundled world. */
  sandboxScenario: string | undefined;
  /** Fault rules in place before the test starts: `test.scoped({ sandboxFaults: [{ status: 503 }] })`. */
  sandboxFaults: FaultRuleInput[];
  /** The running sandbox: `sandbox.descriptor`, `sandbox.clock.advance("25h")`. */
  sandbox: RunningSandbox;
}

/**
 * `test` with a `sandbox` fixture.
 *
 * @example
 * import { test } from "acs-sandbox/vitest";
 * test("alice gets a token", async ({ sandbox }) => {
 *   const fabrikam = sandbox.descriptor.tenants.find((t) => t.name === "fabrikam")!;
 *   // MSAL with authority https://login.microsoftonline.com/<fabrikam.id> now talks to the sandbox
 * });
 * test.scoped({ sandboxScenario: "missing-service-principal" });
 * test.scoped({ sandboxFaults: [{ service: "acs", operation: "exchange", status: 429, times: 1 }] });
 */
export const test = base.extend<SandboxFixtures>({
  sandboxScenario: [undefined, { injected: false }],
  sandboxFaults: [[], { injected: false }],
  sandbox: async ({ sandboxScenario, sandboxFaults }, use) => {
    const sandbox = await startSandbox({
      mode: "intercept",
      ...(sandboxScenario ? { scenario: sandboxScenario } : {}),
    });
    try {
      for (const rule of sandboxFaults) sandbox.faults.add(rule);
      await use(sandbox);
    } finally {
      await sandbox.close();
    }
  },
});

/** A `test` whose sandboxes start with the world of one scenario. */
export function scenarioTest(scenario: string) {
  return test.extend<{ sandboxScenario: string | undefined }>({ sandboxScenario: scenario });
}

/**
 * One sandbox for all the tests of the enclosing `describe` block (or file, at top level): started
 * before its first test with `startSandbox(options)`, closed after its last, pass or fail. For suites
 * whose tests do not disturb each other and that want server mode, a world of their own, or to start one
 * sandbox per block rather than per test. The returned object stands for the running sandbox; use it only
 * inside tests and hooks (before the block starts there is no sandbox yet, and using it throws).
 * `options` may be a function, called when the block starts, for options that earlier hooks prepare
 * (a certificate made in a `beforeAll` for the world, a data folder).
 *
 * @example
 * import { suiteSandbox } from "acs-sandbox/vitest";
 * describe.each(["intercept", "server"] as const)("tokens (%s mode)", (mode) => {
 *   const sb = suiteSandbox({ mode, port: 0 });
 *   it("names the tenants", () => expect(sb.descriptor.tenants.length).toBeGreaterThan(0));
 * });
 */
export function suiteSandbox(
  options: StartSandboxOptions | (() => StartSandboxOptions | Promise<StartSandboxOptions>) = {},
): RunningSandbox {
  let running: RunningSandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox(typeof options === "function" ? await options() : options);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  return new Proxy({} as RunningSandbox, {
    get(_target, property) {
      if (!running) {
        throw new Error(
          `suiteSandbox(): the sandbox is used outside a test or hook of its describe block (reading "${String(property)}")`,
        );
      }
      const value: unknown = Reflect.get(running, property, running);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(running) : value;
    },
    has: (_target, property) => running !== undefined && property in running,
  });
}
