import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acsUnderTest, hmacHeaders, signedInject, type AcsUnderTest } from "./support.js";

/* Bad input never reaches a 500, and every answer has the ACS shape and headers (reference §6). */

let t: AcsUnderTest;
beforeAll(async () => {
  t = await acsUnderTest();
});
afterAll(() => t.app.close());

const V = "api-version=2023-10-01";

async function createdId(): Promise<string> {
  return (await signedInject(t, "POST", `/identities?${V}`)).json().identity.id;
}

describe("ACS wire behaviour", () => {
  it("sends the service headers and echoes x-ms-client-request-id", async () => {
    const url = `/identities?${V}`;
    const res = await t.app.inject({
      method: "POST",
      url,
      headers: { ...hmacHeaders(t, "POST", url), "x-ms-client-request-id": "req-42" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers).toMatchObject({
      "x-ms-client-request-id": "req-42",
      "request-context": "appId=",
      "strict-transport-security": "max-age=2592000",
      "x-cache": "CONFIG_NOCACHE",
      "content-type": "application/json; charset=utf-8",
    });
    expect(res.headers["ms-cv"]).toMatch(/^[A-Za-z0-9+/]{22}\.0$/);
    expect(res.headers["x-processing-time"]).toMatch(/^\d+ms$/);
    expect(res.headers["x-azure-ref"]).toMatch(/^0/);
    expect(res.headers["api-supported-versions"]).toContain("2023-10-01");
  });

  it("answers 204 with no body and no content type", async () => {
    const id = encodeURIComponent(await createdId());
    const res = await signedInject(t, "POST", `/identities/${id}/:revokeAccessTokens?${V}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect(res.headers["content-type"]).toBeUndefined();
  });

  it("malformed JSON → 400 ValidationError", async () => {
    const res = await signedInject(t, "POST", `/identities?${V}`, "{not json");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("ValidationError");
    expect(res.headers["content-type"]).toBe("application/json");
  });

  it("a body of the wrong type → 400 ValidationError", async () => {
    const res = await signedInject(t, "POST", `/identities?${V}`, "[1,2]");
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "ValidationError", target: "$" });
  });

  it("a body in another media type → 415 in the ACS shape", async () => {
    const url = `/identities?${V}`;
    const body = '{"createTokenWithScopes":["chat"]}';
    const res = await t.app.inject({
      method: "POST",
      url,
      headers: { ...hmacHeaders(t, "POST", url, body), "content-type": "text/plain" },
      payload: body,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("UnsupportedMediaType");
  });

  it("a huge body → 413 in the ACS shape, and the service keeps serving", async () => {
    const url = `/identities?${V}`;
    const body = JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) });
    const res = await t.app.inject({
      method: "POST",
      url,
      headers: hmacHeaders(t, "POST", url, body),
      payload: body,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("RequestEntityTooLarge");
    expect((await signedInject(t, "POST", url)).statusCode).toBe(201);
  });

  it("path traversal and junk in {id} → 401 IdentityNotOwned, never 500", async () => {
    for (const id of [
      "..%2F..%2Fetc%2Fpasswd",
      "%2E%2E%2Fx",
      "8%3Aacs%3Anot-a-guid_x",
      "%E0%A4%A",
      "x".repeat(1500),
    ]) {
      const res = await signedInject(t, "POST", `/identities/${id}/:issueAccessToken?${V}`, {
        scopes: ["chat"],
      });
      expect([400, 401], id).toContain(res.statusCode);
      expect(res.json().error.code).toMatch(/IdentityNotOwned|ValidationError/);
    }
  });

  it("unknown paths addressed to a resource → ACS-shaped 404 (a %2E%2E segment is resolved by URL parsing before routing)", async () => {
    const dots = await signedInject(t, "POST", `/identities/%2E%2E/:issueAccessToken?${V}`, {
      scopes: ["chat"],
    });
    expect(dots.statusCode).toBe(404);
    expect(dots.json().error.code).toBe("NotFound");
    const res = await signedInject(t, "POST", `/identities/x/:bogus?${V}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("NotFound");
  });

  it("Repeatability-Request-ID (2023-08-01): a repeated create returns the first identity", async () => {
    const url = "/identities?api-version=2023-08-01";
    const headers = {
      ...hmacHeaders(t, "POST", url),
      "repeatability-request-id": "3a5b7c9d-1e2f-4a6b-8c0d-1e2f3a4b5c6d",
      "repeatability-first-sent": t.clock.now().toUTCString(),
    };
    const first = await t.app.inject({ method: "POST", url, headers });
    const again = await t.app.inject({ method: "POST", url, headers });
    expect(first.statusCode).toBe(201);
    expect(first.headers["repeatability-result"]).toBe("accepted");
    expect(again.json().identity.id).toBe(first.json().identity.id);
  });

  it("tokens issued before a revocation are reported revoked by the introspection endpoint; later ones are active", async () => {
    const id = await createdId();
    const issueUrl = `/identities/${encodeURIComponent(id)}/:issueAccessToken?${V}`;
    const before = (await signedInject(t, "POST", issueUrl, { scopes: ["chat"] })).json().token;
    await signedInject(t, "POST", `/identities/${encodeURIComponent(id)}/:revokeAccessTokens?${V}`);
    const after = (await signedInject(t, "POST", issueUrl, { scopes: ["chat"] })).json().token;
    const introspect = async (token: string) =>
      (await t.app.inject({ method: "POST", url: "/_sandbox/acs/introspect", payload: { token } })).json();
    expect(await introspect(before)).toMatchObject({ active: false, state: "revoked" });
    expect(await introspect(after)).toMatchObject({ active: true, state: "active" });
    const jwks = (await t.app.inject({ url: "/_sandbox/acs/jwks" })).json();
    expect(jwks.keys[0].kid).toBe(t.acsKeys.active.kid);
  });
});
