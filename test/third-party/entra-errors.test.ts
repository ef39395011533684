import {
  ClientAssertionCredential,
  ClientSecretCredential,
  UsernamePasswordCredential,
} from "@azure/identity";
import { SignJWT } from "jose";
import { middleTierWorld } from "../support/worlds.js";
import { afterEach, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../core/keyset.js";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, MODES, tenantId, user } from "../support/modes.js";
import {
  ACS_DATA_PLANE_SCOPE,
  ACS_RESOURCE,
  ACS_SCOPES,
  confidentialClient,
  msalFailure,
  publicClient,
  signInWithPassword,
} from "./entra-support.js";
import { loginOrigin } from "./entra-interactive-support.js";

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/** The middle-tier API Fabrikam consented to, for the on-behalf-of errors. */
const OBO_WORLD = middleTierWorld();

interface ErrorCase {
  name: string;
  world?: Record<string, unknown>;
  act: (sb: RunningSandbox) => Promise<unknown>;
  expected: { errorNo: string; errorCode: string; subError?: string; status?: number; name?: string };
}

/** Alice signed in with her password at a Fabrikam public client, for the refresh-token cases. */
async function aliceSignedIn(s: RunningSandbox) {
  const app = publicClient(s, "fabrikam");
  const alice = user(s, "alice");
  const first = await app.acquireTokenByUsernamePassword({
    username: alice.upn,
    password: alice.password,
    scopes: ACS_SCOPES,
  });
  return { app, first };
}

const CASES: ErrorCase[] = [
  {
    name: "9001023 ROPC through /common",
    act: (s) => signInWithPassword(s, { user: "alice", tenant: "common" }),
    expected: { errorNo: "9001023", errorCode: "invalid_request" },
  },
  {
    name: "700016 unknown client id",
    act: (s) => signInWithPassword(s, { user: "alice", app: "00000000-1111-2222-3333-444444444444" }),
    expected: { errorNo: "700016", errorCode: "unauthorized_client" },
  },
  {
    name: "700016 single-tenant app through another tenant's authority",
    act: (s) =>
      confidentialClient(
        s,
        "fabrikam",
        "contoso-backend",
        "contoso-backend-secret",
      ).acquireTokenByClientCredential({
        scopes: [ACS_DATA_PLANE_SCOPE],
      }),
    expected: { errorNo: "700016", errorCode: "unauthorized_client" },
  },
  {
    name: "50020 another tenant's user through a single-tenant app's home tenant",
    act: (s) =>
      confidentialClient(
        s,
        "contoso",
        "contoso-backend",
        "contoso-backend-secret",
      ).acquireTokenByUsernamePassword({
        username: user(s, "alice").upn,
        password: user(s, "alice").password,
        scopes: ACS_SCOPES,
      }),
    expected: { errorNo: "50020", errorCode: "invalid_grant" },
  },
  {
    name: "7000218 public client flows off",
    world: { apps: { "contoso-teams": { publicClientFlows: false } } },
    act: (s) => signInWithPassword(s, { user: "alice" }),
    // MSAL's ROPC client does not copy the HTTP status; the 401 is asserted on the wire elsewhere.
    expected: { errorNo: "7000218", errorCode: "invalid_client" },
  },
  {
    name: "7000215 wrong client secret",
    act: (s) =>
      confidentialClient(s, "contoso", "contoso-backend", "not-the-secret").acquireTokenByClientCredential({
        scopes: [ACS_DATA_PLANE_SCOPE],
      }),
    expected: { errorNo: "7000215", errorCode: "invalid_client", status: 401 },
  },
  {
    name: "7000222 expired client secret",
    world: {
      apps: { "contoso-backend": { secrets: [{ value: "old-secret", expires: "2021-01-01T00:00:00Z" }] } },
    },
    act: (s) =>
      confidentialClient(s, "contoso", "contoso-backend", "old-secret").acquireTokenByClientCredential({
        scopes: [ACS_DATA_PLANE_SCOPE],
      }),
    expected: { errorNo: "7000222", errorCode: "invalid_client", status: 401 },
  },
  {
    name: "700025 secret sent by a public client",
    act: (s) =>
      confidentialClient(s, "fabrikam", "contoso-teams", "a-secret").acquireTokenByClientCredential({
        scopes: [ACS_DATA_PLANE_SCOPE],
      }),
    expected: { errorNo: "700025", errorCode: "invalid_client", status: 401 },
  },
  {
    name: "7000229 app-only token where the app has no service principal",
    world: {
      apps: { "contoso-daemon": { tenant: "contoso", secrets: [{ value: "daemon-secret" }] } },
    },
    act: (s) =>
      confidentialClient(s, "fabrikam", "contoso-daemon", "daemon-secret").acquireTokenByClientCredential({
        scopes: [ACS_DATA_PLANE_SCOPE],
      }),
    expected: { errorNo: "7000229", errorCode: "invalid_client" },
  },
  {
    name: "50034 unknown user",
    act: (s) =>
      publicClient(s, "fabrikam").acquireTokenByUsernamePassword({
        username: "nobody@fabrikam.onmicrosoft.com",
        password: "Passw0rd!",
        scopes: ACS_SCOPES,
      }),
    expected: { errorNo: "50034", errorCode: "invalid_grant" },
  },
  {
    name: "50126 wrong password",
    act: (s) => signInWithPassword(s, { user: "alice", password: "wrong" }),
    expected: { errorNo: "50126", errorCode: "invalid_grant" },
  },
  {
    name: "50057 disabled user",
    world: { tenants: { fabrikam: { users: { bob: { enabled: false } } } } },
    act: (s) => signInWithPassword(s, { user: "bob" }),
    expected: { errorNo: "50057", errorCode: "invalid_grant" },
  },
  {
    name: "50076 MFA required on ROPC",
    world: { tenants: { fabrikam: { users: { alice: { mfaRequired: true } } } } },
    act: (s) => signInWithPassword(s, { user: "alice" }),
    expected: {
      errorNo: "50076",
      errorCode: "invalid_grant",
      subError: "basic_action",
      name: "InteractionRequiredAuthError",
    },
  },
  {
    name: "500011 ACS service principal missing in the user's tenant",
    world: { tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams"] } } },
    act: (s) => signInWithPassword(s, { user: "alice" }),
    expected: { errorNo: "500011", errorCode: "invalid_resource" },
  },
  {
    name: "65001 no consent in the user's tenant",
    world: { tenants: { fabrikam: { grants: [] } } },
    act: (s) => signInWithPassword(s, { user: "alice" }),
    expected: {
      errorNo: "65001",
      errorCode: "invalid_grant",
      subError: "consent_required",
      name: "InteractionRequiredAuthError",
    },
  },
  {
    name: "65001 the app has no service principal in the user's tenant",
    world: { tenants: { fabrikam: { servicePrincipals: ["acs", "graph"] } } },
    act: (s) => signInWithPassword(s, { user: "alice" }),
    expected: { errorNo: "65001", errorCode: "invalid_grant", subError: "consent_required" },
  },
  {
    name: "70011 a scope the resource does not expose",
    act: (s) => signInWithPassword(s, { user: "alice", scopes: [`${ACS_RESOURCE}/Teams.Nope`] }),
    expected: { errorNo: "70011", errorCode: "invalid_scope" },
  },
  {
    name: "700022 scopes of two resources",
    act: (s) =>
      signInWithPassword(s, {
        user: "alice",
        scopes: [ACS_SCOPES[0]!, "https://graph.microsoft.com/User.Read"],
      }),
    expected: { errorNo: "700022", errorCode: "invalid_scope" },
  },
  {
    name: "1002012 client credentials without /.default",
    act: (s) =>
      confidentialClient(
        s,
        "contoso",
        "contoso-backend",
        "contoso-backend-secret",
      ).acquireTokenByClientCredential({
        scopes: [ACS_SCOPES[0]!],
      }),
    expected: { errorNo: "1002012", errorCode: "invalid_scope" },
  },
  {
    name: "700082 refresh token unused for 90 days",
    act: async (s) => {
      const { app, first } = await aliceSignedIn(s);
      s.clock.advance("91d");
      return app.acquireTokenSilent({ account: first!.account!, scopes: ACS_SCOPES, forceRefresh: true });
    },
    expected: {
      errorNo: "700082",
      errorCode: "invalid_grant",
      subError: "bad_token",
      name: "InteractionRequiredAuthError",
    },
  },
  {
    name: "50173 refresh after an admin revoked the user's sign-in sessions",
    act: async (s) => {
      const { app, first } = await aliceSignedIn(s);
      s.clock.advance("1m");
      // As Graph's revokeSignInSessions would, through the admin API.
      const admin = `${loginOrigin(s)}/_sandbox/world`;
      const world = (await (await fetch(admin)).json()) as {
        tenants: Record<string, { users: Record<string, Record<string, unknown>> }>;
      };
      world.tenants.fabrikam!.users.alice!.signInSessionsValidFrom = s.clock.now().toISOString();
      const put = await fetch(admin, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(world),
      });
      expect(put.status).toBe(200);
      s.clock.advance("1m");
      return app.acquireTokenSilent({ account: first!.account!, scopes: ACS_SCOPES, forceRefresh: true });
    },
    expected: { errorNo: "50173", errorCode: "invalid_grant" },
  },
  {
    name: "500133 on-behalf-of with an expired assertion",
    world: OBO_WORLD,
    act: async (s) => {
      const forApi = await signInWithPassword(s, {
        user: "alice",
        scopes: [`api://${clientId(s, "contoso-api")}/access_as_user`],
      });
      s.clock.advance("2h");
      return confidentialClient(s, "fabrikam", "contoso-api", "contoso-api-secret").acquireTokenOnBehalfOf({
        oboAssertion: forApi!.accessToken,
        scopes: ACS_SCOPES,
      });
    },
    expected: { errorNo: "500133", errorCode: "invalid_grant" },
  },
  {
    name: "500131 on-behalf-of with a token for another audience",
    world: OBO_WORLD,
    act: async (s) => {
      const forAcs = await signInWithPassword(s, { user: "alice" });
      return confidentialClient(s, "fabrikam", "contoso-api", "contoso-api-secret").acquireTokenOnBehalfOf({
        oboAssertion: forAcs!.accessToken,
        scopes: ACS_SCOPES,
      });
    },
    expected: { errorNo: "500131", errorCode: "invalid_grant" },
  },
];

describe.each(MODES)("Entra ID token errors as MSAL Node surfaces them (%s mode)", (mode) => {
  it.each(CASES)("$name", async ({ world, act, expected }) => {
    sb = await startSandbox({ mode, port: 0, ...(world ? { world } : {}) });
    const failure = await msalFailure(act(sb));
    expect(failure).toMatchObject({ errorNo: expected.errorNo, errorCode: expected.errorCode });
    expect(failure.subError).toBe(expected.subError);
    expect(failure.message).toContain(`AADSTS${expected.errorNo}:`);
    if (expected.status) expect(failure.status).toBe(expected.status);
    if (expected.name) expect(failure.name).toBe(expected.name);
  });

  it("90002 unknown tenant", async () => {
    sb = await startSandbox({ mode, port: 0 });
    const failure = await msalFailure(
      signInWithPassword(sb, { user: "alice", tenant: "0f0f0f0f-0000-4000-8000-000000000000" }),
    );
    if (mode === "intercept") {
      // For the real host MSAL skips discovery and the token endpoint answers.
      expect(failure).toMatchObject({ errorNo: "90002", errorCode: "invalid_tenant" });
    } else {
      // On another host MSAL reads the OpenID configuration first; its 90002 answer stops discovery.
      expect(failure.errorCode).toBe("endpoints_resolution_error");
    }
  });
});

describe.each(MODES)("Entra ID errors as @azure/identity surfaces them (%s mode)", (mode) => {
  it("7000215 from ClientSecretCredential", async () => {
    sb = await startSandbox({ mode, port: 0 });
    const credential = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "not-the-secret",
      identityOptions(sb),
    );
    const failure = await msalFailure(credential.getToken(ACS_DATA_PLANE_SCOPE));
    expect(failure.name).toBe("AuthenticationRequiredError");
    expect(failure.message).toContain("AADSTS7000215");
  });

  it("50126 from UsernamePasswordCredential", async () => {
    sb = await startSandbox({ mode, port: 0 });
    const credential = new UsernamePasswordCredential(
      tenantId(sb, "fabrikam"),
      clientId(sb, "contoso-teams"),
      user(sb, "alice").upn,
      "wrong",
      identityOptions(sb),
    );
    const failure = await msalFailure(credential.getToken(ACS_SCOPES));
    expect(failure.name).toBe("AuthenticationRequiredError");
    expect(failure.message).toContain("AADSTS50126");
  });

  it("700027 from ClientAssertionCredential signing with an unregistered key", async () => {
    const [registered, other] = await Promise.all([
      generateSigningKey("registered"),
      generateSigningKey("other"),
    ]);
    sb = await startSandbox({
      mode,
      port: 0,
      world: { apps: { "contoso-backend": { certificates: [registered.certificatePem] } } },
    });
    const s = sb;
    const backend = clientId(s, "contoso-backend");
    const contoso = tenantId(s, "contoso");
    const base = mode === "server" ? s.descriptor.baseUrl : "https://login.microsoftonline.com";
    const credential = new ClientAssertionCredential(
      contoso,
      backend,
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: "RS256" })
          .setIssuer(backend)
          .setSubject(backend)
          .setAudience(`${base}/${contoso}/oauth2/v2.0/token`)
          .setIssuedAt(s.clock.nowSeconds())
          .setExpirationTime(s.clock.nowSeconds() + 600)
          .sign(other.privateKey),
      identityOptions(s),
    );
    const failure = await msalFailure(credential.getToken(ACS_DATA_PLANE_SCOPE));
    expect(failure.message).toContain("AADSTS700027");
  });
});
