import { CryptoProvider, PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { MODES, clientId, msalAuth, tenantId, user } from "../support/modes.js";
import { ACS_RESOURCE, ACS_SCOPES, claimsOf } from "./entra-support.js";
import { authorizeUrl, person, signInInteractively } from "./entra-interactive-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/** The quickstart JavaScript sample's registration: `http://localhost/redirect` beside `http://localhost`. */
const SAMPLE_WORLD = {
  apps: {
    "contoso-teams": { redirectUris: { publicClient: ["http://localhost", "http://localhost/redirect"] } },
  },
};

describe.each(MODES)("interactive sign-in through msal-node acquireTokenInteractive (%s)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  it("signs alice in through the pages and form_post, with an ACS token for her", async () => {
    const browser = new HeadlessUser(person(sb, "alice"));
    const run = await signInInteractively(sb, { tenant: "fabrikam", browser });
    expect(run.error).toBeUndefined();
    expect(run.outcome?.kind).toBe("form_post");
    const alice = user(sb, "alice");
    const claims = claimsOf(run.result!.accessToken);
    expect(claims.aud).toBe(ACS_RESOURCE);
    expect(claims.tid).toBe(tenantId(sb, "fabrikam"));
    expect(claims.appid).toBe(clientId(sb, "contoso-teams"));
    expect(claims.oid).toBe(alice.objectId);
    expect(claims.scp).toBe("Teams.ManageCalls Teams.ManageChats");
    expect(run.result!.uniqueId).toBe(alice.objectId);
    expect(run.result!.account?.username).toBe(alice.upn);
    // msal-node's interactive flow sends no nonce, so the id_token carries none.
    expect(claimsOf(run.result!.idToken).nonce).toBeUndefined();
  });

  it("posts the form_post answer (code, client_info, state) to MSAL's loopback server", async () => {
    const browser = new HeadlessUser(person(sb, "alice"));
    const run = await signInInteractively(sb, { tenant: "common", browser });
    expect(run.error).toBeUndefined();
    expect(run.outcome).toMatchObject({ kind: "form_post", status: 200 });
    if (run.outcome?.kind !== "form_post") throw new Error("no form_post");
    expect(new URL(run.outcome.url).hostname).toBe("localhost");
    expect(run.outcome.fields.get("code")).toBeTruthy();
    expect(run.outcome.fields.get("state")).toBeTruthy();
    expect(JSON.parse(Buffer.from(run.outcome.fields.get("client_info")!, "base64url").toString())).toEqual({
      uid: user(sb, "alice").objectId,
      utid: tenantId(sb, "fabrikam"),
    });
    // Through /common the token comes from the user's home tenant.
    expect(run.result!.tenantId).toBe(tenantId(sb, "fabrikam"));
  });

  it("keeps the person signed in: a second sign-in in the same browser asks for no password", async () => {
    const browser = new HeadlessUser(person(sb, "bob"));
    const first = await signInInteractively(sb, { tenant: "fabrikam", browser });
    expect(first.error).toBeUndefined();
    delete browser.person.password;
    const second = await signInInteractively(sb, { tenant: "fabrikam", browser });
    expect(second.error).toBeUndefined();
    expect(second.result!.uniqueId).toBe(user(sb, "bob").objectId);
  });

  it("asks for the password again with prompt=login, even with a session", async () => {
    const browser = new HeadlessUser(person(sb, "bob"));
    expect((await signInInteractively(sb, { tenant: "fabrikam", browser })).error).toBeUndefined();
    delete browser.person.password;
    const run = await signInInteractively(sb, { tenant: "fabrikam", browser, prompt: "login" });
    expect(run.outcome).toMatchObject({ kind: "page", aadsts: 50126 });
  });

  it("prompt=select_account shows the sign-in page with the signed-in account filled in", async () => {
    const browser = new HeadlessUser(person(sb, "bob"));
    expect((await signInInteractively(sb, { tenant: "fabrikam", browser })).error).toBeUndefined();
    delete browser.person.username;
    const run = await signInInteractively(sb, { tenant: "fabrikam", browser, prompt: "select_account" });
    expect(run.error).toBeUndefined();
    expect(run.result!.account?.username).toBe(user(sb, "bob").upn);
  });

  it("login_hint fills in the user name, so the person types only the password", async () => {
    const browser = new HeadlessUser({ password: user(sb, "alice").password });
    const run = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser,
      loginHint: user(sb, "alice").upn,
      domainHint: "fabrikam.onmicrosoft.com",
    });
    expect(run.error).toBeUndefined();
    expect(run.result!.uniqueId).toBe(user(sb, "alice").objectId);
  });
});

