import { beforeAll, describe, expect, it } from "vitest";
import { clientId, MODES, tenantId, user } from "../support/modes.js";
import { ACS_SCOPES } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(MODES)("Entra ID discovery documents (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  let base: string;
  beforeAll(async () => {
    base = mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com";
  });

  const getJson = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { res, body: (await res.json()) as Record<string, unknown> };
  };

  it("serves the v2 OpenID configuration of a tenant by GUID, domain and world name", async () => {
    const fabrikam = tenantId(sb, "fabrikam");
    for (const segment of [fabrikam, "fabrikam.onmicrosoft.com", "fabrikam"]) {
      const { res, body } = await getJson(`/${segment}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("max-age=86400, private");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(body).toMatchObject({
        issuer: `${base}/${fabrikam}/v2.0`,
        token_endpoint: `${base}/${fabrikam}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${fabrikam}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${fabrikam}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/${fabrikam}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${fabrikam}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        request_uri_parameter_supported: false,
        userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
        cloud_instance_name: "microsoftonline.com",
        msgraph_host: "graph.microsoft.com",
      });
    }
  });

  it("uses the literal {tenantid} issuer for common and organizations", async () => {
    for (const segment of ["common", "organizations"]) {
      const { body } = await getJson(`/${segment}/v2.0/.well-known/openid-configuration`);
      expect(body.issuer).toBe(`${base}/{tenantid}/v2.0`);
      expect(body.token_endpoint).toBe(`${base}/${segment}/oauth2/v2.0/token`);
      expect(body.tenant_region_scope).toBeNull();
    }
  });

  it("serves the v1 OpenID configuration with the sts.windows.net issuer", async () => {
    const contoso = tenantId(sb, "contoso");
    const { body } = await getJson(`/${contoso}/.well-known/openid-configuration`);
    expect(body).toMatchObject({
      issuer: `https://sts.windows.net/${contoso}/`,
      token_endpoint: `${base}/${contoso}/oauth2/token`,
      jwks_uri: `${base}/${contoso}/discovery/keys`,
      microsoft_multi_refresh_token: true,
    });
    const common = await getJson(`/common/.well-known/openid-configuration`);
    expect(common.body.issuer).toBe("https://sts.windows.net/{tenantid}/");
  });

  it("publishes at least two signing keys with kid = x5t and a certificate; v2 keys name their issuer", async () => {
    const fabrikam = tenantId(sb, "fabrikam");
    const v2 = (await getJson(`/${fabrikam}/discovery/v2.0/keys`)).body as {
      keys: Record<string, unknown>[];
    };
    expect(v2.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of v2.keys) {
      expect(key).toMatchObject({ kty: "RSA", use: "sig", e: "AQAB", issuer: `${base}/${fabrikam}/v2.0` });
      expect(key.kid).toBe(key.x5t);
      expect((key.x5c as string[])[0]).toMatch(/^MII/);
    }
    const v1 = (await getJson(`/common/discovery/keys`)).body as { keys: Record<string, unknown>[] };
    expect(v1.keys.map((k) => k.kid)).toEqual(v2.keys.map((k) => k.kid));
    expect(v1.keys[0]).not.toHaveProperty("issuer");
  });

  it("answers instance discovery with the cloud aliases (and the sandbox host on a port)", async () => {
    const fabrikam = tenantId(sb, "fabrikam");
    const authorize = encodeURIComponent(`${base}/${fabrikam}/oauth2/v2.0/authorize`);
    const { res, body } = await getJson(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`,
    );
    expect(res.status).toBe(200);
    expect(body.tenant_discovery_endpoint).toBe(`${base}/${fabrikam}/v2.0/.well-known/openid-configuration`);
    expect(body["api-version"]).toBe("1.1");
    const metadata = body.metadata as { preferred_network: string; aliases: string[] }[];
    expect(metadata[0]).toMatchObject({
      preferred_network: "login.microsoftonline.com",
      preferred_cache: "login.windows.net",
    });
    if (mode === "server") {
      expect(metadata.some((m) => m.aliases.includes(new URL(base).host))).toBe(true);
    }
    const unknown = await getJson(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://login.example.com/x/oauth2/v2.0/authorize")}`,
    );
    expect(unknown.res.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: "invalid_instance", error_codes: [50049] });
  });

  it("answers an unknown tenant with 400 invalid_tenant AADSTS90002 in Entra's error shape", async () => {
    const res = await fetch(
      `${base}/contoso-not-here.onmicrosoft.com/v2.0/.well-known/openid-configuration?client-request-id=6f1e3c2a-0000-4000-8000-000000000001`,
    );
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_tenant",
      error_codes: [90002],
      correlation_id: "6f1e3c2a-0000-4000-8000-000000000001",
      error_uri: "https://login.microsoftonline.com/error?code=90002",
    });
    expect(body.timestamp).toMatch(TIMESTAMP);
    expect(body.trace_id).toMatch(GUID);
    expect(body.error_description).toBe(
      `AADSTS90002: Tenant 'contoso-not-here.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.\r\nTrace ID: ${String(body.trace_id)}\r\nCorrelation ID: 6f1e3c2a-0000-4000-8000-000000000001\r\nTimestamp: ${String(body.timestamp)}`,
    );
  });
});

