import { CryptoProvider, PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../harness/index.js";
import { HeadlessUser, type Outcome } from "../../harness/runner/user-agent.js";
import { MODES, clientId, msalAuth, tenantId, user } from "../support/modes.js";
import { ACS_SCOPES, msalFailure } from "./entra-support.js";
import { authorizeUrl, person, redeemCode, signInInteractively } from "./entra-interactive-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

const SCOPE = `${ACS_SCOPES.join(" ")} openid profile offline_access`;

/** Registrations for each platform, and a disabled Fabrikam user. */
const WORLD = {
  tenants: { fabrikam: { users: { erin: { displayName: "Erin", enabled: false } } } },
  apps: {
    "contoso-teams": {
      redirectUris: {
        publicClient: ["http://localhost", "http://localhost/redirect"],
        spa: ["http://localhost/spa"],
      },
    },
    "contoso-internal": {
      tenant: "contoso",
      displayName: "Contoso internal",
      signInAudience: "single",
      publicClientFlows: true,
      redirectUris: { publicClient: ["http://localhost"] },
      requiredResourceAccess: { acs: ["Teams.ManageCalls"] },
    },
  },
};

function expectErrorPage(outcome: Outcome, aadsts: number) {
  expect(outcome.kind).toBe("page");
  if (outcome.kind !== "page") return;
  expect(outcome.aadsts).toBe(aadsts);
  expect(outcome.title).toMatch(/having trouble signing you in/);
  expect(outcome.text).toMatch(/Correlation Id/);
  expect(outcome.text).toMatch(/Timestamp/);
}

function expectErrorRedirect(outcome: Outcome, error: string, aadsts: number, state: string) {
  if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(outcome)}`);
  const p = outcome.params;
  expect(p.get("error")).toBe(error);
  expect(p.get("error_description")).toMatch(new RegExp(`^AADSTS${aadsts}: `));
  expect(p.get("error_description")).toMatch(/Trace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /s);
  expect(p.get("error_uri")).toBe(`https://login.microsoftonline.com/error?code=${aadsts}`);
  expect(p.get("state")).toBe(state);
  expect(p.get("correlation_id")).toBeTruthy();
  expect(p.get("trace_id")).toBeTruthy();
  expect(p.get("timestamp")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  return p;
}

describe.each(MODES)("authorize errors (%s)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: WORLD });

  const params = (overrides: Record<string, string | undefined> = {}) => ({
    client_id: clientId(sb, "contoso-teams"),
    response_type: "code",
    redirect_uri: "http://localhost:3000/redirect",
    scope: SCOPE,
    state: "st-1",
    ...overrides,
  });

  describe("shown on Entra's error page, not redirected", () => {
    it("50011: the sample's redirect http://localhost:3000/redirect when only http://localhost is registered", async () => {
      const sample = await startSandbox({ mode, port: 0 });
      try {
        const pca = new PublicClientApplication({
          auth: { clientId: clientId(sample, "contoso-teams"), ...msalAuth(sample, "fabrikam") },
        });
        const { challenge } = await new CryptoProvider().generatePkceCodes();
        const url = await pca.getAuthCodeUrl({
          scopes: ACS_SCOPES,
          redirectUri: "http://localhost:3000/redirect",
          codeChallenge: challenge,
          codeChallengeMethod: "S256",
        });
        const outcome = await new HeadlessUser(person(sample, "alice")).navigate(url);
        expectErrorPage(outcome, 50011);
        if (outcome.kind === "page") expect(outcome.text).toContain("http://localhost:3000/redirect");
      } finally {
        await sample.close();
      }
    });

    it("700016: an unknown application", async () => {
      const outcome = await new HeadlessUser().navigate(
        authorizeUrl(
          sb,
          "fabrikam.onmicrosoft.com",
          params({ client_id: "00000000-0000-0000-0000-0000000000aa" }),
        ),
      );
      expectErrorPage(outcome, 700016);
    });

    it("90002: an unknown tenant", async () => {
      const outcome = await new HeadlessUser().navigate(
        authorizeUrl(sb, "nowhere.onmicrosoft.com", params()),
      );
      expectErrorPage(outcome, 90002);
    });

    it("50020: a Fabrikam user signing in to a single-tenant Contoso app", async () => {
      const browser = new HeadlessUser(person(sb, "alice"));
      const run = await signInInteractively(sb, { tenant: "contoso", app: "contoso-internal", browser });
      expect(run.result).toBeUndefined();
      expectErrorPage(run.outcome!, 50020);
    });
  });

  describe("shown on the sign-in page", () => {
    it.each([
      ["50126 for a wrong password", "alice", "wrong", 50126],
      ["50034 for a user that does not exist", "zoe", "Passw0rd!", 50034],
      ["50057 for a disabled account", "erin", undefined, 50057],
    ])("%s", async (_name, who, password, aadsts) => {
      const username = who === "zoe" ? "zoe@fabrikam.onmicrosoft.com" : user(sb, who).upn;
      const browser = new HeadlessUser({ username, password: password ?? user(sb, who).password });
      const outcome = await browser.navigate(authorizeUrl(sb, tenantId(sb, "fabrikam"), params()));
      expect(outcome).toMatchObject({ kind: "page", aadsts, title: "Sign in" });
    });
  });

  describe("redirected to the app, always with state", () => {
    it("invalid_client 650052 with the quickstart's message when Fabrikam lacks the ACS service principal", async () => {
      const bare = await startSandbox({
        mode,
        port: 0,
        world: { tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams"] } } },
      });
      try {
        const run = await signInInteractively(bare, {
          tenant: "fabrikam",
          browser: new HeadlessUser(person(bare, "alice")),
        });
        expect(run.error?.name).toBe("ServerError");
        expect(run.error?.errorCode).toBe("invalid_client");
        expect(run.error?.message).toContain(
          `AADSTS650052: The app is trying to access a service '1fd5118e-2576-4263-8130-9503064c837a'(Azure Communication Services) that your organization '${tenantId(bare, "fabrikam")}' lacks a service principal for.`,
        );
        expect(run.outcome?.kind).toBe("form_post");
        if (run.outcome?.kind === "form_post") expect(run.outcome.fields.get("state")).toBeTruthy();

        const outcome = await new HeadlessUser(person(bare, "alice")).navigate(
          authorizeUrl(
            bare,
            "organizations",
            params({ client_id: clientId(bare, "contoso-teams"), redirect_uri: "http://localhost:3000" }),
          ),
        );
        expectErrorRedirect(outcome, "invalid_client", 650052, "st-1");
      } finally {
        await bare.close();
      }
    });

    it("invalid_client 650053 for a scope ACS does not have", async () => {
      const outcome = await new HeadlessUser(person(sb, "alice")).navigate(
        authorizeUrl(
          sb,
          "common",
          params({ scope: "https://auth.msft.communication.azure.com/Teams.Fly openid" }),
        ),
      );
      expectErrorRedirect(outcome, "invalid_client", 650053, "st-1");
    });

    it("unsupported_response_type for response_type=token, in the fragment when asked", async () => {
      const outcome = await new HeadlessUser().navigate(
        authorizeUrl(sb, "common", params({ response_type: "token", response_mode: "fragment" })),
      );
      expectErrorRedirect(outcome, "unsupported_response_type", 70005, "st-1");
      if (outcome.kind === "redirect") expect(new URL(outcome.url).hash).toContain("error=");
    });

    it("login_required 50058 for prompt=none without a session, through form_post to MSAL's loopback", async () => {
      const run = await signInInteractively(sb, {
        tenant: "fabrikam",
        browser: new HeadlessUser(person(sb, "alice")),
        prompt: "none",
      });
      expect(run.error?.errorCode).toBe("login_required");
      expect(run.error?.message).toContain("AADSTS50058");
      if (run.outcome?.kind !== "form_post") throw new Error("no form_post");
      expect(run.outcome.fields.get("state")).toBeTruthy();
      expect(run.outcome.fields.get("error_uri")).toContain("code=50058");
    });
  });
});

describe.each(MODES)("authorization code redemption errors (%s)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: WORLD });

  function pca() {
    return new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
  }

  /** Signs alice in at `redirectUri` and returns the code with its PKCE verifier. */
  async function codeFor(redirectUri: string) {
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await pca().getAuthCodeUrl({
      scopes: ACS_SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const outcome = await new HeadlessUser(person(sb, "alice")).navigate(url);
    if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
    return { code: outcome.params.get("code")!, verifier };
  }

  const redeem = (code: string, verifier: string, redirectUri = "http://localhost:3000/redirect") =>
    pca().acquireTokenByCode({ code, scopes: ACS_SCOPES, redirectUri, codeVerifier: verifier });

  it("54005 when a code is redeemed twice", async () => {
    const { code, verifier } = await codeFor("http://localhost:3000/redirect");
    await redeem(code, verifier);
    expect(await msalFailure(redeem(code, verifier))).toMatchObject({
      errorCode: "invalid_grant",
      errorNo: "54005",
    });
  });

  it("70008 when a code is redeemed after ten minutes on the sandbox clock", async () => {
    const { code, verifier } = await codeFor("http://localhost:3000/redirect");
    sb.clock.advance("11m");
    expect(await msalFailure(redeem(code, verifier))).toMatchObject({
      errorCode: "invalid_grant",
      errorNo: "70008",
    });
  });

  it("501481 when the PKCE verifier does not match the challenge", async () => {
    const { code } = await codeFor("http://localhost:3000/redirect");
    const other = await new CryptoProvider().generatePkceCodes();
    expect(await msalFailure(redeem(code, other.verifier))).toMatchObject({
      errorCode: "invalid_grant",
      errorNo: "501481",
    });
  });

  it("500112 when the redirect_uri differs from the one used at authorize", async () => {
    const { code, verifier } = await codeFor("http://localhost:3000/redirect");
    expect(await msalFailure(redeem(code, verifier, "http://localhost"))).toMatchObject({
      errorCode: "invalid_grant",
      errorNo: "500112",
    });
  });

  it("9002327 when a code for a SPA redirect URI is redeemed from a server (no Origin)", async () => {
    const { code, verifier } = await codeFor("http://localhost:5173/spa");
    expect(await msalFailure(redeem(code, verifier, "http://localhost:5173/spa"))).toMatchObject({
      errorCode: "invalid_request",
      errorNo: "9002327",
    });
  });

  it("a SPA code redeemed cross-origin gets a 24-hour refresh token and CORS headers", async () => {
    const { code, verifier } = await codeFor("http://localhost:5173/spa");
    const answer = await redeemCode(
      sb,
      tenantId(sb, "fabrikam"),
      {
        client_id: clientId(sb, "contoso-teams"),
        code,
        code_verifier: verifier,
        redirect_uri: "http://localhost:5173/spa",
        scope: SCOPE,
      },
      { origin: "http://localhost:5173" },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.body.refresh_token).toBeTruthy();
    expect(answer.body.refresh_token_expires_in).toBe(86400);
  });

  it("9002327 when a SPA's refresh token is redeemed from a server (no Origin)", async () => {
    const { code, verifier } = await codeFor("http://localhost:5173/spa");
    const form = { client_id: clientId(sb, "contoso-teams"), scope: SCOPE };
    const spa = { origin: "http://localhost:5173" };
    const signedIn = await redeemCode(
      sb,
      tenantId(sb, "fabrikam"),
      { ...form, code, code_verifier: verifier, redirect_uri: "http://localhost:5173/spa" },
      spa,
    );
    const refreshToken = signedIn.body.refresh_token as string;
    const failure = await msalFailure(pca().acquireTokenByRefreshToken({ refreshToken, scopes: ACS_SCOPES }));
    expect(failure).toMatchObject({ errorCode: "invalid_request", errorNo: "9002327" });
    expect(failure.message).toContain(
      "AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    );
    // The browser that holds it still may.
    const refreshed = await redeemCode(
      sb,
      tenantId(sb, "fabrikam"),
      { ...form, grant_type: "refresh_token", refresh_token: refreshToken },
      spa,
    );
    expect(refreshed.status).toBe(200);
  });

  it("9002326 when a desktop redirect URI's code is redeemed cross-origin", async () => {
    const { code, verifier } = await codeFor("http://localhost:3000/redirect");
    const answer = await redeemCode(
      sb,
      tenantId(sb, "fabrikam"),
      {
        client_id: clientId(sb, "contoso-teams"),
        code,
        code_verifier: verifier,
        redirect_uri: "http://localhost:3000/redirect",
        scope: SCOPE,
      },
      { origin: "http://localhost:3000" },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_request", error_codes: [9002326] });
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });
});
