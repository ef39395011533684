import { describe, expect, it } from "vitest";
import { AadError, aadCatalog, entraTimestamp, renderAadError } from "../../mock-aad/errors.js";
import { parseScopes } from "../../mock-aad/scopes.js";

describe("error catalog", () => {
  it("renders the token-endpoint body of reference §3.1", () => {
    const err = new AadError("AADSTS65001", { clientId: "c1", appName: "Contoso Teams" });
    const { status, body } = renderAadError(err, {
      now: new Date("2016-01-09T02:02:12.345Z"),
      correlationId: "corr",
      traceId: "trace",
    });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: "invalid_grant",
      error_description:
        "AADSTS65001: The user or administrator has not consented to use the application with ID 'c1' named 'Contoso Teams'. Send an interactive authorization request for this user and resource.\r\nTrace ID: trace\r\nCorrelation ID: corr\r\nTimestamp: 2016-01-09 02:02:12Z",
      error_codes: [65001],
      timestamp: "2016-01-09 02:02:12Z",
      trace_id: "trace",
      correlation_id: "corr",
      error_uri: "https://login.microsoftonline.com/error?code=65001",
      suberror: "consent_required",
    });
  });

  it("carries a claims challenge with MFA errors, and 401 for invalid_client", () => {
    const mfa = new AadError("AADSTS50076", {
      resourceAppId: "1fd5118e-2576-4263-8130-9503064c837a",
    }).withClaims('{"a":1}');
    expect(renderAadError(mfa, { now: new Date() }).body).toMatchObject({
      suberror: "basic_action",
      claims: '{"a":1}',
    });
    expect(new AadError("AADSTS7000215", { clientId: "c" }).status).toBe(401);
    expect(entraTimestamp(new Date("2026-12-31T23:59:59.999Z"))).toBe("2026-12-31 23:59:59Z");
  });

  it("explains every code, naming the quickstart admin step where one fixes it", () => {
    const catalog = aadCatalog();
    expect(new Set(catalog.map((e) => e.code)).size).toBe(catalog.length);
    for (const entry of catalog) {
      expect(entry.code).toMatch(/^AADSTS\d+$/);
      expect(entry.service).toBe("Entra ID");
      expect(entry.cause.length).toBeGreaterThan(10);
      expect(entry.fix.length).toBeGreaterThan(10);
    }
    const byCode = new Map(catalog.map((e) => [e.code, e]));
    expect(byCode.get("AADSTS500011")?.fix).toContain(
      "New-MgServicePrincipal -AppId 1fd5118e-2576-4263-8130-9503064c837a",
    );
    expect(byCode.get("AADSTS650052")?.status).toBe("redirect");
    expect(byCode.get("AADSTS90094")?.status).toBe("page");
    expect(byCode.get("AADSTS65001")?.fix).toMatch(/^Admin step 8/);
    for (const code of [
      "AADSTS50011",
      "AADSTS54005",
      "AADSTS70016",
      "AADSTS70018",
      "AADSTS70019",
      "AADSTS501481",
      "AADSTS50058",
    ]) {
      expect(byCode.has(code)).toBe(true);
    }
  });
});

describe("scope parsing", () => {
  it("reads the ACS SDK's double-slash data-plane scope as the resource with a trailing slash", () => {
    expect(parseScopes("https://communication.azure.com//.default").resource).toEqual({
      uri: "https://communication.azure.com/",
      names: [".default"],
    });
  });

  it("separates sign-in scopes and refuses two resources or a bare host", () => {
    const parsed = parseScopes(
      "openid https://auth.msft.communication.azure.com/Teams.ManageCalls offline_access",
    );
    expect([...parsed.oidc].sort()).toEqual(["offline_access", "openid"]);
    expect(() => parseScopes("https://a.example/x https://b.example/y")).toThrow(/AADSTS700022/);
    expect(() => parseScopes("https://graph.microsoft.com")).toThrow(/AADSTS70011/);
  });
});
