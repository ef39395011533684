import { describe, expect, it } from "vitest";
import { moduleGraph } from "./module-graph.js";

/*
 * The layers, lowest first; a module imports only from its own layer and the layers its rule names
 * (static and lazy imports alike, type imports included):
 *
 *   core                       clock, durations, ids, keys, catalogs: imports nothing of ours
 *   mock-aad, mock-acs         the two services, on core only; they never import each other (ACS trusts
 *                              Entra only through keys the harness hands it, as the real services do)
 *   harness/store              where state is kept (memory, SQLite, PostgreSQL), behind core/store.ts's
 *                              interface: on core only; the services get their store through their context
 *   harness/sandbox (data)     world, descriptor, keys, CA, paths, addressing: what a sandbox is made of;
 *                              harness/tenant-import too, since a world file may import a tenant from
 *                              pasted Graph JSON (`world: { import: [...] }`)
 *   harness/external           what plays external parties (the workload issuer)
 *   harness/operator           the operator's surfaces: admin API, journal, faults, inspector, explain.
 *                              They see a sandbox through their own interface (operated-sandbox.ts),
 *                              never through the composition that mounts them
 *   harness/sandbox (composition)  sandbox.ts, app.ts and shared-state.ts: compose the mocks, the data,
 *                              the operator and the store
 *   harness/transports         server, intercept, msw handlers, testcontainers, vitest: start a sandbox
 *   harness/runner, harness/cli  on top; nothing below imports them
 *
 * docs/development.md states the same rule.
 */

type Layer =
  | "core"
  | "mock-aad"
  | "mock-acs"
  | "store"
  | "sandbox data"
  | "external"
  | "operator"
  | "composition"
  | "transports"
  | "runner"
  | "cli"
  | "package face";

const COMPOSITION = new Set([
  "harness/sandbox/sandbox.ts",
  "harness/sandbox/app.ts",
  "harness/sandbox/shared-state.ts",
]);

function layerOf(path: string): Layer | undefined {
  if (path.startsWith("core/")) return "core";
  if (path.startsWith("mock-aad/")) return "mock-aad";
  if (path.startsWith("mock-acs/")) return "mock-acs";
  if (path.startsWith("harness/store/")) return "store";
  if (COMPOSITION.has(path)) return "composition";
  if (path.startsWith("harness/sandbox/") || path.startsWith("harness/tenant-import/")) return "sandbox data";
  if (path.startsWith("harness/external/")) return "external";
  if (path.startsWith("harness/operator/")) return "operator";
  if (path.startsWith("harness/transports/")) return "transports";
  if (path.startsWith("harness/runner/")) return "runner";
  if (path.startsWith("harness/cli/")) return "cli";
  if (path === "harness/index.ts") return "package face";
  return undefined;
}

const BELOW_HARNESS: Layer[] = ["core", "mock-aad", "mock-acs", "store"];
const BELOW_TRANSPORTS: Layer[] = [...BELOW_HARNESS, "sandbox data", "external", "operator", "composition"];

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  core: [],
  "mock-aad": ["core"],
  "mock-acs": ["core"],
  store: ["core"],
  "sandbox data": BELOW_HARNESS,
  external: [...BELOW_HARNESS, "sandbox data"],
  operator: [...BELOW_HARNESS, "sandbox data", "external"],
  composition: [...BELOW_HARNESS, "sandbox data", "external", "operator"],
  transports: BELOW_TRANSPORTS,
  runner: [...BELOW_TRANSPORTS, "transports"],
  cli: [...BELOW_TRANSPORTS, "transports", "runner"],
  // The library's entry point: everything a user imports, never the CLI.
  "package face": [...BELOW_TRANSPORTS, "transports", "runner"],
};

function violations(): string[] {
  const found: string[] = [];
  for (const [path, imports] of moduleGraph()) {
    const from = layerOf(path)!;
    for (const target of [...imports.static, ...imports.dynamic]) {
      const to = layerOf(target);
      if (to === undefined) found.push(`${path} imports ${target}, outside the package's layers`);
      else if (to !== from && !MAY_IMPORT[from].includes(to))
        found.push(`${path} (${from}) imports ${target} (${to})`);
    }
  }
  return found;
}

describe("the layers", () => {
  it("place every module", () => {
    const unplaced = [...moduleGraph().keys()].filter((path) => layerOf(path) === undefined);
    expect(unplaced).toEqual([]);
  });

  it("are only imported downwards", () => {
    expect(violations()).toEqual([]);
  });

  it("keep the operator off the composition that mounts it", () => {
    const graph = moduleGraph();
    const operatorImports = [...graph]
      .filter(([path]) => path.startsWith("harness/operator/"))
      .flatMap(([, imports]) => [...imports.static, ...imports.dynamic]);
    expect(operatorImports.length).toBeGreaterThan(20);
    expect(operatorImports.filter((target) => COMPOSITION.has(target))).toEqual([]);
  });
});
