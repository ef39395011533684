import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { catalog, explain, formatExplanation, scenariosByCode } from "../../harness/operator/explain.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { aadCatalog } from "../../mock-aad/errors.js";
import { acsCatalog } from "../../mock-acs/errors.js";
import { managedIdentityExplained } from "../../mock-aad/managed-identity-errors.js";

const run = promisify(execFile);

describe("explain", () => {
  it.each([...aadCatalog(), ...acsCatalog(), ...managedIdentityExplained()].map((e) => [e.code, e] as const))(
    "explains %s from the emulators' own catalog, with a cause and a fix",
    (code, entry) => {
      const result = explain(code);
      expect(result.found).toBeDefined();
      expect(result.found!.cause.length).toBeGreaterThan(10);
      expect(result.found!.fix.length).toBeGreaterThan(10);
      expect(result.found!.service).toBe(entry.service);
      expect(formatExplanation(result.found!)).toContain(`Fix    ${entry.fix}`);
    },
  );

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
