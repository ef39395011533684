import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { runScenario, type ScenarioResult } from "../../harness/runner/index.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { normalizeCode } from "../../core/catalog.js";
import { describeFailure } from "../../harness/runner/reporters/pretty.js";
import { junitReporter } from "../../harness/runner/reporters/junit.js";
import { stripAnsi } from "../../harness/runner/reporters/reporter.js";

const fixture = (name: string) => join(packageRoot(), "test", "fixtures", name);

describe("scenario runner", () => {
  it("fails a deliberately wrong expectation with a readable diff, and skips the rest of the story", async () => {
    const result = await runScenario(fixture("wrong-expectation.yaml"));
    expectTypeOf(result).toEqualTypeOf<ScenarioResult>();
    expect(result.status).toBe("failed");
    expect(result.steps.map((s) => s.status)).toEqual(["failed", "skipped"]);
    const [step] = result.steps;
    expect(step!.mismatches).toEqual([
      { field: "expiresIn", expected: "≥ 2h", actual: expect.stringMatching(/^3\d{3}s$/) },
    ]);
    expect(step!.lastRequest).toMatchObject({
      method: "POST",
      url: expect.stringContaining("/identities"),
      status: 201,
    });

    const text = stripAnsi(describeFailure(result));
    expect(text).toContain("wrong-expectation.yaml:9");
    expect(text).toMatch(/expected: ≥ 2h\n\s+actual:\s+3\d{3}s/);
    expect(text).toContain("last request: POST https://contoso-acs.communication.azure.com/identities");
  });

  it("runs a scenario given as an object, as a user's own test would", async () => {
    const result = await runScenario({
      description: "An identity with a chat token",
      steps: [
        { createUser: { acs: "contoso-acs", withToken: ["chat"] }, as: "agent" },
        {
          issueToken: { acs: "contoso-acs", identity: "agent", scopes: ["voip"] },
          expect: { claims: { acsScope: "voip" } },
        },
        { deleteUser: { acs: "contoso-acs", identity: "agent" } },
      ],
    });
    expect(result.error).toBeUndefined();
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      ["createUser contoso-acs chat", "passed"],
      ["issueToken contoso-acs agent voip", "passed"],
      ["deleteUser contoso-acs agent", "passed"],
    ]);
    expect(result.status).toBe("passed");
  });

  it("plays the on-behalf-of flow through MSAL's acquireTokenOnBehalfOf, as the middle-tier API", async () => {
    const result = await runScenario("on-behalf-of-middle-tier");
    expect(result.status, describeFailure(result)).toBe("passed");
    const [, pitfall, forApi, onBehalf] = result.steps;
    expect(pitfall!.actual).toMatchObject({ ok: false, error: { code: "AADSTS500131" } });
    const user = forApi!.actual!.claims!.oid;
    // The API's token to ACS speaks for Alice: her oid, the API's appid.
    expect(onBehalf!.actual!.claims).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      appid: "6a1f3c2e-0b7d-4c55-9e0a-3f1d2b4c5a60",
      oid: user,
    });

    const withoutToken = await runScenario({
      description: "The middle tier has no incoming token to pass on",
      steps: [{ signIn: { app: "contoso-teams", flow: "onBehalfOf", secret: "x" } }],
    });
    expect(withoutToken.steps[0]!.actual).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("flow onBehalfOf needs the user's token") },
    });
  });

  it("reports an invalid file as a failed result naming the line, without running anything", async () => {
    const result = await runScenario({ description: "bad", steps: [{ advanceClock: "soon" }] });
    expect(result.status).toBe("failed");
    expect(result.steps).toEqual([]);
    expect(result.error).toContain("steps[0].advanceClock");
  });

  it("reads error codes the way people write them", () => {
    expect(normalizeCode(650052)).toBe("AADSTS650052");
    expect(normalizeCode("650052")).toBe("AADSTS650052");
    expect(normalizeCode("aadsts650052")).toBe("AADSTS650052");
    expect(normalizeCode("invalidAccessToken")).toBe(normalizeCode("InvalidAccessToken"));
  });

  it("writes JUnit XML with the failing step in the failure text", async () => {
    const result = await runScenario(fixture("wrong-expectation.yaml"));
    const reporter = junitReporter();
    reporter.start({ total: 1, workers: 1, mode: "intercept" });
    const xml = reporter.finish([result], result.durationMs);
    expect(xml).toContain('<testsuite name="acs-sandbox scenarios (intercept)" tests="1" failures="1"');
    expect(xml).toContain('<failure message="step 1: createUser contoso-acs chat 60">');
    expect(xml).not.toContain("\u001b[");
  });
});