describe("bad input at the token endpoint (server mode, plain fetch)", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });
  let token: string;
  beforeAll(async () => {
    token = `${sb.descriptor.baseUrl}/${tenantId(sb, "fabrikam")}/oauth2/v2.0/token`;
  });

  const post = async (
    body: string | URLSearchParams,
    contentType = "application/x-www-form-urlencoded",
    url = token,
  ) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": contentType },
      body: String(body),
    });
    return { res, body: (await res.json()) as Record<string, unknown> };
  };

  const ropc = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      grant_type: "password",
      client_id: clientId(sb, "contoso-teams"),
      username: user(sb, "alice").upn,
      password: user(sb, "alice").password,
      scope: ACS_SCOPES.join(" "),
      ...extra,
    });

  it("names the first missing parameter (900144)", async () => {
    const params = ropc();
    params.delete("username");
    const { res, body } = await post(params);
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    expect(body.error_description).toMatch(
      /^AADSTS900144: The request body must contain the following parameter: 'username'\./,
    );
  });

  it("reads a JSON body as no form at all: grant_type is missing", async () => {
    const { res, body } = await post(JSON.stringify({ grant_type: "password" }), "application/json");
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    expect(String(body.error_description)).toContain("'grant_type'");
  });

  it("refuses an unknown grant type with unsupported_grant_type", async () => {
    const { res, body } = await post(ropc({ grant_type: "magic" }));
    expect(res.status).toBe(400);
    expect(body.error).toBe("unsupported_grant_type");
  });

  it("refuses a repeated parameter as a malformed request", async () => {
    const { res, body } = await post(`${ropc()}&scope=openid`);
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
  });

  it("answers a body over 1 MiB with 413 and an Entra-shaped JSON error", async () => {
    const { res, body } = await post(`grant_type=password&padding=${"x".repeat(1_100_000)}`);
    expect(res.status).toBe(413);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
  });

  it("answers GET on the token endpoint with a JSON error", async () => {
    const res = await fetch(token);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request", error_codes: [900561] });
  });

  it("answers invalid_client with HTTP 401 (public client flows off)", async () => {
    sb.editWorld({ apps: { "contoso-teams": { publicClientFlows: false } } });
    try {
      const { res, body } = await post(ropc());
      expect(res.status).toBe(401);
      expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000218] });
    } finally {
      await sb.reset();
    }
  });

  it("accepts client_secret_basic and sends the recorded token response headers", async () => {
    const res = await fetch(`${sb.descriptor.baseUrl}/${tenantId(sb, "contoso")}/oauth2/v2.0/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${clientId(sb, "contoso-backend")}:contoso-backend-secret`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId(sb, "contoso-backend"),
        scope: "https://communication.azure.com//.default",
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store, no-cache");
    expect(res.headers.get("pragma")).toBe("no-cache");
    expect(res.headers.get("x-ms-request-id")).toMatch(GUID);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer" });
    expect(body).not.toHaveProperty("refresh_token");
    expect(body).not.toHaveProperty("id_token");
  });

  it("answers unknown Entra paths with a JSON 404 and leaves the admin API alone", async () => {
    const res = await fetch(`${sb.descriptor.baseUrl}/${tenantId(sb, "fabrikam")}/oauth2/v2.0/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await res.json()) as { error: string }).error).toBe("not_found");

    const admin = await fetch(`${sb.descriptor.baseUrl}/_sandbox/descriptor`);
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { baseUrl: string }).baseUrl).toBe(sb.descriptor.baseUrl);
  });

  it("keeps serving tokens after all of the above", async () => {
    const { res, body } = await post(ropc({ client_info: "1" }));
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer" });
    expect(String(body.scope).split(" ").sort()).toEqual([...ACS_SCOPES].sort());
  });
});
