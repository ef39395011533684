import { test as base } from "vitest";
import type { FaultRuleInput } from "../sandbox/faults/rules.js";
import { startSandbox, type RunningSandbox } from "./start.js";

/*
 * `acs-sandbox/vitest`: a test fixture that gives each test a fresh intercept-mode sandbox (the real
 * Entra ID and ACS hosts answered in-process) and closes it after the test, pass or fail.
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
