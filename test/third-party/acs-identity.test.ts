import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientSecretCredential } from "@azure/identity";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, MODES, tenantId } from "../support/modes.js";
import { rejection } from "../support/rest-error.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Every CommunicationIdentityClient method, with the connection string (HMAC) and with Entra ID
 * (bearer) authentication, and the recorded error cases of reference §1.4 as the SDK surfaces them.
 */

const AUTHS = ["connection string", "Entra ID"] as const;

function clientFor(sb: RunningSandbox, auth: (typeof AUTHS)[number]) {
  const acs = sb.descriptor.acs[0]!;
  if (auth === "connection string") return new CommunicationIdentityClient(acs.connectionString);
  const credential = new ClientSecretCredential(
    tenantId(sb, "contoso"),
    clientId(sb, "contoso-backend"),
    "contoso-backend-secret",
    identityOptions(sb),
  );
  return new CommunicationIdentityClient(acs.endpoint, credential);
}

/** ACS's published signing keys, fetched through the same transport the SDK uses. */
async function acsKeys(sb: RunningSandbox) {
  const base =
    sb.descriptor.mode === "server" ? sb.descriptor.baseUrl : "https://contoso-acs.communication.azure.com";
  const jwks = (await (await fetch(`${base}/_sandbox/acs/jwks`)).json()) as JSONWebKeySet;
  return createLocalJWKSet(jwks);
}

describe.each(MODES)("Identity SDK (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  describe.each(AUTHS)("with %s auth", (auth) => {
    let client: CommunicationIdentityClient;
    beforeAll(() => {
      client = clientFor(sb, auth);
    });

    it("createUser, createUserAndToken, getToken, revokeTokens, deleteUser", async () => {
      const resourceId = sb.descriptor.acs[0]!.resourceId;
      const user = await client.createUser();
      expect(user.communicationUserId).toMatch(new RegExp(`^8:acs:${resourceId}_[0-9a-f-]{36}$`));

      const before = Date.now();
      const created = await client.createUserAndToken(["chat", "voip"]);
      expect(created.user.communicationUserId).toMatch(/^8:acs:/);
      expect(created.expiresOn.getTime() - before).toBeGreaterThan(1439 * 60_000);

      const keys = await acsKeys(sb);
      const { payload } = await jwtVerify(created.token, keys, { currentDate: sb.clock.now() });
      expect(payload).toMatchObject({
        skypeid: created.user.communicationUserId.slice(2),
        scp: 1792,
        acsScope: "chat,voip",
        resourceId,
        csi: String(payload.iat),
      });
      expect(payload.exp! - payload.iat!).toBe(1440 * 60);

      const short = await client.createUserAndToken(["chat"], { tokenExpiresInMinutes: 60 });
      expect(short.expiresOn.getTime() - before).toBeLessThan(61 * 60_000);

      const token = await client.getToken(user, ["voip", "chat.join"], { tokenExpiresInMinutes: 90 });
      const issued = (await jwtVerify(token.token, keys, { currentDate: sb.clock.now() })).payload;
      expect(issued).toMatchObject({
        acsScope: "voip,chat.join",
        skypeid: user.communicationUserId.slice(2),
      });
      expect(issued.exp! - issued.iat!).toBe(90 * 60);

      await client.revokeTokens(user);
      await client.deleteUser(user);
    });

    it("answers the §1.4 error cases as the real service", async () => {
      const user = await client.createUser();
      const validation = (message: string) => ({ statusCode: 400, code: "ValidationError", message });
      expect(await rejection(client.createUserAndToken(["chat"], { tokenExpiresInMinutes: 59 }))).toEqual(
        validation("ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval."),
      );
      expect(await rejection(client.getToken(user, ["chat"], { tokenExpiresInMinutes: 1441 }))).toEqual(
        validation("ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval."),
      );
      expect(await rejection(client.getToken(user, []))).toEqual(
        validation("Invalid scopes - Scopes field is required."),
      );
      expect(await rejection(client.getToken(user, ["bogus" as "chat"]))).toMatchObject({
        statusCode: 400,
        code: "ValidationError",
      });

      const notOwned = {
        statusCode: 401,
        code: "IdentityNotOwned",
        message: "Provided identity doesn't belong to the resource.",
      };
      const foreign = {
        communicationUserId:
          "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000",
      };
      expect(await rejection(client.getToken(foreign, ["chat"]))).toEqual(notOwned);
      expect(await rejection(client.revokeTokens(foreign))).toEqual(notOwned);
      expect(await rejection(client.deleteUser(foreign))).toEqual(notOwned);
      expect(await rejection(client.getToken({ communicationUserId: "../../x?y" }, ["chat"]))).toEqual(
        notOwned,
      );
    });

    it("a deleted identity gets no more tokens", async () => {
      const user = await client.createUser();
      await client.deleteUser(user);
      const gone = {
        statusCode: 404,
        code: "IdentityNotFound",
        message: "Identity was not found or has been deleted.",
      };
      expect(await rejection(client.getToken(user, ["chat"]))).toEqual(gone);
      expect(await rejection(client.revokeTokens(user))).toEqual(gone);
    });
  });

  it("revocation: tokens issued before it are reported revoked, tokens issued after are active", async () => {
    const client = clientFor(sb, "connection string");
    const { user, token: before } = await client.createUserAndToken(["chat"]);
    await client.revokeTokens(user);
    const { token: after } = await client.getToken(user, ["chat"]);
    const base =
      sb.descriptor.mode === "server" ? sb.descriptor.baseUrl : "https://contoso-acs.communication.azure.com";
    const introspect = async (token: string) =>
      (await (
        await fetch(`${base}/_sandbox/acs/introspect`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token }),
        })
      ).json()) as { active: boolean; state: string };
    expect(await introspect(before)).toMatchObject({ active: false, state: "revoked" });
    expect(await introspect(after)).toMatchObject({ active: true, state: "active" });
    await client.deleteUser(user);
    expect(await introspect(after)).toMatchObject({ active: false, state: "identity-deleted" });
  });

  it("an Entra principal without a role on the resource is denied", async () => {
    sb.editWorld({ acs: { "contoso-acs": { roleAssignments: [] } } });
    try {
      expect(await rejection(clientFor(sb, "Entra ID").createUser())).toEqual({
        statusCode: 401,
        code: "Denied",
        message: "Denied by the resource provider.",
      });
    } finally {
      await sb.reset();
    }
  });
});
