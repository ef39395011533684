import {
  ClientAssertionCredential,
  ClientSecretCredential,
  UsernamePasswordCredential,
} from "@azure/identity";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { createHash } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, SignJWT } from "jose";
import { middleTierWorld } from "../support/worlds.js";
import { afterEach, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../core/keyset.js";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, MODES, msalAuth, tenantId, user } from "../support/modes.js";
import {
  ACS_DATA_PLANE_SCOPE,
  ACS_RESOURCE,
  ACS_SCOPES,
  claimsOf,
  confidentialClient,
  publicClient,
  signInWithPassword,
} from "./entra-support.js";

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/** Authority base a client in this mode uses (the real host when intercepting). */
function authorityBase(s: RunningSandbox): string {
  return s.descriptor.mode === "server" ? s.descriptor.baseUrl : "https://login.microsoftonline.com";
}

describe.each(MODES)("Entra ID token flows through the real libraries (%s mode)", (mode) => {
  const start = async (world?: Record<string, unknown>) => {
    sb = await startSandbox({ mode, port: 0, ...(world ? { world } : {}) });
    return sb;
  };

  it("signs alice in with ROPC via contoso-teams and issues a v1 ACS token the exchange can use", async () => {
    const s = await start();
    const alice = user(s, "alice");
    const result = (await signInWithPassword(s, { user: "alice" }))!;

    expect(result.uniqueId).toBe(alice.objectId);
    expect(result.tenantId).toBe(tenantId(s, "fabrikam"));
    expect(result.account?.username).toBe(alice.upn);
    expect(result.scopes).toEqual(expect.arrayContaining(ACS_SCOPES));
    const at = claimsOf(result.accessToken);
    expect(at).toMatchObject({
      aud: ACS_RESOURCE,
      iss: `https://sts.windows.net/${tenantId(s, "fabrikam")}/`,
      tid: tenantId(s, "fabrikam"),
      appid: clientId(s, "contoso-teams"),
      appidacr: "0",
      oid: alice.objectId,
      upn: alice.upn,
      ver: "1.0",
      idtyp: "user",
    });
    expect(String(at.scp).split(" ").sort()).toEqual(["Teams.ManageCalls", "Teams.ManageChats"]);
    const lifetime = at.exp! - at.iat!;
    expect(lifetime).toBeGreaterThanOrEqual(3600);
    expect(lifetime).toBeLessThanOrEqual(5400);
    expect(claimsOf(result.idToken)).toMatchObject({
      aud: clientId(s, "contoso-teams"),
      ver: "2.0",
      oid: alice.objectId,
    });
  });

  it("verifies issued tokens against the keys the discovery document points at (jose, not the minter)", async () => {
    const s = await start();
    const fabrikam = tenantId(s, "fabrikam");
    const result = (await signInWithPassword(s, { user: "alice" }))!;
    const config = (await (
      await fetch(`${authorityBase(s)}/${fabrikam}/v2.0/.well-known/openid-configuration`)
    ).json()) as { jwks_uri: string; issuer: string };
    const keys = createRemoteJWKSet(new URL(config.jwks_uri));

    const { payload } = await jwtVerify(result.accessToken, keys, {
      issuer: `https://sts.windows.net/${fabrikam}/`,
      audience: ACS_RESOURCE,
      currentDate: s.clock.now(),
    });
    expect(payload).toMatchObject({
      tid: fabrikam,
      appid: clientId(s, "contoso-teams"),
      oid: user(s, "alice").objectId,
    });
    const idToken = await jwtVerify(result.idToken, keys, {
      issuer: config.issuer,
      audience: clientId(s, "contoso-teams"),
      currentDate: s.clock.now(),
    });
    expect(idToken.payload.tid).toBe(fabrikam);
  });

  it("refreshes through acquireTokenSilent once the clock has moved past expiry", async () => {
    const s = await start();
    const app = publicClient(s, "fabrikam");
    const alice = user(s, "alice");
    const first = (await app.acquireTokenByUsernamePassword({
      username: alice.upn,
      password: alice.password,
      scopes: ACS_SCOPES,
    }))!;
    s.clock.advance("2h");
    // MSAL judges expiry on the machine's clock, which the sandbox cannot move; a real app two hours later
    // would refresh on its own, here the test asks for it.
    const second = (await app.acquireTokenSilent({
      account: first.account!,
      scopes: ACS_SCOPES,
      forceRefresh: true,
    }))!;

    expect(second.accessToken).not.toBe(first.accessToken);
    // Dated from the real time (clients check nbf with their own clock), expiring on sandbox time: two
    // hours later less at most the spread of Entra's 60-90 minute lifetimes.
    expect(claimsOf(second.accessToken).iat!).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(claimsOf(second.accessToken).exp!).toBeGreaterThan(claimsOf(first.accessToken).exp! + 7200 - 1800);
    expect(claimsOf(second.accessToken).oid).toBe(alice.objectId);
  });

  it("issues app-only tokens for the ACS data plane with a client secret (double-slash scope)", async () => {
    const s = await start();
    const contoso = tenantId(s, "contoso");
    const result = (await confidentialClient(
      s,
      "contoso",
      "contoso-backend",
      "contoso-backend-secret",
    ).acquireTokenByClientCredential({
      scopes: [ACS_DATA_PLANE_SCOPE],
    }))!;
    const at = claimsOf(result.accessToken);
    expect(at).toMatchObject({
      aud: "https://communication.azure.com/",
      iss: `https://sts.windows.net/${contoso}/`,
      tid: contoso,
      appid: clientId(s, "contoso-backend"),
      appidacr: "1",
      idtyp: "app",
    });
    expect(at.oid).toBe(at.sub);
    expect(at.scp).toBeUndefined();
  });

  it("serves @azure/identity: ClientSecretCredential and UsernamePasswordCredential", async () => {
    const s = await start();
    const secretCredential = new ClientSecretCredential(
      tenantId(s, "contoso"),
      clientId(s, "contoso-backend"),
      "contoso-backend-secret",
      identityOptions(s),
    );
    const appToken = await secretCredential.getToken(ACS_DATA_PLANE_SCOPE);
    expect(claimsOf(appToken.token)).toMatchObject({ appid: clientId(s, "contoso-backend"), idtyp: "app" });
    expect(appToken.expiresOnTimestamp).toBeGreaterThan(Date.now());

    const alice = user(s, "alice");
    const userCredential = new UsernamePasswordCredential(
      tenantId(s, "fabrikam"),
      clientId(s, "contoso-teams"),
      alice.upn,
      alice.password,
      identityOptions(s),
    );
    const userToken = await userCredential.getToken(ACS_SCOPES);
    expect(claimsOf(userToken.token)).toMatchObject({ aud: ACS_RESOURCE, oid: alice.objectId });
  });

  it("accepts certificate assertions: ClientAssertionCredential and MSAL's clientCertificate", async () => {
    const key = await generateSigningKey("contoso-backend");
    const s = await start({ apps: { "contoso-backend": { certificates: [key.certificatePem] } } });
    const contoso = tenantId(s, "contoso");
    const backend = clientId(s, "contoso-backend");
    const assertion = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: "RS256", x5t: key.x5t })
        .setIssuer(backend)
        .setSubject(backend)
        .setAudience(`${authorityBase(s)}/${contoso}/oauth2/v2.0/token`)
        .setIssuedAt(s.clock.nowSeconds())
        .setExpirationTime(s.clock.nowSeconds() + 600)
        .setJti(crypto.randomUUID())
        .sign(key.privateKey);
    const credential = new ClientAssertionCredential(contoso, backend, assertion, identityOptions(s));
    const token = await credential.getToken(ACS_DATA_PLANE_SCOPE);
    expect(claimsOf(token.token)).toMatchObject({ appid: backend, appidacr: "2" });

    const thumbprintSha256 = createHash("sha256")
      .update(Buffer.from(key.certificatePem.replace(/-----[^-]+-----|\s/g, ""), "base64"))
      .digest("hex");
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: backend,
        clientCertificate: { thumbprintSha256, privateKey: key.privateKeyPem },
        ...msalAuth(s, "contoso"),
      },
    });
    const result = (await cca.acquireTokenByClientCredential({ scopes: [ACS_DATA_PLANE_SCOPE] }))!;
    expect(claimsOf(result.accessToken)).toMatchObject({ appid: backend, appidacr: "2" });
  });

  it("trades a middle-tier API's token for an ACS token on behalf of the user", async () => {
    const s = await start(
      middleTierWorld({
        signInAudience: "multitenant",
        requiredResourceAccess: { acs: ["Teams.ManageCalls", "Teams.ManageChats"] },
      }),
    );
    const apiId = clientId(s, "contoso-api");
    const fabrikam = tenantId(s, "fabrikam");
    const alice = user(s, "alice");
    const forApi = (await signInWithPassword(s, {
      user: "alice",
      scopes: [`api://${apiId}/access_as_user`],
    }))!;
    expect(claimsOf(forApi.accessToken)).toMatchObject({
      aud: apiId,
      ver: "2.0",
      azp: clientId(s, "contoso-teams"),
      scp: "access_as_user",
      iss: `${authorityBase(s)}/${fabrikam}/v2.0`,
    });

    const api = confidentialClient(s, "fabrikam", "contoso-api", "contoso-api-secret");
    const downstream = (await api.acquireTokenOnBehalfOf({
      oboAssertion: forApi.accessToken,
      scopes: ACS_SCOPES,
    }))!;
    expect(claimsOf(downstream.accessToken)).toMatchObject({
      aud: ACS_RESOURCE,
      appid: apiId,
      appidacr: "1",
      oid: alice.objectId,
      tid: fabrikam,
    });
  });
});
