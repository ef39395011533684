import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { ClientSecretCredential } from "@azure/identity";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { clientId, identityOptions, MODES, tenantId } from "../support/modes.js";

/*
 * `suiteSandbox()` of acs-sandbox/vitest: one sandbox per describe block, in either mode, shared by its
 * tests and closed after the last; and a clear error when it is read before the block has started.
 */

// #region suite-sandbox
describe.each(["intercept", "server"] as const)("a backend's ACS calls (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 }); // started before the first test, closed after the last

  it("gets an Entra ID token for ACS with its client secret", async () => {
    const credential = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "contoso-backend-secret",
      identityOptions(sb), // server mode: the sandbox's authority host; intercept mode: nothing
    );
    const { token } = await credential.getToken("https://communication.azure.com/.default");
    expect(decodeJwt(token)).toMatchObject({
      tid: tenantId(sb, "contoso"),
      aud: "https://communication.azure.com",
    });
  });

  let user: CommunicationUserIdentifier;
  it("creates an ACS identity with the resource's connection string", async () => {
    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    user = await identity.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("issues a token for that identity in a later test: the block shares one sandbox", async () => {
    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const { token } = await identity.getToken(user, ["chat"]);
    expect(decodeJwt(token).skypeid).toBe(user.communicationUserId.replace(/^8:/, ""));
  });
});
// #endregion suite-sandbox

describe.each(MODES)("suiteSandbox (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  let early: unknown;
  try {
    void sb.descriptor;
  } catch (err) {
    early = err;
  }

  it("refuses to be read while the tests are only being collected, naming what was read", () => {
    expect((early as Error).message).toBe(
      'suiteSandbox(): the sandbox is used outside a test or hook of its describe block (reading "descriptor")',
    );
  });

  it("is the running sandbox inside a test, with the mode asked for", () => {
    expect(sb.descriptor.mode).toBe(mode);
    expect("clock" in sb).toBe(true);
  });
});
