import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeySet, processKeys } from "../../core/keyset.js";
import {
  acsUnderTest,
  decodePayload,
  entraToken,
  LICENSED_USER,
  signedInject,
  TEAMS_APP_ID,
  TENANT_ID,
  UNLICENSED_USER,
  type AcsUnderTest,
} from "./support.js";

/*
 * The exchange's order of checks (reference §3) with Entra-shaped tokens signed by a test key set. The
 * end-to-end tests in test/third-party get their Entra tokens from the fake Entra ID through MSAL.
 */

let t: AcsUnderTest;
beforeAll(async () => {
  t = await acsUnderTest();
});
afterAll(() => t.app.close());

const URL_2023 = "/teamsUser/:exchangeAccessToken?api-version=2023-10-01";

async function exchange(body: unknown, url = URL_2023) {
  const res = await signedInject(t, "POST", url, body);
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
}

describe("Teams token exchange, in the recorded order of checks", () => {
  it("exchanges a valid token for a Teams user token that expires with it", async () => {
    const token = await entraToken(t);
    const res = await exchange({ token, appId: TEAMS_APP_ID, userId: LICENSED_USER });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["api-supported-versions"]).toContain("2023-10-01");
    const entraExp = decodePayload(token).exp as number;
    expect(decodePayload(res.body.token)).toMatchObject({
      skypeid: `orgid:${LICENSED_USER}`,
      scp: 1024,
      tid: TENANT_ID,
      exp: entraExp,
      aad_appid: TEAMS_APP_ID,
    });
    expect(res.body.expiresOn).toBe(new Date(entraExp * 1000).toISOString().replace(".000Z", "+00:00"));
  });

  it("accepts the v2 issuer too", async () => {
    const token = await entraToken(t, { iss: `https://login.microsoftonline.com/${TENANT_ID}/v2.0` });
    expect((await exchange({ token, appId: TEAMS_APP_ID, userId: LICENSED_USER })).status).toBe(200);
  });

  it('judges the Entra token first: an empty or invalid token with userId "" is a 401', async () => {
    for (const token of ["", "invalid"]) {
      const res = await exchange({ token, appId: TEAMS_APP_ID, userId: "" });
      expect(res).toMatchObject({
        status: 401,
        body: { error: { code: "InvalidAccessToken", message: "Provided access token is not valid." } },
      });
      expect(res.headers["api-supported-versions"]).toBeUndefined();
    }
    expect((await exchange({ token: "invalid", appId: "invalid", userId: "invalid" })).status).toBe(401);
  });

  it("then model binding: appId, userId required (no api-supported-versions)", async () => {
    const token = await entraToken(t);
    const res = await exchange({ token, appId: "", userId: "" });
    expect(res).toMatchObject({
      status: 400,
      body: {
        error: { code: "ValidationError", message: "AppId: The AppId field is required.", target: "AppId" },
      },
    });
    expect(res.headers["api-supported-versions"]).toBeUndefined();
    expect(res.headers["content-type"]).toBe("application/json");
    const noUser = await exchange({ token, appId: TEAMS_APP_ID, userId: "" });
    expect(noUser.body.error).toEqual({
      code: "ValidationError",
      message: "UserId: The UserId field is required.",
      target: "UserId",
    });
  });

  it("then GUID formats (with api-supported-versions)", async () => {
    const token = await entraToken(t);
    const res = await exchange({ token, appId: "invalid", userId: LICENSED_USER });
    expect(res.body.error).toEqual({
      code: "ValidationError",
      message: "Provided AppId has invalid format.",
      target: "appId",
    });
    expect(res.headers["api-supported-versions"]).toBeDefined();
    const user = await exchange({ token, appId: TEAMS_APP_ID, userId: "invalid" });
    expect(user.body.error).toEqual({
      code: "ValidationError",
      message: "Provided UserId has invalid format.",
      target: "userId",
    });
  });

  it("then the token: empty, malformed, foreign-signed, expired, wrong audience, wrong issuer, missing a scope", async () => {
    const foreign = new KeySet(await processKeys("test-foreign", 1, "elsewhere"));
    const now = t.clock.nowSeconds();
    const tokens = [
      "",
      "invalid",
      await foreign.sign({ ...decodePayload(await entraToken(t)) }),
      await entraToken(t, { exp: now - 301, iat: now - 4000, nbf: now - 4000 }),
      await entraToken(t, { aud: "https://graph.microsoft.com" }),
      await entraToken(t, { iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" }),
      await entraToken(t, { scp: "Teams.ManageCalls" }),
    ];
    for (const token of tokens) {
      const res = await exchange({ token, appId: TEAMS_APP_ID, userId: LICENSED_USER });
      expect(res.status, token).toBe(401);
      expect(res.body).toEqual({
        error: { code: "InvalidAccessToken", message: "Provided access token is not valid." },
      });
      expect(res.headers["api-supported-versions"]).toBeUndefined();
    }
  });

  it("then appid and oid against the body", async () => {
    const token = await entraToken(t);
    const app = await exchange({ token, appId: UNLICENSED_USER, userId: LICENSED_USER });
    expect(app.body.error).toEqual({
      code: "ValidationError",
      message: "AAD application is not the expected one.",
      target: "appId",
    });
    const user = await exchange({ token, appId: TEAMS_APP_ID, userId: UNLICENSED_USER });
    expect(user.body.error).toEqual({
      code: "ValidationError",
      message: "Provided AAD token issued for unexpected user.",
      target: "userId",
    });
  });

  it("refuses a user without a Teams licence with the sandbox's 403", async () => {
    const token = await entraToken(t, { oid: UNLICENSED_USER });
    const res = await exchange({ token, appId: TEAMS_APP_ID, userId: UNLICENSED_USER });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("TeamsLicenseRequired");
  });

  it("2021-03-31-preview1: {token} only, a 24-hour token, and an empty 401 for a bad token", async () => {
    const url = "/teamsUser/:exchangeAccessToken?api-version=2021-03-31-preview1";
    const now = t.clock.nowSeconds();
    const ok = await exchange({ token: await entraToken(t, { scp: "VoIP" }) }, url);
    expect(ok.status).toBe(200);
    const exp = decodePayload(ok.body.token).exp as number;
    expect(exp - now).toBeGreaterThanOrEqual(86_400);
    expect(exp - now).toBeLessThanOrEqual(86_401);
    const bad = await signedInject(t, "POST", url, { token: "invalid" });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toBe("");
    expect(bad.headers["content-length"]).toBe("0");
  });

  it("2021-10-31-preview: {token} only, the token expires with the Entra token, a JSON 401 for a bad token", async () => {
    const url = "/teamsUser/:exchangeAccessToken?api-version=2021-10-31-preview";
    const entra = await entraToken(t, { scp: "VoIP" });
    const ok = await exchange({ token: entra }, url);
    expect(ok.status).toBe(200);
    expect(decodePayload(ok.body.token).exp).toBe(decodePayload(entra).exp);
    expect(Date.parse(ok.body.expiresOn)).toBe((decodePayload(entra).exp as number) * 1000);
    const bad = await exchange({ token: "invalid" }, url);
    expect(bad).toMatchObject({
      status: 401,
      body: { error: { code: "InvalidAccessToken", message: "Provided access token is not valid." } },
    });
    expect(bad.headers["content-type"]).toBe("application/json");
  });

  it("answers POST /teamsUser/:getToken (the early-2022 beta path) as the exchange", async () => {
    const url = "/teamsUser/:getToken?api-version=2021-10-31-preview";
    const entra = await entraToken(t);
    const ok = await exchange({ token: entra }, url);
    expect(ok.status).toBe(200);
    expect(decodePayload(ok.body.token).exp).toBe(decodePayload(entra).exp);
    expect((await exchange({ token: "invalid" }, url)).body.error.code).toBe("InvalidAccessToken");
    const current = await exchange(
      { token: entra, appId: TEAMS_APP_ID, userId: LICENSED_USER },
      "/teamsUser/:getToken?api-version=2023-10-01",
    );
    expect(current.status).toBe(200);
  });

  it("2021-03-07 has no exchange", async () => {
    const res = await exchange({ token: "x" }, "/teamsUser/:exchangeAccessToken?api-version=2021-03-07");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("UnsupportedApiVersion");
  });
});
