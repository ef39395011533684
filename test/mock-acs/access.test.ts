import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acsUnderTest,
  decodePayload,
  entraToken,
  signedInject,
  LICENSED_USER,
  TEAMS_APP_ID,
  TENANT_ID,
  type AcsUnderTest,
} from "./support.js";

/*
 * The `/access/*` operations and the newer identity fields against bad input: every refusal is an ACS
 * error body with a 4xx status, never a 500 or a framework message.
 */

let t: AcsUnderTest;
beforeAll(async () => {
  t = await acsUnderTest();
});
afterAll(() => t.app.close());

type Method = "GET" | "PUT" | "PATCH" | "POST" | "DELETE";

function signed(method: Method, url: string, body?: unknown, contentType = "application/json") {
  return signedInject(t, method, url, body, contentType);
}

function bearer(url: string, token: string | undefined, payload = "{}") {
  return t.app.inject({
    method: "POST",
    url,
    headers: {
      host: t.host,
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    payload,
  });
}

const TEAMS = "/access/teamsExtension";
const V2025 = "api-version=2025-06-30";
const PREVIEW = "api-version=2025-03-02-preview";

describe("Teams Phone extensibility", () => {
  it("exchanges once the user is assigned with the app, and says which check failed before", async () => {
    const token = await entraToken(t, { scp: "TeamsExtension.ManageCalls" });
    const exchangeUrl = `//access/teamsExtension/:exchangeAccessToken?${V2025}`;
    expect((await bearer(exchangeUrl, token)).json()).toMatchObject({
      error: { code: "AccessAssignmentNotFound" },
    });

    const assignment = `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`;
    const put = await signed("PUT", assignment, { principalType: "user", clientIds: [] });
    expect(put.statusCode).toBe(201);
    expect((await bearer(exchangeUrl, token)).json()).toMatchObject({ error: { code: "ClientNotAssigned" } });

    expect(
      (await signed("PUT", assignment, { principalType: "user", clientIds: [TEAMS_APP_ID] })).statusCode,
    ).toBe(200);
    const ok = await bearer(exchangeUrl, token);
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as { identity: { id: string }; accessToken: { token: string; expiresOn: string } };
    expect(body.identity.id).toBe(`8:acs:${t.resource.resourceId}_${TENANT_ID}_${LICENSED_USER}`);
    expect(decodePayload(body.accessToken.token)).toMatchObject({ acsScope: "voip", tid: TENANT_ID });
    expect(ok.headers["api-supported-versions"]).toBe(
      "2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23",
    );
  });

  it("refuses a missing, foreign or HMAC-only caller token as InvalidAccessToken", async () => {
    const url = `${TEAMS}/:exchangeAccessToken?${V2025}`;
    const invalid = { error: { code: "InvalidAccessToken", message: "Provided access token is not valid." } };
    expect((await bearer(url, undefined)).json()).toEqual(invalid);
    expect((await bearer(url, "not-a-jwt")).json()).toEqual(invalid);
    expect((await bearer(url, await entraToken(t))).json()).toEqual(invalid); // Teams.ManageCalls only
    const hmac = await signed("POST", url, {});
    expect(hmac.statusCode).toBe(401);
    expect(hmac.json()).toEqual(invalid);
  });

  it("refuses malformed assignment paths and bodies with ValidationError", async () => {
    const bad = [
      await signed("PUT", `${TEAMS}/tenants/not-a-guid/assignments/${LICENSED_USER}?${V2025}`, {
        principalType: "user",
      }),
      await signed("PUT", `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`, {}),
      await signed("PUT", `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`, {
        principalType: "user",
        clientIds: "x",
      }),
      await signed("PUT", `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`, {
        principalType: "user",
        clientIds: [42],
      }),
      await signed("PUT", `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`, "[1,2]"),
      await signed("PUT", `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?${V2025}`, "{not json"),
    ];
    for (const res of bad) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "ValidationError" } });
    }
    const version = await signed(
      "GET",
      `${TEAMS}/tenants/${TENANT_ID}/assignments/${LICENSED_USER}?api-version=2023-10-01`,
    );
    expect(version.json()).toMatchObject({ error: { code: "UnsupportedApiVersion" } });
  });
});

describe("Entra ID users", () => {
  it("merges a PATCH map, validating every entry before changing anything", async () => {
    const url = `/access/entra/assignments?${PREVIEW}`;
    const entry = { tenantId: TENANT_ID, principalType: "tenant", clientIds: [TEAMS_APP_ID] };
    const refused = await signed(
      "PATCH",
      url,
      { [TENANT_ID]: entry, "not-a-guid": entry },
      "application/merge-patch+json",
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: "ValidationError", target: "objectId" } });
    expect((await signed("GET", url)).json()).toEqual({ value: [] });

    for (const body of [
      "[]",
      "5",
      JSON.stringify({ [TENANT_ID]: 5 }),
      JSON.stringify({ [TENANT_ID]: { principalType: "robot" } }),
    ]) {
      const res = await signed("PATCH", url, body, "application/merge-patch+json");
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "ValidationError" } });
    }

    const ok = await signed("PATCH", url, { [TENANT_ID]: entry }, "application/merge-patch+json");
    expect(ok.json()).toEqual({ value: [{ objectId: TENANT_ID, ...entry }] });
    const token = await entraToken(t, {
      aud: "https://communication.azure.com/clients",
      scp: "VoIP.Join",
      groups: "x",
    });
    const exchanged = await bearer(`/access/entra/:exchangeAccessToken?${PREVIEW}`, token);
    expect(exchanged.statusCode).toBe(200);
    const { accessToken } = exchanged.json() as { accessToken: { token: string } };
    expect(decodePayload(accessToken.token)).toMatchObject({
      skypeid: `acs:${t.resource.resourceId}_wf_${TENANT_ID}_${LICENSED_USER}`,
      acsScope: "voip.join",
    });
    expect(
      (await signed("PATCH", url, { [TENANT_ID]: null }, "application/merge-patch+json")).json(),
    ).toEqual({
      value: [],
    });
  });
});

describe("customId and GET /identities/{id}", () => {
  it("refuses a customId of the wrong type or length, and another resource's id", async () => {
    for (const customId of [42, "", "x".repeat(257)]) {
      const res = await signed("POST", `/identities?${PREVIEW}`, { customId });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "ValidationError" } });
    }
    const foreign = encodeURIComponent(
      "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000",
    );
    const res = await signed("GET", `/identities/${foreign}?${PREVIEW}`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: "IdentityNotOwned" } });
  });
});
