import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { KeySet, processKeys } from "../../core/keyset.js";
import { buildResources, ResourcesSchema, type AcsResource } from "../../mock-acs/resources.js";
import {
  formatExpiresOn,
  mintTeamsUserToken,
  mintUserToken,
  signTeamsUserTokenAhead,
} from "../../mock-acs/tokens.js";
import { decodePayload } from "./support.js";

let keys: KeySet;
let resource: AcsResource;
beforeAll(async () => {
  keys = new KeySet(await processKeys("test-acs", 1, "communication.azure.com"));
  [resource] = buildResources(ResourcesSchema.parse({ "contoso-acs": {} })) as [AcsResource];
});

describe("ACS access tokens", () => {
  it("writes expiresOn with the fraction's trailing zeros trimmed and +00:00", () => {
    expect(formatExpiresOn(Date.parse("2023-03-13T09:43:27.560Z"))).toBe("2023-03-13T09:43:27.56+00:00");
    expect(formatExpiresOn(Date.parse("2023-03-13T09:43:27.001Z"))).toBe("2023-03-13T09:43:27.001+00:00");
    expect(formatExpiresOn(Date.parse("2023-03-13T09:43:27.000Z"))).toBe("2023-03-13T09:43:27+00:00");
    expect(new Date(formatExpiresOn(1_700_000_000_000)).getTime()).toBe(1_700_000_000_000);
  });

  it("lays out an ACS user token as the real ones (§4)", async () => {
    const id = `8:acs:${resource.resourceId}_00000017-3c49-0018-e3c7-593a0d00840b`;
    const { token, expiresAt } = await mintUserToken(keys, resource, id, ["voip", "chat"], 1_677_661_264, 60);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
      currentDate: new Date(1_677_661_300_000),
    });
    expect(protectedHeader).toMatchObject({
      alg: "RS256",
      typ: "JWT",
      kid: keys.active.kid,
      x5t: keys.active.x5t,
    });
    expect(payload).toEqual({
      skypeid: `acs:${resource.resourceId}_00000017-3c49-0018-e3c7-593a0d00840b`,
      scp: 1792,
      csi: "1677661264",
      exp: 1_677_661_264 + 3600,
      rgn: "amer",
      acsScope: "voip,chat",
      resourceId: resource.resourceId,
      resourceLocation: "unitedstates",
      iat: 1_677_661_264,
    });
    expect(expiresAt).toBe(1_677_661_264 + 3600);
  });

  it("lays out a Teams user token that expires with the Entra token", async () => {
    const entra = { oid: "o-1", tid: "t-1", exp: 1_700_004_000, iat: 1_700_000_000, uti: "u", appid: "a-1" };
    const { token, expiresAt } = await mintTeamsUserToken(keys, resource, entra, 1_700_000_300);
    expect(expiresAt).toBe(1_700_004_000);
    expect(decodePayload(token)).toEqual({
      skypeid: "orgid:o-1",
      scp: 1024,
      csi: "1700000000",
      exp: 1_700_004_000,
      rgn: "amer",
      tid: "t-1",
      acsScope: "voip,chat",
      resourceId: resource.resourceId,
      aad_iat: "1700000000",
      aad_uti: "u",
      aad_appid: "a-1",
      iat: 1_700_000_300,
    });
  });

  it("signs a Teams user token ahead byte for byte as it would sign it when asked, and only for the same claims", async () => {
    const entra = { oid: "o-2", tid: "t-2", exp: 1_700_004_000, iat: 1_700_000_000, uti: "v", appid: "a-2" };
    // A key set that never signed ahead is the reference: RS256 signatures are deterministic.
    const reference = new KeySet(keys.keys);
    const asked = await mintTeamsUserToken(reference, resource, entra, 1_700_000_001);

    const ahead = new KeySet(keys.keys);
    signTeamsUserTokenAhead(ahead, resource, entra, 1_700_000_001);
    expect((await mintTeamsUserToken(ahead, resource, entra, 1_700_000_001)).token).toBe(asked.token);
    await expect(
      jwtVerify(asked.token, createLocalJWKSet(keys.jwks()), { currentDate: new Date(1_700_000_002_000) }),
    ).resolves.toMatchObject({ payload: { iat: 1_700_000_001, skypeid: "orgid:o-2" } });

    // Asked a second later (the clock moved on), the token carries the later time, not the one signed ahead.
    signTeamsUserTokenAhead(ahead, resource, entra, 1_700_000_001);
    const later = await mintTeamsUserToken(ahead, resource, entra, 1_700_000_002);
    expect(decodePayload(later.token)).toMatchObject({ iat: 1_700_000_002, csi: "1700000000" });
    expect(later.token).toBe((await mintTeamsUserToken(reference, resource, entra, 1_700_000_002)).token);
    // Nor does another user's exchange get it.
    const bob = { ...entra, oid: "o-3" };
    expect(
      decodePayload((await mintTeamsUserToken(ahead, resource, bob, 1_700_000_001)).token),
    ).toMatchObject({
      skypeid: "orgid:o-3",
    });
  });
});
