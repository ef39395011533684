import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { TenantSchema } from "../../mock-aad/directory.js";
import { loadScenario } from "../../harness/runner/scenario.js";
import { packageRoot } from "../../harness/sandbox/paths.js";

const exec = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
const dir = mkdtempSync(join(tmpdir(), "did-you-mean-"));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** The issue lines of an error message (`  file:line path: message`). */
function issues(message: string): string[] {
  return message
    .split("\n")
    .slice(1)
    .map((l) => l.trim());
}

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe("a world file's typos get the key that was meant", () => {
  it("serve refuses a misspelt key with the file, the key's line, its path and did you mean", async () => {
    const world = file("typos.yaml", [
      "extends: default",
      "tenats:",
      "  northwind: {}",
      "appRegistations:",
      "  northwind-app: {}",
      "apps:",
      "  contoso-teams:",
      "    redirectUri: [http://localhost]",
      "tenants:",
      "  fabrikam:",
      "    users:",
      "      alice: { passwrd: hunter2 }",
    ]);
    const failed = await exec(process.execPath, [cli, "serve", "--port", "0", "--world", world]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed.code).toBe(1);
    expect(issues(failed.stderr.trim()).sort()).toEqual(
      [
        `${world}:2 tenats: Unknown key "tenats": did you mean "tenants"?`,
        `${world}:4 appRegistations: Unknown key "appRegistations": did you mean "apps"?`,
        `${world}:8 apps.contoso-teams.redirectUri: Unknown key "redirectUri": did you mean "redirectUris"?`,
        `${world}:12 tenants.fabrikam.users.alice.passwrd: Unknown key "passwrd": did you mean "password"?`,
      ].sort(),
    );
  });

  it("a key nothing is near gets the keys there are", async () => {
    const world = file("far.yaml", ["extends: default", "tenants:", "  fabrikam:", "    colour: blue"]);
    const failed = await exec(process.execPath, [cli, "serve", "--port", "0", "--world", world]).then(
      () => ({ stderr: "" }),
      (err: { stderr: string }) => err,
    );
    expect(issues(failed.stderr.trim())).toEqual([
      // The world schema's own tenant keys, in its order: the list cannot drift from what is accepted.
      `${world}:4 tenants.fabrikam.colour: Unknown key "colour": expected one of ${Object.keys(TenantSchema.shape).join(", ")}`,
    ]);
  });
});

describe("a scenario file's typos get the key that was meant", () => {
  it("names each misspelt key, action and world key on its own line", () => {
    const scenario = file("typos-scenario.yaml", [
      "description: Alice signs in",
      "world:",
      "  extends: default",
      "  tenats: {}",
      "steps:",
      "  - signin: { user: alice, app: contoso-teams, flow: password }",
      "  - signIn: { user: alice, app: contoso-teams, flow: password }",
      "    expct: { ok: true }",
      "  - signIn: { user: alice, app: contoso-teams, flo: password }",
      "  - advanceClock: { bye: 1h }",
      "descripton: again",
    ]);
    expect(() => loadScenario(scenario)).toThrow();
    let message = "";
    try {
      loadScenario(scenario);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(issues(message)).toEqual([
      `${scenario}:11 descripton: Unknown key "descripton": did you mean "description"?`,
      `${scenario}:6 steps[0].signin: unknown action "signin": did you mean "signIn"?`,
      `${scenario}:8 steps[1].expct: unknown key "expct": did you mean "expect"?`,
      `${scenario}:9 steps[2].signIn.flo: Unknown key "flo": did you mean "flow"?`,
      // A duration or `{ by: duration }`: the object form was meant, so its keys are the ones suggested.
      `${scenario}:10 steps[3].advanceClock.by: Invalid input`,
      `${scenario}:10 steps[3].advanceClock.bye: Unknown key "bye": did you mean "by"?`,
      `${scenario}:4 world.tenats: Unknown key "tenats": did you mean "tenants"?`,
    ]);
  });
});

describe("PUT /_sandbox/world says it too", () => {
  it("answers 400 invalid_world naming the key that was meant, for JSON and for YAML", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    const put = (body: string, type: string) =>
      fetch(`${sb!.descriptor.baseUrl}/_sandbox/world`, {
        method: "PUT",
        headers: { "content-type": type },
        body,
      });
    const json = await put(JSON.stringify({ extends: "default", tenats: {} }), "application/json");
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: "invalid_world",
      message: `Invalid world in PUT /_sandbox/world:\n  PUT /_sandbox/world tenats: Unknown key "tenats": did you mean "tenants"?`,
      issues: [{ path: "tenats", message: 'Unknown key "tenats": did you mean "tenants"?' }],
    });
    const yaml = await put(
      "apps:\n  contoso-teams:\n    redirectUri: [http://localhost]\n",
      "application/yaml",
    );
    expect(yaml.status).toBe(400);
    const body = (await yaml.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe("invalid_world");
    expect(body.issues).toEqual([
      {
        path: "apps.contoso-teams.redirectUri",
        message: 'Unknown key "redirectUri": did you mean "redirectUris"?',
      },
    ]);
    // The refused world changed nothing.
    expect(sb.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
  });
});
