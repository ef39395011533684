import { randomUUID } from "node:crypto";
import { PublicClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, MODES, msalAuth, user } from "../support/modes.js";
import { entraOrigin, replay, staticValues, TEAMS_SCOPES } from "./replay.js";

/*
 * The recorded differences whose evidence is not a replayable recording: the Entra headers on every
 * kind of answer (pages and redirects too), `x-ms-client-request-id` as correlation id (MSAL Python
 * and MSAL.NET send it as a header), and where the api-version advice went once the message became
 * Azure's own (a sandbox header and the journal).
 */

const ENTRA_HEADERS = {
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  p3p: 'CP="DSP CUR OTPi IND OTRi ONL FIN"',
};

function entraHeadersOf(res: Response) {
  return Object.fromEntries(Object.keys(ENTRA_HEADERS).map((name) => [name, res.headers.get(name)]));
}

describe.each(MODES)("beyond the recordings (%s mode)", (mode) => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ mode, port: 0 });
  });
  afterAll(() => sb.close());

  it("echoes x-ms-client-request-id as the error's correlation id", async () => {
    const v = staticValues(sb);
    const requestId = randomUUID();
    const res = await fetch(`${entraOrigin(sb)}/${v.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-ms-client-request-id": requestId },
      body: new URLSearchParams({
        client_id: v.appId!,
        username: v.upn!,
        password: "not-the-password",
        scope: `${TEAMS_SCOPES} openid`,
        grant_type: "password",
      }),
    });
    const body = (await res.json()) as {
      error_codes: number[];
      correlation_id: string;
      error_description: string;
    };
    expect(res.status).toBe(400);
    expect(body.error_codes).toEqual([50126]);
    expect(body.correlation_id).toBe(requestId);
    expect(body.error_description).toContain(`Correlation ID: ${requestId}`);
    expect(entraHeadersOf(res)).toEqual(ENTRA_HEADERS);
  });

  it("sends the Entra headers on pages, redirects and unknown paths too", async () => {
    const v = staticValues(sb);
    const page = await fetch(
      `${entraOrigin(sb)}/${v.tenantId}/oauth2/v2.0/authorize?client_id=${randomUUID()}&response_type=code&redirect_uri=http://localhost&scope=openid`,
      { redirect: "manual" },
    );
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(entraHeadersOf(page)).toEqual(ENTRA_HEADERS);
    const keys = await fetch(`${entraOrigin(sb)}/${v.tenantId}/discovery/v2.0/keys`);
    expect(entraHeadersOf(keys)).toEqual(ENTRA_HEADERS);
  });

  it("answers the OpenID configuration of an unknown tenant with 90002, cached private like discovery", async () => {
    const unknown = "not-a-tenant.onmicrosoft.com";
    const res = await fetch(`${entraOrigin(sb)}/${unknown}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(res.headers.get("cache-control")).toBe("private");
    expect(entraHeadersOf(res)).toEqual(ENTRA_HEADERS);
    const body = (await res.json()) as { error: string; error_codes: number[]; error_description: string };
    expect(body).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
    expect(body.error_description).toMatch(new RegExp(`^AADSTS90002: Tenant '${unknown}' not found\\.`));
  });

  it("lists .default after the granted scopes when MSAL asks for …/.default", async () => {
    const alice = user(sb, "alice");
    const pca = new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
    const result = await pca.acquireTokenByUsernamePassword({
      scopes: ["https://auth.msft.communication.azure.com/.default"],
      username: alice.upn,
      password: alice.password,
    });
    expect(result?.scopes).toEqual([
      "https://auth.msft.communication.azure.com/Teams.ManageCalls",
      "https://auth.msft.communication.azure.com/Teams.ManageChats",
      "https://auth.msft.communication.azure.com/.default",
    ]);
  });

  it("keeps Azure's api-version message and puts the advice in x-acs-sandbox-hint and the journal", async () => {
    const values = staticValues(sb);
    const res = await replay(
      sb,
      {
        id: "unsupported",
        source: "issue-unsupported-version",
        request: { method: "POST", path: "/identities", apiVersion: "2019-01-01" },
        response: { status: 400 },
      },
      values,
    );
    expect(res.status).toBe(400);
    // #region api-version-hint
    const hint = res.headers.get("x-acs-sandbox-hint");
    expect(hint).toContain("2023-10-01");
    expect(hint).toContain("--loose");
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: "UnsupportedApiVersion",
        message: `The HTTP resource that matches the request URI '${res.values.requestUri}' does not support the API version '2019-01-01'.`,
      },
    });
    const journal = (await (await fetch(`${sb.descriptor.baseUrl}/_sandbox/requests`)).json()) as {
      requests: { url: string; errorCode?: string; hint?: string }[];
    };
    const entry = journal.requests.find((r) => r.url.includes("api-version=2019-01-01"));
    expect(entry).toMatchObject({ errorCode: "UnsupportedApiVersion", hint });
    // #endregion api-version-hint
  });
});
