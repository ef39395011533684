import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { accessClient, credentialEndpoint, decodeToken as decode } from "../support/acs-access.js";
import { clientId, identityOptions, MODES, tenantId, user } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Teams Phone extensibility through the real `AzureCommunicationTokenCredential` with Entra options
 * (@azure/communication-common 2.4.2): @azure/identity signs alice of Fabrikam in to Contoso Phone for
 * `TeamsExtension.ManageCalls`, and the credential exchanges that token at
 * `/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30` for an ACS token.
 */

const SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";

const API_VERSION = { "api-version": "2025-06-30" };

function entraCredential(sb: RunningSandbox, name: "alice" | "bob", app = "contoso-phone") {
  const who = user(sb, name);
  return new UsernamePasswordCredential(
    tenantId(sb, "fabrikam"),
    clientId(sb, app),
    who.upn,
    who.password,
    identityOptions(sb),
  );
}

/** The credential exchanges in its constructor; a first getToken() right away takes that answer. */
function teamsPhoneCredential(sb: RunningSandbox, tokenCredential: TokenCredential, scopes = [SCOPE]) {
  return new AzureCommunicationTokenCredential({
    resourceEndpoint: credentialEndpoint(sb),
    tokenCredential,
    scopes,
  });
}

describe.each(MODES)("Teams Phone extensibility with EntraTokenCredential (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  afterEach(() => vi.useRealTimers());

  it("exchanges alice's Entra token for the identity 8:acs:<resource>_<tenant>_<user>", async () => {
    const alice = user(sb, "alice");
    // #region teams-phone-credential
    const credential = new AzureCommunicationTokenCredential({
      resourceEndpoint: credentialEndpoint(sb), // https://contoso-acs.communication.azure.com
      tokenCredential: new UsernamePasswordCredential(
        tenantId(sb, "fabrikam"),
        clientId(sb, "contoso-phone"),
        alice.upn,
        alice.password,
        identityOptions(sb),
      ),
      scopes: ["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"],
    });
    const { token, expiresOnTimestamp } = await credential.getToken();
    // #endregion teams-phone-credential
    const resourceId = sb.descriptor.acs[0]!.resourceId;
    const claims = decode(token);
    expect(claims).toMatchObject({
      skypeid: `acs:${resourceId}_${tenantId(sb, "fabrikam")}_${alice.objectId}`,
      resourceId,
      aad_appid: clientId(sb, "contoso-phone"),
    });
    expect(expiresOnTimestamp).toBe((claims.exp as number) * 1000);
    credential.dispose();
  });

  it("refuses a user without an assignment, and an app the assignment does not list", async () => {
    // Bob has no assignment on contoso-acs.
    const bob = teamsPhoneCredential(sb, entraCredential(sb, "bob"));
    await expect(bob.getToken()).rejects.toThrow(
      'Status: 403, Body: {"error":{"code":"AccessAssignmentNotFound","message":"The user has no access assignment on this Communication Services resource."}}',
    );

    // Alice's assignment is changed to list contoso-teams only: her contoso-phone token is refused.
    const assignment = accessClient(sb).path(
      "/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}",
      tenantId(sb, "fabrikam"),
      user(sb, "alice").objectId,
    );
    const before = await assignment.get({ queryParameters: API_VERSION });
    expect(before.status).toBe("200");
    expect(before.body).toEqual({
      objectId: user(sb, "alice").objectId,
      tenantId: tenantId(sb, "fabrikam"),
      principalType: "user",
      clientIds: [clientId(sb, "contoso-phone")],
    });
    const put = await assignment.put({
      queryParameters: API_VERSION,
      body: { principalType: "user", clientIds: [clientId(sb, "contoso-teams")] },
    });
    expect(put.status).toBe("200");
    try {
      const wrongApp = teamsPhoneCredential(sb, entraCredential(sb, "alice"));
      await expect(wrongApp.getToken()).rejects.toThrow(
        'Status: 403, Body: {"error":{"code":"ClientNotAssigned","message":"The application is not allowed by the user\'s access assignment."}}',
      );
    } finally {
      await assignment.put({ queryParameters: API_VERSION, body: before.body });
    }
  });

  it("manages assignments: 201 on create, 204 on delete, then 404", async () => {
    const bob = user(sb, "bob");
    const assignment = accessClient(sb).path(
      "/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}",
      tenantId(sb, "fabrikam"),
      bob.objectId,
    );
    const body = { principalType: "user", clientIds: [clientId(sb, "contoso-phone")] };
    const created = await assignment.put({ queryParameters: API_VERSION, body });
    expect(created.status).toBe("201");
    expect(created.body).toEqual({ objectId: bob.objectId, tenantId: tenantId(sb, "fabrikam"), ...body });
    const credential = teamsPhoneCredential(sb, entraCredential(sb, "bob"));
    expect(decode((await credential.getToken()).token).skypeid).toContain(bob.objectId);

    expect((await assignment.delete({ queryParameters: API_VERSION })).status).toBe("204");
    const gone = await assignment.get({ queryParameters: API_VERSION });
    expect(gone.status).toBe("404");
    expect(gone.body).toEqual({
      error: { code: "AssignmentNotFound", message: "Assignment was not found." },
    });
    const invalid = await assignment.put({ queryParameters: API_VERSION, body: { principalType: "robot" } });
    expect(invalid.status).toBe("400");
    expect(invalid.body).toMatchObject({ error: { code: "ValidationError", target: "principalType" } });
  });

  it("lets Contoso's back end manage assignments with its role on the resource (RBAC)", async () => {
    const backend = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "contoso-backend-secret",
      identityOptions(sb),
    );
    const alice = user(sb, "alice");
    const response = await accessClient(sb, backend)
      .path(
        "/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}",
        tenantId(sb, "fabrikam"),
        alice.objectId,
      )
      .get({ queryParameters: API_VERSION });
    expect(response.status).toBe("200");
    expect(response.body).toMatchObject({ objectId: alice.objectId, principalType: "user" });
  });

  it("refuses a token without TeamsExtension.ManageCalls as an invalid access token", async () => {
    const credential = teamsPhoneCredential(sb, entraCredential(sb, "alice", "contoso-teams"), [
      "https://auth.msft.communication.azure.com/Teams.ManageCalls",
    ]);
    await expect(credential.getToken()).rejects.toThrow(
      'Status: 401, Body: {"error":{"code":"InvalidAccessToken","message":"Provided access token is not valid."}}',
    );
  });

  it("exchanges again when the Entra token changes, before the ACS token expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    let entra = entraCredential(sb, "alice");
    const credential = teamsPhoneCredential(sb, {
      getToken: (scopes, options) => entra.getToken(scopes, options),
    });
    const first = await credential.getToken();
    vi.setSystemTime(Date.now() + 60_000);
    entra = entraCredential(sb, "alice"); // a fresh sign-in: another Entra token, a minute newer
    const second = await credential.getToken();
    expect(second.token).not.toBe(first.token);
    expect(Number(decode(second.token).aad_iat)).toBeGreaterThan(Number(decode(first.token).aad_iat));
  });

  it("exchanges again when the ACS token has expired, with a new Entra token", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const credential = teamsPhoneCredential(sb, entraCredential(sb, "alice"));
    const first = await credential.getToken();
    expect(await credential.getToken()).toEqual(first);

    // Time moves for the credential and the sandbox together, past the ACS token's expiry.
    vi.setSystemTime(first.expiresOnTimestamp + 60_000);
    const second = await credential.getToken();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(decode(second.token).aad_iat).not.toBe(decode(first.token).aad_iat);
  });
});
