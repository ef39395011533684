import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";

/*
 * A sweep of malformed requests over every route family, both hosts and every method: each must get a
 * JSON (or, for browser pages, HTML) error in the owning service's shape, never a 500 or a stack trace,
 * and the sandbox keeps serving.
 */

// Built from its parts: the sweep sends what no client would, straight to the app.
let sb: Sandbox;
beforeAll(async () => {
  sb = await buildSandbox();
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
            const res = await sb.app.inject({
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
    const health = await sb.app.inject({ url: "/_sandbox/health" });
    expect(health.json()).toEqual({ status: "ok", store: "memory" });
    // Nothing malformed replaced the world.
    expect(sb.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
  });

  it("answers the issue's small bodies in the owning service's shape, never 500", async () => {
    // A real identity, so :issueAccessToken gets past the id check to the scopes.
    const created = await signedAcsRequest("POST", "/identities", "{}");
    const communicationUserId = (created.body as { identity: { id: string } }).identity.id;
    const issue = (payload: string) =>
      signedAcsRequest(
        "POST",
        `/identities/${encodeURIComponent(communicationUserId)}/:issueAccessToken`,
        payload,
      );
    const deep = (n: number) => `{"scopes":${"[".repeat(n)}${"]".repeat(n)}}`;
    for (const payload of ['{"scopes":[{"toString":null,"valueOf":null}]}', deep(400_000), deep(1000)]) {
      const res = await issue(payload);
      expect(res.status, payload.slice(0, 50)).toBe(400);
      expect(res.body).toMatchObject({
        error: {
          code: "ValidationError",
          message:
            "The JSON value could not be converted to CommunicationIdentityTokenScope. Path: $.scopes[0].",
        },
      });
    }

    const world = (payload: string, type: string) =>
      sb.app.inject({
        method: "PUT",
        url: "/_sandbox/world",
        headers: { "content-type": type },
        payload,
      });
    for (const [payload, type] of [
      [`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`, "application/json"],
      [`${"[".repeat(100_000)}${"]".repeat(100_000)}`, "application/json"],
      [`tenants: ${"[".repeat(100_000)}${"]".repeat(100_000)}`, "application/yaml"],
    ] as const) {
      const res = await world(payload, type);
      expect(res.statusCode, `${type} ${payload.slice(0, 20)}`).toBe(400);
      expect(res.json().message).toMatch(/nests (deeper than 64 levels|too deeply)/);
    }
    expect(sb.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);

    const noRoute = await sb.app.inject({
      method: "POST",
      url: "/identities/x/y/z?api-version=2023-10-01",
      headers: { host: "contoso-acs.communication.azure.com", "content-type": "application/json" },
    });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json()).toEqual({
      error: { code: "NotFound", message: "No ACS Identity operation matches POST /identities/x/y/z." },
    });
  });
});

/** A request signed with the resource's access key, as the Identity SDK signs it (HMAC-SHA256). */
async function signedAcsRequest(method: string, path: string, payload: string) {
  const { createHash, createHmac } = await import("node:crypto");
  const resource = sb.world.resources[0]!;
  const host = `${resource.name}.communication.azure.com`;
  const pathAndQuery = `${path}?api-version=2023-10-01`;
  const date = new Date().toUTCString();
  const contentHash = createHash("sha256").update(payload).digest("base64");
  const signed = `${method}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const signature = createHmac("sha256", Buffer.from(resource.primaryKey, "base64"))
    .update(signed)
    .digest("base64");
  const res = await sb.app.inject({
    method: method as "POST",
    url: pathAndQuery,
    headers: {
      host,
      "content-type": "application/json",
      "x-ms-date": date,
      "x-ms-content-sha256": contentHash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
    payload,
  });
  return { status: res.statusCode, body: res.json() as unknown };
}
