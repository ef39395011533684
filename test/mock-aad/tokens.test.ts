import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { KeySet, processKeys, signingIdle } from "../../core/keyset.js";
import { parseWorld } from "../../harness/index.js";
import { decide } from "../../mock-aad/policy.js";
import { AadState } from "../../mock-aad/state.js";
import { MemoryStore } from "../../harness/store/memory.js";
import { tokenResponse } from "../../mock-aad/token-response.js";
import { accessTokenLifetime, issueTimes, pairwiseSubject } from "../../mock-aad/tokens.js";

async function aliceGrant(scope: string) {
  const directory = parseWorld({}).directory;
  const fabrikam = directory.tenants.find((t) => t.name === "fabrikam")!;
  const alice = fabrikam.users.find((u) => u.name === "alice")!;
  const clock = new Clock("2026-03-01T12:00:00Z");
  const decision = await decide(
    {
      flow: "password",
      channel: "token",
      authority: fabrikam.id,
      clientId: directory.apps.find((a) => a.name === "contoso-teams")!.clientId,
      subject: { kind: "password", username: alice.upn, password: alice.password },
      scope,
      now: clock.now(),
    },
    directory,
  );
  if (decision.kind !== "grant") throw new Error(`expected a grant, got ${decision.kind}`);
  const keys = new KeySet(await processKeys("aad-test", 2, "accounts.accesscontrol.windows.net"));
  return { grant: decision.grant, clock, keys, alice, fabrikam };
}

describe("token minting", () => {
  it("mints the v1 ACS layout with x5t in the header and times from the sandbox clock", async () => {
    const { grant, clock, keys, alice, fabrikam } = await aliceGrant(
      "https://auth.msft.communication.azure.com/Teams.ManageCalls openid profile offline_access",
    );
    // The clock keeps running while the token is signed: iat is the second it was minted in.
    const before = clock.nowSeconds();
    const body = await tokenResponse(
      grant,
      { clock, keys, origin: "https://login.microsoftonline.com" },
      new AadState(new MemoryStore(), new Clock()),
      {
        clientInfo: true,
      },
    );
    const after = clock.nowSeconds();
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(keys.jwks()), {
      currentDate: clock.now(),
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp! - payload.iat!).toBe(body.expires_in);
    expect(payload).toMatchObject({
      ver: "1.0",
      acr: "1",
      amr: ["pwd"],
      upn: alice.upn,
      unique_name: alice.upn,
      name: alice.displayName,
      sub: pairwiseSubject(alice.objectId, grant.app.clientId),
    });
    expect(payload).toHaveProperty("uti");
    expect(payload).toHaveProperty("rh");
    expect(payload).toHaveProperty("aio");
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({
      typ: "JWT",
      alg: "RS256",
      x5t: keys.active.x5t,
      kid: keys.active.kid,
    });
    expect(JSON.parse(Buffer.from(body.client_info!, "base64url").toString())).toEqual({
      uid: alice.objectId,
      utid: fabrikam.id,
    });
    expect(body.scope!.split(" ").sort()).toEqual([
      "https://auth.msft.communication.azure.com/Teams.ManageCalls",
      "https://auth.msft.communication.azure.com/Teams.ManageChats",
    ]);
    expect(body.refresh_token).toMatch(/^0\.A/);
  });

  it("puts nonce in the id_token only when asked, and leaves out what was not requested", async () => {
    const { grant, clock, keys } = await aliceGrant(
      "https://auth.msft.communication.azure.com/Teams.ManageCalls openid",
    );
    const ctx = { clock, keys, origin: "https://localhost:8443" };
    const withNonce = await tokenResponse(grant, ctx, new AadState(new MemoryStore(), new Clock()), {
      clientInfo: false,
      nonce: "n-1",
    });
    const without = await tokenResponse(grant, ctx, new AadState(new MemoryStore(), new Clock()), {
      clientInfo: false,
    });
    const claims = (t: string) => JSON.parse(Buffer.from(t.split(".")[1]!, "base64url").toString());
    expect(claims(withNonce.id_token!)).toMatchObject({
      nonce: "n-1",
      iss: `https://localhost:8443/${grant.tenant.id}/v2.0`,
    });
    expect(claims(without.id_token!)).not.toHaveProperty("nonce");
    expect(without).not.toHaveProperty("refresh_token");
    expect(without).not.toHaveProperty("client_info");
  });

  it("keeps access-token lifetimes in Entra's 60–90 minute window, the same for the same seed", () => {
    const lifetimes = Array.from({ length: 200 }, (_, i) => accessTokenLifetime(`seed-${i}`));
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(3600);
    expect(Math.max(...lifetimes)).toBeLessThanOrEqual(5400);
    expect(new Set(lifetimes).size).toBeGreaterThan(50);
    expect(accessTokenLifetime("same")).toBe(accessTokenLifetime("same"));
  });

  it("gives SPA sessions a refresh token lifetime counted from sign-in", async () => {
    const { grant, clock, keys } = await aliceGrant(
      "https://auth.msft.communication.azure.com/Teams.ManageCalls offline_access",
    );
    const signedInAtMs = clock.nowMs();
    clock.advance("6h");
    const body = await tokenResponse(
      grant,
      { clock, keys, origin: "https://x" },
      new AadState(new MemoryStore(), new Clock()),
      {
        clientInfo: false,
        spa: true,
        signedInAtMs,
      },
    );
    expect(body.refresh_token_expires_in).toBe(18 * 3600);
  });
});

