import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  catalog,
  explain,
  explainAnswer,
  formatExplanation,
  scenariosByCode,
} from "../../harness/operator/explain.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { aadCatalog } from "../../mock-aad/errors.js";
import { acsCatalog } from "../../mock-acs/errors.js";
import { managedIdentityExplained } from "../../mock-aad/managed-identity-errors.js";
import { graphCatalog } from "../../mock-aad/graph/errors.js";
import { armCatalog } from "../../mock-acs/arm/errors.js";

const run = promisify(execFile);

describe("explain", () => {
  it.each(
    [...aadCatalog(), ...acsCatalog(), ...managedIdentityExplained(), ...graphCatalog(), ...armCatalog()].map(
      (e) => [e.code, e.service, e] as const,
    ),
  )("explains %s (%s) from the emulators' own catalog, with a cause and a fix", (code, service, entry) => {
    const result = explain(code);
    expect(result.found).toBeDefined();
    const mine = result.found ? result.matches.find((m) => m.service === service) : undefined;
    expect(mine).toBeDefined();
    expect(mine!.cause.length).toBeGreaterThan(10);
    expect(mine!.fix.length).toBeGreaterThan(10);
    expect(formatExplanation(mine!)).toContain(`Fix    ${entry.fix}`);
  });

  it("says how sure each entry is: recorded with its source, or inferred and why", () => {
    for (const e of catalog()) {
      const text = formatExplanation(e);
      expect(e.evidence.recorded ?? e.evidence.inferred).toBeTruthy();
      if (e.evidence.recorded) expect(text).toContain(`Recorded  ${e.evidence.recorded}`);
      if (e.evidence.inferred) expect(text).toContain(`Inferred  ${e.evidence.inferred}`);
    }
    expect(formatExplanation(explain("AADSTS50173").found!)).toContain("Inferred  ");
    // What explain prints cites public sources (a Learn page, a repository and path or issue), never notes.
    expect(formatExplanation(explain("AADSTS650052").found!)).toMatch(
      /Recorded {2}.*learn\.microsoft\.com\/entra\/identity-platform\/reference-error-codes/,
    );
    for (const e of catalog()) {
      const text = formatExplanation(e);
      expect(text, e.code).not.toMatch(
        /entra-id\.md|acs-identity-api\.md|teams-access-tokens-quickstart\.md|(?<!RFC \d+ )§\d|\bthe reference\b/i,
      );
    }
  });

  it("prints a reproduce line that works from another directory", async () => {
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const { stdout } = await run(process.execPath, [cli, "explain", "AADSTS7000218"], { cwd: tmpdir() });
    const line = stdout.split("\n").find((l) => l.includes("npx acs-sandbox run "))!;
    const name = line.trim().split(" ").at(-1)!;
    const listed = await run(process.execPath, [cli, "run", name, "--reporter", "json"], { cwd: tmpdir() });
    expect(JSON.parse(listed.stdout)).toMatchObject({ passed: 1, failed: 0 });
  });

  it("finds the managed identity endpoints' codes from the CLI, apart from ACS's codes", async () => {
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const { stdout } = await run(process.execPath, [cli, "explain", "MetadataHeaderMissing"], {
      cwd: tmpdir(),
    });
    expect(stdout).toContain("MetadataHeaderMissing  (Managed identity, HTTP 400)");
    expect(stdout).toContain("Fix    Send `Metadata: true`");
    expect(explain("ManagedIdentityNotFound").found).toMatchObject({
      service: "Managed identity",
      status: 400,
    });
    expect(explain("IdentityNotFound").found).toMatchObject({ service: "ACS Identity", status: 404 });
  });

  it("explains Microsoft Graph's and ARM's codes with the command that fixes them", async () => {
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const denied = (await run(process.execPath, [cli, "explain", "Authorization_RequestDenied"])).stdout;
    expect(denied).toContain("Authorization_RequestDenied  (Microsoft Graph, HTTP 403)");
    expect(denied).toMatch(/Fix {4}Run the quickstart's admin steps 7 and 8/);
    expect(denied).toContain("Recorded  Azure/azure-cli issues");

    const failed = (await run(process.execPath, [cli, "explain", "AuthorizationFailed"])).stdout;
    expect(failed).toContain("AuthorizationFailed  (Azure Resource Manager, HTTP 403)");
    expect(failed).toContain(
      "az role assignment create --assignee <user or app id> --role Contributor --scope",
    );
    expect(failed).toMatch(/Inferred {2}the client is the user's UPN/);

    const notFound = (await run(process.execPath, [cli, "explain", "Request_ResourceNotFound"])).stdout;
    expect(notFound).toContain("Request_ResourceNotFound  (Microsoft Graph, HTTP 404)");
    expect(notFound).toContain("az ad sp create --id 1fd5118e-2576-4263-8130-9503064c837a");

    const tenant = (await run(process.execPath, [cli, "explain", "InvalidAuthenticationTokenTenant"])).stdout;
    expect(tenant).toContain("InvalidAuthenticationTokenTenant  (Azure Resource Manager, HTTP 401)");
    expect(tenant).toContain("az login --tenant <tenant>");
  });

  it("lists every service that answers with a shared code, each with its own cause", async () => {
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const { stdout } = await run(process.execPath, [cli, "explain", "InvalidAuthenticationToken"]);
    expect(stdout).toContain(
      "InvalidAuthenticationToken is answered by 2 services (Microsoft Graph, Azure Resource Manager):",
    );
    expect(stdout).toContain("InvalidAuthenticationToken  (Microsoft Graph, HTTP 401)");
    expect(stdout).toContain("InvalidAuthenticationToken  (Azure Resource Manager, HTTP 401)");

    const notFound = explain("NotFound");
    expect(notFound.found && notFound.matches.map((m) => [m.service, m.status])).toEqual([
      ["ACS Identity", 404],
      ["Azure Resource Manager", 404],
    ]);
    const throttled = explain("TooManyRequests");
    expect(throttled.found && throttled.matches.map((m) => [m.service, m.scenarios])).toEqual([
      ["ACS Identity", ["acs-exchange-throttled"]],
      ["Microsoft Graph", []],
    ]);
    // The inspector and the journal know which service answered: its explanation, not a namesake's.
    expect(explainAnswer("NotFound", "arm")?.fix).toContain("docs/arm.md");
    expect(explainAnswer("NotFound", "acs")?.service).toBe("ACS Identity");
    expect(explainAnswer("InternalServerError", "graph")?.service).toBe("Microsoft Graph");
  });

  it("accepts codes as people write them", () => {
    expect(explain("650052").found?.code).toBe("AADSTS650052");
    expect(explain("aadsts650052").found?.code).toBe("AADSTS650052");
    expect(explain("invalidaccesstoken").found?.code).toBe("InvalidAccessToken");
  });

  it("names the bundled scenario reproducing a code, found by reading the scenario files", () => {
    expect(explain("AADSTS500011").found?.scenarios).toContain("missing-service-principal");
    expect(formatExplanation(explain("AADSTS7000218").found!)).toContain(
      "npx acs-sandbox run public-client-flows-disabled",
    );
  });

  it("knows every code a bundled scenario expects", () => {
    const known = new Set(catalog().map((e) => explain(e.code).found!.code));
    for (const code of scenariosByCode().keys())
      expect(known.has(explain(code).found?.code ?? code)).toBe(true);
  });

  it("answers an unknown code with the nearest known ones", () => {
    const result = explain("AADSTS65002");
    expect(result.found).toBeUndefined();
    expect(result.found === undefined && result.nearest).toContain("AADSTS65001");
  });

  it("exits non-zero from the CLI for an unknown code", async () => {
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const error = await run(process.execPath, [cli, "explain", "InvalidAccesToken"]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain("Nearest known codes: InvalidAccessToken");
  });
});
