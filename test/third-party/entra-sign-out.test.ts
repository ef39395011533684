import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { clientId, msalAuth, MODES, tenantId, user } from "../support/modes.js";
import { ACS_SCOPES } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Sign-out at the end_session_endpoint the discovery document advertises. msal-node has no public
 * sign-out URL builder (getLogoutUri lives in msal-common's AuthorizationCodeClient), so the URL is
 * built as that method builds it: the discovered end_session_endpoint with post_logout_redirect_uri,
 * state, client-request-id and the id_token_hint. The headless user keeps its cookies across the calls.
 */

describe.each(MODES)("sign-out (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  const origin = () => (mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com");
  const msal = () =>
    new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
  const alice = () =>
    new HeadlessUser({ username: user(sb, "alice").upn, password: user(sb, "alice").password });
  const authorize = (prompt?: string) =>
    msal().getAuthCodeUrl({
      scopes: ACS_SCOPES,
      redirectUri: "http://localhost:3000",
      state: "sign-in",
      ...(prompt ? { prompt } : {}),
    });

  async function endSessionEndpoint(version: "v1" | "v2"): Promise<string> {
    const path =
      version === "v2" ? "v2.0/.well-known/openid-configuration" : ".well-known/openid-configuration";
    const doc = (await (await fetch(`${origin()}/${tenantId(sb, "fabrikam")}/${path}`)).json()) as {
      end_session_endpoint: string;
    };
    return doc.end_session_endpoint;
  }

  async function logoutUrl(params: Record<string, string>, version: "v1" | "v2" = "v2") {
    const url = new URL(await endSessionEndpoint(version));
    for (const [k, v] of Object.entries({ "client-request-id": crypto.randomUUID(), ...params }))
      url.searchParams.set(k, v);
    return url.toString();
  }

  it("ends the session and returns to a registered post_logout_redirect_uri with state", async () => {
    const browser = alice();
    const signedIn = await browser.navigate(await authorize());
    expect(signedIn.kind === "redirect" && signedIn.params.get("code")).toBeTruthy();
    // The session cookie signs the browser in silently...
    const silent = await browser.navigate(await authorize("none"));
    expect(silent.kind === "redirect" && silent.params.get("code")).toBeTruthy();

    const out = await browser.navigate(
      await logoutUrl({
        post_logout_redirect_uri: "http://localhost",
        state: "bye 123",
        client_id: clientId(sb, "contoso-teams"),
      }),
    );
    expect(out.kind).toBe("redirect");
    expect(out.kind === "redirect" && out.url).toBe("http://localhost/?state=bye+123");

    // ...until sign-out: now a silent sign-in needs the user (AADSTS50058, login_required).
    const after = await browser.navigate(await authorize("none"));
    expect(after.kind === "redirect" && after.params.get("error")).toBe("login_required");
    expect(after.kind === "redirect" && after.params.get("state")).toBe("sign-in");
  });

  it("names the app by id_token_hint as MSAL does, through the v1 endpoint and by POST too", async () => {
    const browser = alice();
    const landed = await browser.navigate(await authorize());
    const code = landed.kind === "redirect" ? landed.params.get("code")! : "";
    const result = await msal().acquireTokenByCode({
      code,
      scopes: ACS_SCOPES,
      redirectUri: "http://localhost:3000",
    });
    const out = await browser.navigate(
      await logoutUrl(
        { post_logout_redirect_uri: "http://localhost:5000", id_token_hint: result!.idToken },
        "v1",
      ),
    );
    expect(out.kind === "redirect" && out.url).toBe("http://localhost:5000/");

    const posted = await fetch(await endSessionEndpoint("v2"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        post_logout_redirect_uri: "http://localhost",
        state: "s",
        id_token_hint: result!.idToken,
      }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBe(302);
    expect(posted.headers.get("location")).toBe("http://localhost/?state=s");
  });

  it("an unregistered post_logout_redirect_uri is not followed: the signed-out page stays", async () => {
    const browser = alice();
    await browser.navigate(await authorize());
    for (const target of ["https://evil.example/", "http://LOCALHOST", "http://localhost/other"]) {
      const out = await browser.navigate(
        await logoutUrl({
          post_logout_redirect_uri: target,
          state: "x",
          client_id: clientId(sb, "contoso-teams"),
        }),
      );
      expect(out, target).toMatchObject({
        kind: "page",
        status: 200,
        title: "You signed out of your account",
      });
    }
    const after = await browser.navigate(await authorize("none"));
    expect(after.kind === "redirect" && after.params.get("error")).toBe("login_required");
  });

  it("names no app, as msal-browser's logoutRedirect: the app the session signed in to decides", async () => {
    const browser = alice();
    await browser.navigate(await authorize());
    const request = { post_logout_redirect_uri: "http://localhost", state: "spa" };
    const out = await browser.navigate(await logoutUrl(request));
    expect(out.kind === "redirect" && out.url).toBe("http://localhost/?state=spa");
    // The session is over: the same request from this browser now names no app at all.
    const again = await browser.navigate(await logoutUrl(request));
    expect(again).toMatchObject({ kind: "page", status: 200, title: "You signed out of your account" });
  });

  it("without post_logout_redirect_uri, the signed-out page", async () => {
    const out = await alice().navigate(await logoutUrl({}));
    expect(out).toMatchObject({ kind: "page", status: 200, title: "You signed out of your account" });
    expect(out.kind === "page" && out.text).toContain("It's a good idea to close all browser windows.");
  });
});
