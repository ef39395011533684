import { PublicClientApplication } from "@azure/msal-node";
import { parse } from "node-html-parser";
import { CookieJar } from "tough-cookie";
import { describe, expect, it } from "vitest";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { clientId, msalAuth, MODES, user } from "../support/modes.js";
import { ACS_SCOPES } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * A sign-in belongs to the browser that started it. A client without that browser's cookies, holding
 * only the page's `ctx` (leaked, shared, read from a log), cannot post the sign-in form (login CSRF),
 * accept a consent, or confirm a device code; the browser itself still can.
 */

/** Dave may consent for himself: Contoso lets users consent to any app. */
const WORLD = { tenants: { contoso: { userConsentPolicy: "allowAll" } } };
const COOKIES_BLOCKED =
  "Your browser is currently set to block cookies. You need to allow cookies to use this service.";

/** A browser: keeps cookies, does not follow redirects, reads the form a page shows. */
class Browser {
  readonly jar = new CookieJar();
  async fetch(url: string, form?: Record<string, string>) {
    const headers = new Headers();
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set("cookie", cookie);
    if (form) headers.set("content-type", "application/x-www-form-urlencoded");
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
    });
    for (const set of response.headers.getSetCookie()) await this.jar.setCookie(set, url);
    return {
      status: response.status,
      location: response.headers.get("location"),
      html: await response.text(),
    };
  }
}

/** A client that sends no cookies at all (curl, a script, another machine). */
async function cookieless(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

function formOf(html: string, origin: string) {
  const form = parse(html).querySelector("form");
  if (!form) throw new Error(`No form on the page: ${html.slice(0, 300)}`);
  const hidden = Object.fromEntries(
    form
      .querySelectorAll("input[type=hidden]")
      .map((i) => [i.getAttribute("name")!, i.getAttribute("value")!]),
  );
  return { action: new URL(form.getAttribute("action")!, origin).toString(), hidden };
}

describe.each(MODES)("sign-ins bound to their browser (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: WORLD });

  const origin = () => (mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com");
  const msal = () =>
    new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "contoso") },
    });
  const dave = () => ({ login: user(sb, "dave").upn, passwd: user(sb, "dave").password });
  const authorizeUrl = () =>
    msal().getAuthCodeUrl({ scopes: ACS_SCOPES, redirectUri: "http://localhost:3000", state: "s1" });

  it("the sign-in form posted without the browser's cookies is refused; the browser signs in", async () => {
    const victim = new Browser();
    const page = await victim.fetch(await authorizeUrl());
    const { action, hidden } = formOf(page.html, origin());
    const forged = await cookieless(action, { ...hidden, ...dave() });
    expect(forged.status).toBe(400);
    expect(forged.location).toBeNull();
    expect(forged.html).toContain(COOKIES_BLOCKED);
    const own = await victim.fetch(action, { ...hidden, ...dave() });
    expect(own.html).toContain("Permissions requested");
  });

  it("a consent accepted without the browser's cookies is refused, no code is issued", async () => {
    const victim = new Browser();
    const signInPage = formOf((await victim.fetch(await authorizeUrl())).html, origin());
    const consent = await victim.fetch(signInPage.action, { ...signInPage.hidden, ...dave() });
    const { action, hidden } = formOf(consent.html, origin());
    const forged = await cookieless(action, { ...hidden, decision: "accept" });
    expect(forged.status).toBe(400);
    expect(forged.location).toBeNull();
    expect(forged.html).toContain(COOKIES_BLOCKED);
    const own = await victim.fetch(action, { ...hidden, decision: "accept" });
    expect(own.status).toBe(302);
    expect(new URL(own.location!).searchParams.get("code")).toBeTruthy();
  });

  it("another browser's cookies do not count either", async () => {
    const victim = new Browser();
    const other = new Browser();
    await other.fetch(await authorizeUrl()); // the other browser has an esctx cookie of its own
    const { action, hidden } = formOf((await victim.fetch(await authorizeUrl())).html, origin());
    const forged = await other.fetch(action, { ...hidden, ...dave() });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain(COOKIES_BLOCKED);
  });

  it("a device code confirmed without the browser's cookies is refused; the browser completes it", async () => {
    const victim = new Browser();
    let confirmed: Promise<void> | undefined;
    let forgedHtml = "";
    const app = new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
    const alice = user(sb, "alice");
    const result = await app.acquireTokenByDeviceCode({
      scopes: ACS_SCOPES,
      deviceCodeCallback: (response) => {
        confirmed = (async () => {
          const entry = formOf((await victim.fetch(response.verificationUri)).html, origin());
          const signIn = formOf(
            (await victim.fetch(entry.action, { ...entry.hidden, otc: response.userCode })).html,
            origin(),
          );
          const confirm = formOf(
            (
              await victim.fetch(signIn.action, {
                ...signIn.hidden,
                login: alice.upn,
                passwd: alice.password,
              })
            ).html,
            origin(),
          );
          const forged = await cookieless(confirm.action, { ...confirm.hidden, decision: "continue" });
          forgedHtml = `${forged.status} ${forged.html}`;
          await victim.fetch(confirm.action, { ...confirm.hidden, decision: "continue" });
        })();
      },
    });
    await confirmed;
    expect(forgedHtml).toMatch(/^400 /);
    expect(forgedHtml).toContain(COOKIES_BLOCKED);
    expect(result?.account?.username).toBe(alice.upn);
  });

  it("the headless user, which keeps cookies, still completes an interactive sign-in", async () => {
    const outcome = await new HeadlessUser({
      username: user(sb, "dave").upn,
      password: user(sb, "dave").password,
      consent: "accept",
    }).navigate(await authorizeUrl());
    expect(outcome.kind).toBe("redirect");
    expect(outcome.kind === "redirect" && outcome.params.get("code")).toBeTruthy();
  });
});
