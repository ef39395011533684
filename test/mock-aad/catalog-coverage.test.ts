import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { explain } from "../../harness/operator/explain.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { aadCatalog } from "../../mock-aad/errors.js";
import { GRAPH_CATALOG, graphCatalog } from "../../mock-aad/graph/errors.js";
import { ARM_CATALOG, armCatalog } from "../../mock-acs/arm/errors.js";
import { acsCatalog } from "../../mock-acs/errors.js";

/*
 * The catalogs are the single source of truth: every code in them is emitted somewhere, and every code
 * the mocks emit comes from them. Read from the sources, so a code added anywhere is checked.
 */

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f))
    .map((file) => ({ file: relative(packageRoot(), file), text: readFileSync(file, "utf8") }));
}

/** Source text with comments removed, so a code named in a comment is neither use nor bypass. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

// Fault rules (harness/operator/faults) answer in each service's own catalogued shape too.
const faults = sources(join(packageRoot(), "harness", "operator", "faults"));
const aad = [...sources(join(packageRoot(), "mock-aad")), ...faults].filter(
  (s) => !s.file.endsWith("errors.ts"),
);
const acs = [...sources(join(packageRoot(), "mock-acs")), ...faults].filter(
  (s) => !s.file.endsWith("errors.ts"),
);

describe("the Entra ID catalog", () => {
  it.each(aadCatalog().map((e) => e.code))("%s is emitted through AadError", (catalogued) => {
    const users = aad.filter((s) => code(s.text).includes(`AadError("${catalogued}"`));
    expect(
      users.map((s) => s.file),
      `${catalogued} is catalogued but never emitted`,
    ).not.toEqual([]);
  });

  it("is the only place an AADSTS code is written", () => {
    const bypasses = aad.flatMap((s) =>
      code(s.text)
        .split("\n")
        .filter((line) => /AADSTS\d+/.test(line) && !/AadError(<"AADSTS\d+">|\("AADSTS\d+")/.test(line))
        .filter((line) => !/\.code (===|!==) "AADSTS\d+"|recordOutcome\([^)]*"AADSTS\d+"\)/.test(line))
        .map((line) => `${s.file}: ${line.trim()}`),
    );
    expect(bypasses).toEqual([]);
  });
});

describe("the ACS Identity catalog", () => {
  it.each(acsCatalog().map((e) => e.code))("%s is emitted through AcsError", (catalogued) => {
    const users = acs.filter((s) => code(s.text).includes(`AcsError("${catalogued}"`));
    expect(
      users.map((s) => s.file),
      `${catalogued} is catalogued but never emitted`,
    ).not.toEqual([]);
  });
});

describe("the Microsoft Graph catalog", () => {
  it.each(Object.keys(GRAPH_CATALOG))("%s is emitted through GraphError", (key) => {
    const users = aad.filter((s) => code(s.text).includes(`GraphError("${key}"`));
    expect(
      users.map((s) => s.file),
      `${key} is catalogued but never emitted`,
    ).not.toEqual([]);
  });

  it.each(graphCatalog().map((e) => [e.code, e] as const))(
    "%s is explained as Microsoft Graph's, with a cause, a fix and evidence",
    (graphCode, entry) => {
      const result = explain(graphCode);
      expect(result.found && result.matches.map((m) => m.service)).toContain("Microsoft Graph");
      expect(entry.cause.length).toBeGreaterThan(10);
      expect(entry.fix.length).toBeGreaterThan(10);
      expect(entry.evidence.recorded ?? entry.evidence.inferred).toBeTruthy();
    },
  );
});

describe("the Azure Resource Manager catalog", () => {
  it.each(Object.keys(ARM_CATALOG))("%s is emitted through ArmError", (armCode) => {
    const users = acs.filter((s) => code(s.text).includes(`ArmError("${armCode}"`));
    expect(
      users.map((s) => s.file),
      `${armCode} is catalogued but never emitted`,
    ).not.toEqual([]);
  });

  it.each(armCatalog().map((e) => [e.code, e] as const))(
    "%s is explained as ARM's, with a cause, a fix and evidence",
    (armCode, entry) => {
      const result = explain(armCode);
      expect(result.found && result.matches.map((m) => m.service)).toContain("Azure Resource Manager");
      expect(entry.cause.length).toBeGreaterThan(10);
      expect(entry.fix.length).toBeGreaterThan(10);
      expect(entry.evidence.recorded ?? entry.evidence.inferred).toBeTruthy();
    },
  );
});

describe("codes several services answer with", () => {
  it("are unique within each service, so explain lists each service once", () => {
    for (const entries of [aadCatalog(), acsCatalog(), graphCatalog(), armCatalog()]) {
      const codes = entries.map((e) => e.code.toLowerCase());
      expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    }
  });
});
