import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnServe } from "../support/serve-process.js";

/*
 * `acs-sandbox serve` refuses inputs that are not what the flag asks for, with a sentence and a non-zero
 * exit, instead of silently serving the default world (the built CLI, as a user runs it).
 */

const WORLD_FILE = join(process.cwd(), "harness", "sandbox", "default-world.yaml");

async function serve(...args: string[]) {
  const run = spawnServe(["--port", "0", "--json", ...args], {
    ...process.env,
    ACS_SANDBOX_SCENARIO: "",
    ACS_SANDBOX_WORLD: "",
  });
  // A refused input exits by itself; one that was wrongly accepted prints its descriptor, then is stopped.
  run.child.stdout!.once("data", () => run.child.kill("SIGKILL"));
  const { code, stdout, stderr } = await run.exited;
  return { code, stdout, stderr };
}

describe("serve --scenario refuses what is not a scenario", () => {
  it.each([
    [[WORLD_FILE], `"${WORLD_FILE}" is a world file, not a scenario: start it with --world ${WORLD_FILE}`],
    [
      ["/etc/passwd"],
      `"/etc/passwd" is not a scenario file: a scenario is a YAML mapping with name, description, world and a non-empty steps: list`,
    ],
    [
      ["wrong-password/../../../../etc/passwd"],
      `Scenario "wrong-password/../../../../etc/passwd" not found: give a file path or a bundled scenario name`,
    ],
    [["/etc"], `Scenario "/etc" is not a file`],
  ])("--scenario %j", async (args, message) => {
    const result = await serve("--scenario", ...args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses --scenario with --world", async () => {
    const result = await serve("--scenario", "wrong-password", "--world", WORLD_FILE);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--scenario and --world cannot be combined");
  });

  it("still serves a bundled scenario by name, and warns when listening beyond loopback without a token", async () => {
    const bundled = await serve("--scenario", "wrong-password", "--host", "0.0.0.0");
    expect(JSON.parse(bundled.stdout.split("\n")[0]!)).toHaveProperty("baseUrl");
    expect(bundled.stderr).toContain("WARNING: listening on 0.0.0.0 without an admin token");
  });
});
