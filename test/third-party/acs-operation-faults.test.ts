import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { UsernamePasswordCredential } from "@azure/identity";
import { afterEach, describe, expect, it } from "vitest";
import type { JournalEntry, RunningSandbox } from "../../harness/index.js";
import { accessClient, credentialEndpoint } from "../support/acs-access.js";
import { clientId, identityOptions, MODES, tenantId, user } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The operations that once had no name (the 2020-07-20-preview2 token issue and the `/access/*`
 * exchanges) are chosen by fault rules and journal queries like any other: the real clients (the Azure
 * SDK's REST client signing with the access key, and `AzureCommunicationTokenCredential` with Entra
 * options) meet the fault, retry as they do against Azure, and the journal names each attempt.
 */

/** `GET /_sandbox/requests?operation=…` as a test or a CI script calls it. */
async function journalByOperation(sb: RunningSandbox, operation: string) {
  const res = await fetch(`${sb.descriptor.baseUrl}/_sandbox/requests?operation=${operation}`);
  return {
    status: res.status,
    requests: ((await res.json()) as { requests?: JournalEntry[] }).requests ?? [],
  };
}

function entraCredential(sb: RunningSandbox, scope: string, tenant: string, app: string, name: string) {
  const who = user(sb, name);
  return new AzureCommunicationTokenCredential({
    resourceEndpoint: credentialEndpoint(sb),
    tokenCredential: new UsernamePasswordCredential(
      tenantId(sb, tenant),
      clientId(sb, app),
      who.upn,
      who.password,
      identityOptions(sb),
    ),
    scopes: [scope],
  });
}

describe.each(MODES)("faults and journal queries by operation name (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  afterEach(async () => {
    await sb.reset();
  });

  it("throttles the 2020-07-20-preview2 token issue (issueTokenLegacy) and names both attempts", async () => {
    const rule = sb.faults.add({ operation: "issueTokenLegacy", status: 429, retryAfter: 0, times: 1 });
    const preview = { queryParameters: { "api-version": "2020-07-20-preview2" } };
    const created = await accessClient(sb).path("/identities").post(preview);
    const id = (created.body as { id: string }).id;

    const issued = await accessClient(sb)
      .path("/identities/{id}/token", id)
      .post({ ...preview, body: { scopes: ["chat"] } });
    expect(issued.status).toBe("200");
    expect(issued.body).toMatchObject({ id, token: expect.any(String) });

    const attempts = sb.requests({ operation: "issueTokenLegacy" });
    expect(attempts.map((e) => [e.service, e.status, e.fault?.id])).toEqual([
      ["acs", 429, rule.id],
      ["acs", 200, undefined],
    ]);
    expect(attempts[0]!.errorCode).toBe("TooManyRequests");
    const listed = await journalByOperation(sb, "issueTokenLegacy");
    expect(listed.requests.map((e) => e.status)).toEqual([429, 200]);
    expect(sb.countRequests({ operation: "createIdentity" })).toBe(1);
  });

  it("throttles the Teams Phone extensibility exchange (teamsExtensionExchange) for the credential", async () => {
    const rule = sb.faults.add({
      service: "acs",
      operation: "teamsExtensionExchange",
      status: 503,
      retryAfter: 0,
      times: 1,
    });
    const credential = entraCredential(
      sb,
      "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls",
      "fabrikam",
      "contoso-phone",
      "alice",
    );
    const { token } = await credential.getToken();
    expect(token.split(".")).toHaveLength(3);

    const attempts = sb.requests({ operation: "teamsExtensionExchange" });
    expect(attempts.map((e) => [e.status, e.errorCode, e.fault?.id])).toEqual([
      [503, "ServiceUnavailable", rule.id],
      [200, undefined, undefined],
    ]);
    const listed = await journalByOperation(sb, "teamsExtensionExchange");
    expect(listed.requests.map((e) => e.url.split("?")[0])).toEqual([
      expect.stringMatching(/\/access\/teamsExtension\/:exchangeAccessToken$/),
      expect.stringMatching(/\/access\/teamsExtension\/:exchangeAccessToken$/),
    ]);
    credential.dispose();
  });

  it("refuses the Entra ID user exchange (entraExchange) while the rule lasts, with ACS's error", async () => {
    // Retry-After 0: the credential's pipeline retries at once, until its retries are spent.
    sb.faults.add({ operation: "entraExchange", status: 503, retryAfter: 0 });
    const credential = entraCredential(
      sb,
      "https://communication.azure.com/clients/VoIP",
      "contoso",
      "contoso-calling",
      "dave",
    );
    await expect(credential.getToken()).rejects.toThrow(
      'Status: 503, Body: {"error":{"code":"ServiceUnavailable","message":"The service is temporarily unavailable. Please retry later."}}',
    );
    const failed = sb.requests({ operation: "entraExchange" });
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.every((e) => e.status === 503 && e.fault !== undefined)).toBe(true);
    // The Entra sign-in before it is not touched by a rule on another service's operation.
    expect(sb.countRequests({ operation: "token", status: 200 })).toBeGreaterThanOrEqual(1);

    sb.faults.clear();
    const { token } = await credential.getToken();
    expect(token.split(".")).toHaveLength(3);
    expect(sb.requests({ operation: "entraExchange" }).at(-1)!.status).toBe(200);
  });

  it("refuses a journal query by an operation nobody declared", async () => {
    const listed = await journalByOperation(sb, "teamsExtensionExchang");
    expect(listed.status).toBe(400);
  });
});