describe("token times after the sandbox clock moves", () => {
  it("dates tokens no later than the wall clock while exp follows the sandbox clock", async () => {
    const clock = new Clock();
    clock.advance("2h");
    const wallBefore = clock.wallSeconds();
    const times = issueTimes(clock, 3900);
    expect(times.iat).toBeGreaterThanOrEqual(wallBefore);
    expect(times.iat).toBeLessThanOrEqual(clock.wallSeconds());
    expect(times.nbf).toBe(times.iat);
    expect(times.exp - clock.nowSeconds()).toBeGreaterThanOrEqual(3899);
  });

  it("keeps sandbox time for both when the sandbox is behind the wall clock", () => {
    const clock = new Clock("2024-05-01T00:00:00Z");
    const times = issueTimes(clock, 3600);
    const start = Date.parse("2024-05-01T00:00:00Z") / 1000;
    expect(times.iat).toBeGreaterThanOrEqual(start);
    expect(times.iat).toBeLessThan(start + 60);
    expect(times.exp).toBe(times.iat + 3600);
  });
});

describe("where a token is signed", () => {
  it("signs the same token on this thread as on the thread pool, and both verify", async () => {
    const keys = new KeySet(await processKeys("aad-test", 2, "accounts.accesscontrol.windows.net"));
    const payload = { aud: "api://x", sub: "alice", iat: 1_700_000_000, exp: 1_700_003_600 };
    // RS256 (PKCS #1 v1.5) is deterministic: the same input signs to the same bytes wherever it runs.
    const [pooled, here] = await Promise.all([keys.sign(payload), keys.sign(payload, {}, { here: true })]);
    expect(here).toBe(pooled);
    const jwks = createLocalJWKSet(keys.jwks());
    const { payload: verified } = await jwtVerify(here, jwks, { currentDate: new Date(1_700_000_100_000) });
    expect(verified).toEqual(payload);
  });

  it("knows when no sign is on the thread pool (then a token response signs its id_token here)", async () => {
    const keys = new KeySet(await processKeys("aad-test", 2, "accounts.accesscontrol.windows.net"));
    expect(signingIdle()).toBe(true);
    const pending = keys.sign({ sub: "a" });
    expect(signingIdle()).toBe(false);
    await pending;
    expect(signingIdle()).toBe(true);
  });
});
