import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { launchChromium, type Browser } from "../support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { clientId, tenantId, user } from "../support/modes.js";
import { ACS_SCOPES } from "./entra-support.js";

/*
 * A single-page app on the real @azure/msal-browser, in Debian's Chromium (driven by playwright-core),
 * against a sandbox in server mode: loginRedirect through the sandbox's sign-in page, then
 * logoutRedirect. msal-browser's sign-out URL names no app (no client_id, no id_token_hint), so the
 * sandbox must know the app from the session that signed in to it.
 */

/** The app's page script: msal-browser configured from `window.spaConfig`, driven by the test. */
const APP_SCRIPT = `
import { PublicClientApplication } from "@azure/msal-browser";
const config = window.spaConfig;
const msal = new PublicClientApplication({
  auth: {
    clientId: config.clientId,
    authority: config.authority,
    knownAuthorities: [config.authorityHost],
    redirectUri: config.appUrl,
    postLogoutRedirectUri: config.appUrl,
  },
  cache: { cacheLocation: "sessionStorage" },
});
window.spaReady = msal
  .initialize()
  .then(() => msal.handleRedirectPromise())
  .then(() => msal.getAllAccounts().map((a) => a.username));
window.signIn = () => msal.loginRedirect({ scopes: config.scopes });
window.signOut = () => msal.logoutRedirect({ account: msal.getAllAccounts()[0] });
`;

declare global {
  interface Window {
    spaReady: Promise<string[]>;
    signIn: () => Promise<void>;
    signOut: () => Promise<void>;
  }
}

/** Serves the app's one page (at every path: it is also the redirect URI) on a loopback origin. */
async function serveApp(page: (appUrl: string) => string): Promise<{ server: Server; appUrl: string }> {
  let appUrl = "";
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(appUrl));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  appUrl = `http://localhost:${(server.address() as AddressInfo).port}/`;
  return { server, appUrl };
}

describe("msal-browser in Chromium: loginRedirect, then logoutRedirect", () => {
  let sb: RunningSandbox;
  let app: { server: Server; appUrl: string };
  let page: Page;
  let browser: Browser;

  beforeAll(async () => {
    const bundle = await build({
      stdin: { contents: APP_SCRIPT, resolveDir: packageRoot(), loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]!.text.replaceAll("</script", "<\\/script");
    let config = {};
    app = await serveApp(
      () =>
        `<!doctype html><title>SPA</title><script>window.spaConfig = ${JSON.stringify(config)};</script>` +
        `<script type="module">${script}</script>`,
    );
    sb = await startSandbox({
      mode: "server",
      port: 0,
      world: { apps: { "contoso-teams": { redirectUris: { spa: [app.appUrl] } } } },
    });
    config = {
      clientId: clientId(sb, "contoso-teams"),
      authority: `${sb.descriptor.baseUrl}/${tenantId(sb, "fabrikam")}`,
      authorityHost: new URL(sb.descriptor.baseUrl).host,
      appUrl: app.appUrl,
      scopes: ACS_SCOPES,
    };
    browser = await launchChromium();
    ({ page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await sb?.close();
    await new Promise((resolve) => app?.server.close(resolve));
  });

  /** The accounts msal-browser holds once the page has handled any redirect back to it. */
  const accounts = () => page.evaluate(() => window.spaReady);

  it("returns to the app's registered post_logout_redirect_uri, which msal-browser sends without client_id", async () => {
    const alice = user(sb, "alice");
    await page.goto(app.appUrl);
    expect(await accounts()).toEqual([]);

    await page.evaluate(() => void window.signIn());
    await page.locator("input[name=login]").fill(alice.upn);
    await page.locator("input[name=passwd]").fill(alice.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.href.startsWith(app.appUrl));
    expect(await accounts()).toEqual([alice.upn]);

    const logout = page.waitForRequest((r) => r.isNavigationRequest() && r.url().includes("/logout"));
    const landed: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) landed.push(frame.url());
    });
    await page.evaluate(() => void window.signOut());
    const sent = new URL((await logout).url());
    expect(sent.searchParams.get("post_logout_redirect_uri")).toBe(app.appUrl);
    expect(sent.searchParams.has("client_id")).toBe(false);
    expect(sent.searchParams.has("id_token_hint")).toBe(false);

    // Back on the app, not left on "You signed out of your account".
    await expect.poll(() => landed.at(-1)?.split("?")[0]).toBe(app.appUrl);
    expect(new URL(landed.at(-1)!).searchParams.get("state")).toBe(sent.searchParams.get("state"));
    expect(await page.title()).toBe("SPA");
    expect(await accounts()).toEqual([]);
  });
});
