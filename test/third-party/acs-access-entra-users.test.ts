import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { UsernamePasswordCredential } from "@azure/identity";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { accessClient, credentialEndpoint, decodeToken as decode } from "../support/acs-access.js";
import { clientId, identityOptions, MODES, tenantId, user } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Entra ID users in ACS through the real `AzureCommunicationTokenCredential` with Entra options
 * (@azure/communication-common 2.4.2): @azure/identity signs Dave of Contoso in to Contoso Calling for
 * the "Azure Communication Services Clients" API, and the credential exchanges his token at
 * `/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview`.
 */

const VOIP = "https://communication.azure.com/clients/VoIP";
const API_VERSION = { "api-version": "2025-03-02-preview" };

function signIn(sb: RunningSandbox, name: string, tenant = "contoso") {
  const who = user(sb, name);
  return new UsernamePasswordCredential(
    tenantId(sb, tenant),
    clientId(sb, "contoso-calling"),
    who.upn,
    who.password,
    identityOptions(sb),
  );
}

/** The user's credential, with a way to make the next Entra token a different one (as after a refresh). */
class RenewableCredential implements TokenCredential {
  #inner: TokenCredential;
  constructor(private readonly create: () => TokenCredential) {
    this.#inner = create();
  }
  renew(): void {
    this.#inner = this.create();
  }
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    return this.#inner.getToken(scopes, options);
  }
}

function communicationCredential(sb: RunningSandbox, tokenCredential: TokenCredential, scopes = [VOIP]) {
  return new AzureCommunicationTokenCredential({
    resourceEndpoint: credentialEndpoint(sb),
    tokenCredential,
    scopes,
  });
}

describe.each(MODES)("Entra ID users with EntraTokenCredential (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  afterEach(() => vi.useRealTimers());

  it("exchanges Dave's token for the identity 8:acs:<resource>_wf_<tenant>_<user>, calling only", async () => {
    const dave = user(sb, "dave");
    // #region entra-users-credential
    const credential = new AzureCommunicationTokenCredential({
      resourceEndpoint: credentialEndpoint(sb), // https://contoso-acs.communication.azure.com
      tokenCredential: new UsernamePasswordCredential(
        tenantId(sb, "contoso"),
        clientId(sb, "contoso-calling"),
        dave.upn,
        dave.password,
        identityOptions(sb),
      ),
      scopes: ["https://communication.azure.com/clients/VoIP"],
    });
    const { token, expiresOnTimestamp } = await credential.getToken();
    // #endregion entra-users-credential
    const resourceId = sb.descriptor.acs[0]!.resourceId;
    const claims = decode(token);
    expect(claims).toMatchObject({
      skypeid: `acs:${resourceId}_wf_${tenantId(sb, "contoso")}_${dave.objectId}`,
      acsScope: "voip",
      aad_appid: clientId(sb, "contoso-calling"),
    });
    expect(expiresOnTimestamp).toBe((claims.exp as number) * 1000);
  });

  it("exchanges again when the Entra token changes, and reuses the ACS token while it does not", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const entra = new RenewableCredential(() => signIn(sb, "dave"));
    const credential = communicationCredential(sb, entra);
    const first = await credential.getToken();
    expect((await credential.getToken()).token).toBe(first.token);
    // A token acquired a minute later (for the sandbox and the client alike) is a different token.
    vi.setSystemTime(Date.now() + 60_000);
    entra.renew();
    const second = await credential.getToken();
    expect(second.token).not.toBe(first.token);
    expect(decode(second.token).aad_iat).not.toBe(decode(first.token).aad_iat);
  });

  it("exchanges again when the ACS token has expired on the clock the credential reads", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const credential = communicationCredential(sb, signIn(sb, "dave"));
    const first = await credential.getToken();
    vi.setSystemTime(first.expiresOnTimestamp + 60_000);
    const second = await credential.getToken();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it("refuses Carol, who has no assignment, until her tenant is assigned through PATCH", async () => {
    await expect(communicationCredential(sb, signIn(sb, "carol")).getToken()).rejects.toThrow(
      'Status: 403, Body: {"error":{"code":"AccessAssignmentNotFound","message":"The user has no access assignment on this Communication Services resource."}}',
    );

    const contoso = tenantId(sb, "contoso");
    const assignments = accessClient(sb).path("/access/entra/assignments");
    const patched = await assignments.patch({
      queryParameters: API_VERSION,
      contentType: "application/merge-patch+json",
      body: {
        [contoso]: {
          tenantId: contoso,
          principalType: "tenant",
          clientIds: [clientId(sb, "contoso-calling")],
        },
      },
    });
    expect(patched.status).toBe("200");
    expect((patched.body as { value: unknown[] }).value).toContainEqual({
      objectId: contoso,
      tenantId: contoso,
      principalType: "tenant",
      clientIds: [clientId(sb, "contoso-calling")],
    });
    try {
      const { token } = await communicationCredential(sb, signIn(sb, "carol")).getToken();
      expect(decode(token).skypeid).toContain(`_wf_${contoso}_${user(sb, "carol").objectId}`);
    } finally {
      const removed = await assignments.patch({
        queryParameters: API_VERSION,
        contentType: "application/merge-patch+json",
        body: { [contoso]: null },
      });
      expect((removed.body as { value: { objectId: string }[] }).value.map((a) => a.objectId)).not.toContain(
        contoso,
      );
    }
  });

  it("serves one assignment by object id: GET, PUT, DELETE", async () => {
    const dave = user(sb, "dave");
    const one = accessClient(sb).path("/access/entra/assignments/{objectId}", dave.objectId);
    const got = await one.get({ queryParameters: API_VERSION });
    expect(got.status).toBe("200");
    expect(got.body).toEqual({
      objectId: dave.objectId,
      tenantId: tenantId(sb, "contoso"),
      principalType: "user",
      clientIds: [clientId(sb, "contoso-calling")],
    });
    const missingClients = await one.put({
      queryParameters: API_VERSION,
      body: { tenantId: tenantId(sb, "contoso"), principalType: "user" },
    });
    expect(missingClients.status).toBe("400");
    expect(missingClients.body).toEqual({
      error: {
        code: "ValidationError",
        message: "ClientIds: The ClientIds field is required.",
        target: "ClientIds",
      },
    });
    expect((await one.delete({ queryParameters: API_VERSION })).status).toBe("204");
    await expect(communicationCredential(sb, signIn(sb, "dave")).getToken()).rejects.toThrow(
      /Status: 403, Body: .*AccessAssignmentNotFound/,
    );
    const restored = await one.put({ queryParameters: API_VERSION, body: got.body });
    expect(restored.status).toBe("201");
  });

  it("is not served at the Teams extension's 2025-06-30", async () => {
    const response = await accessClient(sb)
      .path("/access/entra/assignments")
      .get({ queryParameters: { "api-version": "2025-06-30" } });
    expect(response.status).toBe("400");
    expect(response.body).toMatchObject({ error: { code: "UnsupportedApiVersion" } });
  });
});
