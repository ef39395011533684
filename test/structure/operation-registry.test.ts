import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { methodsOf } from "../../core/operations.js";
import { OPERATIONS, SERVICES } from "../../harness/sandbox/operations.js";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";

/*
 * Each service declared once: every route the composed sandbox answers outside its own admin API
 * (/_sandbox) is registered from a declaration of the operation registry, and every declaration is
 * served. A route added with plain `app.get(…)` fails here, so it cannot be missing from the journal,
 * the fault rules, `explain` or the docs.
 */

/**
 * Routes that are no operation of any service, each with why. Only catch-alls belong here: they answer
 * an unknown path under a service's tree with that service's 404.
 */
const UNDECLARED = new Set([
  // mock-aad/routes/fallback.ts: Entra's JSON 404 for unknown paths under its trees.
  "/:tenant/oauth2/*",
  "/:tenant/discovery/*",
  "/:tenant/v2.0/*",
]);

let sb: Sandbox;
beforeAll(async () => {
  sb = await buildSandbox();
});
afterAll(async () => {
  await sb?.close();
});

describe("the operation registry", () => {
  it("declares every route outside /_sandbox", () => {
    const routes = sb.app.sandboxRoutes;
    expect(routes.length).toBeGreaterThan(OPERATIONS.length);
    const undeclared = routes
      .filter((r) => !r.url.startsWith("/_sandbox/") && r.url !== "/_sandbox")
      .filter((r) => !UNDECLARED.has(r.url))
      .filter((r) => r.operation === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
  });

  it("serves every declaration at each of its URLs and methods", () => {
    const routes = sb.app.sandboxRoutes;
    const unserved = OPERATIONS.flatMap((declaration) =>
      declaration.urls.flatMap((url) =>
        methodsOf(declaration)
          .filter(
            (method) =>
              !routes.some((r) => r.operation === declaration && r.url === url && r.method === method),
          )
          .map((method) => `${declaration.name}: ${method} ${url}`),
      ),
    );
    expect(unserved).toEqual([]);
  });

  it("names each operation once across services, never with a group's name", () => {
    const names = OPERATIONS.map((o) => o.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    const groups = OPERATIONS.flatMap((o) => (o.group ? [o.group.toLowerCase()] : []));
    expect(groups.filter((g) => names.includes(g))).toEqual([]);
    expect(SERVICES).toEqual(expect.arrayContaining(["entra", "acs"]));
  });

  it("gives every declaration a summary and a source, and marks guesses [infer]", () => {
    for (const o of OPERATIONS) {
      expect(o.summary.length, o.name).toBeGreaterThan(10);
      expect(o.source.length, o.name).toBeGreaterThan(10);
      if (o.evidence === "inferred") expect(o.source, o.name).toContain("[infer]");
    }
  });

  it("answers GET /_sandbox/operations with the registry", async () => {
    const res = await sb.app.inject({ url: "/_sandbox/operations" });
    expect(res.statusCode).toBe(200);
    const listed = res.json() as { service: string; name: string; method: string[]; urls: string[] }[];
    expect(listed.map((o) => o.name)).toEqual(OPERATIONS.map((o) => o.name));
    expect(listed.find((o) => o.name === "teamsExtensionExchange")).toMatchObject({
      service: "acs",
      method: ["POST"],
      urls: ["/access/teamsExtension/:exchangeAccessToken", "//access/teamsExtension/:exchangeAccessToken"],
      evidence: "spec",
    });
  });
});
