import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { explainOperation, formatOperation } from "../../harness/operator/explain-operation.js";
import { OPERATIONS } from "../../harness/sandbox/operations.js";
import { packageRoot } from "../../harness/sandbox/paths.js";

const run = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");

describe("explain <operation>", () => {
  it("prints an ACS operation's service, routes, api-versions and evidence", async () => {
    const { stdout } = await run(process.execPath, [cli, "explain", "teamsExtensionExchange"]);
    expect(stdout).toContain("teamsExtensionExchange  (ACS operation)");
    expect(stdout).toContain(
      "Route         POST /access/teamsExtension/:exchangeAccessToken · //access/teamsExtension/:exchangeAccessToken",
    );
    expect(stdout).toContain("api-versions  2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23");
    expect(stdout).toContain("Evidence      spec");
    expect(stdout).toMatch(/Source {8}Azure\/azure-rest-api-specs .*routes\.tsp/);
  });

  it("prints the legacy token issue with the one version that serves it", () => {
    const [legacy] = explainOperation("issueTokenLegacy");
    const text = formatOperation(legacy!);
    expect(text).toContain("Route         POST /identities/{id}/token");
    expect(text).toContain("api-versions  2020-07-20-preview2\n");
  });

  it("explains every declared operation, and a group by its members", () => {
    for (const o of OPERATIONS) {
      expect(explainOperation(o.name)).toEqual([o]);
      expect(formatOperation(o)).toContain(`Source        ${o.source}`);
    }
    expect(explainOperation("discovery").map((o) => o.name)).toEqual([
      "openidConfiguration",
      "instanceDiscovery",
      "userRealm",
    ]);
  });

  it("still explains error codes first, and names the nearest operations for a typo", async () => {
    const code = await run(process.execPath, [cli, "explain", "InvalidAccessToken"]);
    expect(code.stdout).toMatch(/^InvalidAccessToken {2}\(ACS Identity, HTTP 401\)/);
    const typo = await run(process.execPath, [cli, "explain", "entraExchang"]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(typo).toMatchObject({ code: 2 });
    expect((typo as { stderr: string }).stderr).toContain("nearest operations: entraExchange");
  });
});
