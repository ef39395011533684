import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";

/*
 * A sweep of malformed requests over every route family, both hosts and every method: each must get a
 * JSON (or, for browser pages, HTML) error in the owning service's shape, never a 500 or a stack trace,
 * and the sandbox keeps serving.
 */

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ mode: "handlers" });
});
afterAll(() => sb.close());

const BODIES: { payload?: string; contentType?: string }[] = [
  {},
  { payload: "{bad json", contentType: "application/json" },
  { payload: "a=1&a=2&grant_type=password", contentType: "application/x-www-form-urlencoded" },
  { payload: "x".repeat(2_000_000), contentType: "application/json" },
  { payload: "<xml/>", contentType: "text/xml" },
  { payload: "null", contentType: "application/json" },
  { payload: '{"token":5,"appId":[],"userId":{}}', contentType: "application/json" },
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

function paths(tenantId: string): string[] {
  return [
    "/",
    "/x",
    `/${tenantId}`,
    `/${tenantId}/oauth2/v2.0/token`,
    `/${tenantId}/oauth2/v2.0/authorize`,
    `/${tenantId}/oauth2/v2.0/devicecode`,
    `/${tenantId}/adminconsent`,
    `/${tenantId}/v2.0/adminconsent`,
    `/${tenantId}/v2.0/.well-known/openid-configuration`,
    "/common/login",
    "/common/Consent/Set",
    "/common/reprocess",
    "/common/oauth2/deviceauth",
    "/common/oauth2/deviceauth/confirm",
    "/identities",
    "/identities/%ZZ",
    "/identities/..%2F..%2Fetc/:issueAccessToken",
    "/teamsUser/:exchangeAccessToken",
    "/_sandbox/world",
    "/_sandbox/clock",
    "/_sandbox/acs/introspect",
    "/%00",
    "/a/b/c/d/e/f",
  ];
}

describe("bad input", () => {
  it("never answers 500, a stack trace or a body in no known shape", async () => {
    const problems: string[] = [];
    let sent = 0;
    const tenantId = sb.descriptor.tenants[1]!.id;
    for (const host of ["login.microsoftonline.com", "contoso-acs.communication.azure.com"]) {
      for (const path of paths(tenantId)) {
        for (const method of METHODS) {
          for (const { payload, contentType } of BODIES) {
            if (method === "GET" && payload) continue;
            const res = await sb.sandbox.app.inject({
              method,
              url: `${path}?api-version=2023-10-01`,
              headers: { host, ...(contentType ? { "content-type": contentType } : {}) },
              ...(payload ? { payload } : {}),
            });
            sent++;
            const type = String(res.headers["content-type"] ?? "");
            const where = `${res.statusCode} ${method} ${host}${path} (${contentType ?? "no body"})`;
            if (res.statusCode >= 500) problems.push(`server error: ${where}`);
            if (/\n\s+at /.test(res.body)) problems.push(`stack trace: ${where}`);
            if (res.statusCode >= 400 && res.body && !/json|html/.test(type))
              problems.push(`${type}: ${where}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(1500);
    expect(problems).toEqual([]);
    const health = await sb.sandbox.app.inject({ url: "/_sandbox/health" });
    expect(health.json()).toEqual({ status: "ok" });
    // Nothing malformed replaced the world.
    expect(sb.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
  });
});