describe.each(MODES)("authorization code + PKCE, the quickstart JavaScript sample (%s)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: SAMPLE_WORLD });

  function sampleApp() {
    return new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
  }

  it("getAuthCodeUrl, the sign-in pages, then acquireTokenByCode with the PKCE verifier", async () => {
    const pca = sampleApp();
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = "http://localhost:3000/redirect";
    const url = await pca.getAuthCodeUrl({
      scopes: ACS_SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      state: "sample-state",
    });
    const outcome = await new HeadlessUser(person(sb, "alice")).navigate(url);
    expect(outcome.kind).toBe("redirect");
    if (outcome.kind !== "redirect") throw new Error("no redirect");
    expect(outcome.url.startsWith(`${redirectUri}?`)).toBe(true);
    expect(outcome.params.get("state")).toBe("sample-state");
    const result = await pca.acquireTokenByCode({
      code: outcome.params.get("code")!,
      scopes: ACS_SCOPES,
      redirectUri,
      codeVerifier: verifier,
    });
    const claims = claimsOf(result.accessToken);
    expect(claims.oid).toBe(user(sb, "alice").objectId);
    expect(claims.appid).toBe(clientId(sb, "contoso-teams"));
    expect(result.uniqueId).toBe(user(sb, "alice").objectId);
  });

  it("answers in the fragment with response_mode=fragment, and copies a nonce into the id_token", async () => {
    const pca = sampleApp();
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = "http://localhost:3000/redirect";
    const url = await pca.getAuthCodeUrl({
      scopes: ACS_SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      responseMode: "fragment",
      state: "frag",
      nonce: "nonce-123",
    });
    const outcome = await new HeadlessUser(person(sb, "alice")).navigate(url);
    if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
    expect(new URL(outcome.url).hash).toContain("code=");
    expect(new URL(outcome.url).search).toBe("");
    const code = outcome.params.get("code")!;
    const result = await pca.acquireTokenByCode(
      { code, scopes: ACS_SCOPES, redirectUri, codeVerifier: verifier, nonce: "nonce-123", state: "frag" },
      { code, state: outcome.params.get("state")! },
    );
    expect(claimsOf(result.idToken).nonce).toBe("nonce-123");
  });

  it("prompt=none: login_required (50058) without a session, a code with one", async () => {
    const browser = new HeadlessUser(person(sb, "alice"));
    const params = {
      client_id: clientId(sb, "contoso-teams"),
      response_type: "code",
      redirect_uri: "http://localhost/redirect",
      scope: `${ACS_SCOPES.join(" ")} openid profile offline_access`,
      state: "silent",
      prompt: "none",
    };
    const silent = await browser.navigate(authorizeUrl(sb, tenantId(sb, "fabrikam"), params));
    if (silent.kind !== "redirect") throw new Error(`expected a redirect, got ${silent.kind}`);
    expect(silent.params.get("error")).toBe("login_required");
    expect(silent.params.get("error_uri")).toContain("code=50058");
    expect(silent.params.get("state")).toBe("silent");

    const signedIn = await browser.navigate(
      authorizeUrl(sb, tenantId(sb, "fabrikam"), { ...params, prompt: undefined, state: "loud" }),
    );
    expect(signedIn.kind).toBe("redirect");
    delete browser.person.password;
    const again = await browser.navigate(authorizeUrl(sb, tenantId(sb, "fabrikam"), params));
    if (again.kind !== "redirect") throw new Error(`expected a redirect, got ${again.kind}`);
    expect(again.params.get("code")).toBeTruthy();
    expect(again.params.get("state")).toBe("silent");
  });
});
