import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { stripAnsi } from "../../harness/runner/reporters/reporter.js";

const exec = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");

/** `acs-sandbox run …` from another directory: its output (colours removed) and exit code. */
async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  return exec(process.execPath, [cli, "run", "--workers", "2", ...args], { cwd: tmpdir() }).then(
    ({ stdout }) => ({ code: 0, stdout: stripAnsi(stdout) }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: stripAnsi(err.stdout) }),
  );
}

/** The step lines printed under one scenario's line. */
function stepsOf(stdout: string, scenario: string): string[] {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => new RegExp(`^[✓✗] ${scenario} `).test(l));
  expect(at, `${scenario} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !l.startsWith("    "));
  return rest.slice(0, end);
}

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const EXP = String.raw`exp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 1h( \d+m)?\)`;
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\./;

describe("acs-sandbox run: what each step got", () => {
  let stdout: string;
  let code: number;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "run-output-"));
    // Bob's object id with Alice's token: the exchange refuses it, the step expected success.
    writeFileSync(
      join(dir, "wrong-user.yaml"),
      [
        "description: The back end passes Bob's object id with Alice's token",
        "world: { extends: default }",
        "steps:",
        "  - signIn: { user: alice, app: contoso-teams, flow: password }",
        "  - exchange: { acs: contoso-acs, userId: bob }",
        "  - advanceClock: 1h",
        "",
      ].join("\n"),
    );
    ({ stdout, code } = await run([
      "consent-declined",
      "wrong-password",
      "deleted-identity",
      "quickstart-multitenant-password",
      join(dir, "wrong-user.yaml"),
    ]));
  });

  it("prints an expected Entra error's code, with its HTTP status when it came as one", () => {
    expect(stepsOf(stdout, "consent-declined")).toEqual([
      "    ✓ step 1: signIn alice → contoso-teams (interactive)  ⇒ AADSTS65004",
    ]);
    expect(stepsOf(stdout, "wrong-password")).toEqual([
      "    ✓ step 1: signIn alice → contoso-teams (password)  ⇒ status 400 · AADSTS50126",
    ]);
  });

  it("prints an Entra token's key claims and an ACS token's identity and expiry, never a token", () => {
    const [signIn, exchange, silent] = stepsOf(stdout, "quickstart-multitenant-password");
    const entra = new RegExp(
      `^    ✓ step \\d: signIn alice → contoso-teams \\((password|silent)\\)  ⇒ Entra token: ` +
        `aud https://auth\\.msft\\.communication\\.azure\\.com · scp Teams\\.ManageCalls Teams\\.ManageChats · ` +
        `tid ${GUID} · upn alice@fabrikam\\.onmicrosoft\\.com · ${EXP}$`,
    );
    expect(signIn).toMatch(entra);
    expect(silent).toMatch(entra);
    expect(exchange).toMatch(
      new RegExp(`^    ✓ step 2: exchange at contoso-acs  ⇒ ACS token: 8:orgid:${GUID} · ${EXP}$`),
    );
    expect(stdout).not.toMatch(JWT);
  });

  it("prints an ACS identity, a step with nothing to show, and an ACS error with its status", () => {
    const [created, deleted, issued] = stepsOf(stdout, "deleted-identity");
    expect(created).toMatch(
      new RegExp(`^    ✓ step 1: createUser contoso-acs  ⇒ ACS identity 8:acs:${GUID}_`),
    );
    expect(deleted).toBe("    ✓ step 2: deleteUser contoso-acs agent");
    expect(issued).toBe("    ✓ step 3: issueToken contoso-acs agent chat  ⇒ status 404 · IdentityNotFound");
  });

  it("marks the failing step and the steps it kept from running, and suggests explain for its code", () => {
    expect(code).toBe(1);
    const [signIn, exchange, clock] = stepsOf(stdout, "wrong-user");
    expect(signIn).toMatch(/^ {4}✓ step 1: signIn alice → contoso-teams \(password\) {2}⇒ Entra token: aud /);
    expect(exchange).toBe("    ✗ step 2: exchange at contoso-acs");
    expect(clock).toBe("    - step 3: advanceClock 1h (not run)");
    const failure = stdout.slice(stdout.indexOf("✗ wrong-user —"));
    expect(failure).toContain("expected: success");
    expect(failure).toContain(
      "actual:   ValidationError (400): Provided AAD token issued for unexpected user.",
    );
    expect(failure).toContain("      → npx acs-sandbox explain ValidationError\n");
  });

  it("the suggested explain line answers from any directory", async () => {
    const { stdout: text } = await exec(process.execPath, [cli, "explain", "ValidationError"], {
      cwd: tmpdir(),
    });
    expect(text.split("\n")[0]).toBe("ValidationError  (ACS Identity, HTTP 400)");
  });

  it("prints the same lines against `serve` over HTTPS (--server)", async () => {
    const server = await run(["--server", "wrong-password", "deleted-identity"]);
    expect(server.code).toBe(0);
    expect(server.stdout.split("\n")[0]).toBe("Running 2 scenarios in server mode on 2 workers");
    expect(stepsOf(server.stdout, "wrong-password")).toEqual(stepsOf(stdout, "wrong-password"));
    const [created, ...rest] = stepsOf(server.stdout, "deleted-identity");
    expect(created).toMatch(
      new RegExp(`^    ✓ step 1: createUser contoso-acs  ⇒ ACS identity 8:acs:${GUID}_`),
    );
    expect(rest).toEqual(stepsOf(stdout, "deleted-identity").slice(1));
  });

  it("a misspelt bundled scenario name gets the one that was meant", async () => {
    const failed = await exec(process.execPath, [cli, "run", "wrong-passwrd"], { cwd: tmpdir() }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      'acs-sandbox: Scenario "wrong-passwrd" not found: give a file path or a bundled scenario name (acs-sandbox list). Did you mean "wrong-password"?\n',
    );
  });

  it("--quiet keeps one line per scenario", async () => {
    const quiet = await run(["--quiet", "wrong-password"]);
    expect(quiet.code).toBe(0);
    const lines = quiet.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^✓ wrong-password \d+\.\ds$/);
    expect(lines[2]).toBe("");
    expect(lines[3]).toMatch(/^1 passed \(1 scenarios\) in /);
  });

  it("the JUnit report keeps its shape and ends the failure text with the explain line", async () => {
    const junit = await run(["--reporter", "junit", join(dir, "wrong-user.yaml")]);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/<testsuites name="acs-sandbox" tests="1" failures="1" time="[\d.]+">/);
    expect(junit.stdout).toMatch(
      /<testcase name="wrong-user" classname="scenarios.intercept" file="[^"]+" time=/,
    );
    expect(junit.stdout).toMatch(
      /<failure message="step 2: exchange at contoso-acs">[^<]*→ npx acs-sandbox explain ValidationError<\/failure>/,
    );
  });

  it("the JSON report carries the same line per step, beside what it had before", async () => {
    const json = await run(["--reporter", "json", "wrong-password"]);
    const report = JSON.parse(json.stdout) as {
      scenarios: { steps: { got?: string; status: string; actual: { error: { code: string } } }[] }[];
    };
    const step = report.scenarios[0]!.steps[0]!;
    expect(step).toMatchObject({ status: "passed", got: "status 400 · AADSTS50126" });
    expect(step.actual.error.code).toBe("AADSTS50126");
  });
});
