import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { Page } from "playwright-core";
import { launchChromium, type Browser } from "../support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { packageRoot } from "../../harness/sandbox/paths.js";
import { signInWithPassword } from "../third-party/entra-support.js";

/*
 * The inspector in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core), after real
 * traffic from MSAL and the Identity SDK: the live list, an error's explanation and scenario, decoded
 * tokens, the world picture, the clock controls, and an axe-core accessibility check. The screenshot in
 * docs/inspector.md is taken here.
 */

describe("the inspector at /_sandbox/ in Chromium", () => {
  let sb: RunningSandbox;
  let page: Page;
  let browser: Browser;
  let communicationUserId: string;

  beforeAll(async () => {
    // #region inspector-traffic
    sb = await startSandbox({ mode: "server", port: 0 });
    // Traffic a support engineer would look at: a sign-in, a wrong password, a throttled exchange.
    const signedIn = await signInWithPassword(sb, { user: "alice" });
    await signInWithPassword(sb, { user: "alice", password: "not-her-password" }).catch(() => undefined);
    const appId = String((signedIn!.idTokenClaims as { aud?: string }).aud);
    sb.faults.add({
      id: "throttle-exchange",
      service: "acs",
      operation: "exchange",
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    await identity.getTokenForTeamsUser({
      teamsUserAadToken: signedIn!.accessToken,
      clientId: appId,
      userObjectId: signedIn!.uniqueId,
    });
    communicationUserId = (await identity.createUser()).communicationUserId;
    // #endregion inspector-traffic

    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    ({ page } = browser);
    await page.goto(`${sb.descriptor.baseUrl}/_sandbox/`);
    await page.locator("#traffic > li").first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  it("lists the traffic newest first, with the fault marked", async () => {
    const summaries = await page.locator("#traffic > li summary").allTextContents();
    expect(summaries[0]).toContain("201");
    expect(summaries[0]).toContain("acs · createIdentity");
    expect(summaries[1]).toContain("200");
    expect(summaries[1]).toContain("acs · exchange");
    expect(summaries[2]).toContain("429");
    expect(summaries[2]).toContain("fault throttle-exchange (status)");
    expect(summaries.some((s) => s.includes("AADSTS50126"))).toBe(true);
  });

  it("opens an error entry from the keyboard, with its explanation and reproducing scenario", async () => {
    const entry = page.locator("#traffic > li", { hasText: "AADSTS50126" });
    await entry.locator("summary").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => entry.locator("details").getAttribute("open")).not.toBeNull();
    const text = await entry.textContent();
    expect(text).toContain("Why AADSTS50126");
    expect(text).toContain("Cause:");
    expect(text).toContain('"password": "[redacted]"');
    await entry.getByRole("button", { name: "Show scenario wrong-password" }).click();
    // Each reproducing scenario opens its own panel; the one asked for shows how to run it.
    await expect
      .poll(() =>
        entry.locator("pre.scenario-yaml").filter({ hasText: "name: wrong-password" }).textContent(),
      )
      .toContain("npx acs-sandbox run wrong-password");
  });

  it("decodes the tokens of a successful sign-in, on the sandbox clock, naming the signing key", async () => {
    // By the status in the summary: "200" anywhere in an entry's text (a GUID, a timestamp of the
    // failed sign-in) would also pick the AADSTS50126 entry, which carries no token.
    const entry = page
      .locator("#traffic > li")
      .filter({ has: page.locator("summary .status", { hasText: /^200$/ }) })
      .filter({ has: page.locator("summary .tag", { hasText: /^entra · token$/ }) })
      .first();
    await entry.locator("summary").click();
    // The decoded tokens are drawn once the entry opens: wait for them before reading the entry's text.
    await entry.getByText("Signed by:").first().waitFor();
    const text = (await entry.textContent()) ?? "";
    expect(text).toContain("[jwt redacted]");
    expect(text).toContain("Token in response.access_token");
    expect(text).toMatch(/valid — expires in \d+ min \(sandbox clock\)/);
    expect(text).toContain("Signed by: Entra ID signing key");
    expect(text).toContain('"aud": "https://auth.msft.communication.azure.com"');
    expect(text).not.toContain(".eyJ");
  });

  it("filters by status", async () => {
    await page.getByLabel("Status", { exact: true }).fill("4xx");
    await page.getByRole("button", { name: "Filter" }).click();
    const expected = sb.countRequests({ status: "4xx" });
    expect(expected).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => page.locator("#traffic-count").textContent())
      .toBe(`${expected} requests, newest first`);
    const statuses = await page.locator("#traffic > li summary .status").allTextContents();
    expect(statuses.every((s) => s.startsWith("4"))).toBe(true);
    await page.getByLabel("Status", { exact: true }).fill("");
    await page.getByRole("button", { name: "Filter" }).click();
  });

  it("filters by operation, offering the operations the sandbox names", async () => {
    const operation = page.getByLabel("Operation");
    // The choices come from GET /_sandbox/operations when the sandbox has it, else from the traffic seen.
    await expect.poll(() => operation.locator("option").allTextContents()).toContain("exchange");
    await operation.selectOption("exchange");
    const expected = sb.countRequests({ operation: "exchange" });
    expect(expected).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => page.locator("#traffic-count").textContent())
      .toBe(`${expected} requests, newest first`);
    const tags = await page.locator("#traffic > li summary .tag").allTextContents();
    expect(tags.filter((t) => t.startsWith("acs ·"))).toEqual(Array(expected).fill("acs · exchange"));
    await operation.selectOption("");
  });

  it("draws which app works in which tenant, with the admin step that would change it", async () => {
    // The world is fetched once when the page loads, separately from the traffic the page showed first;
    // wait for it to be drawn, so a load that failed shows its "World unavailable" sentence here.
    await expect
      .poll(() => page.locator("#world").textContent(), { timeout: 15_000 })
      .toContain("Which app works in which tenant");
    const matrix = page.getByRole("table", { name: "App registrations (rows) by tenant (columns)" });
    const backendInFabrikam = matrix
      .getByRole("row", { name: /contoso-backend/ })
      .getByRole("cell")
      .nth(1);
    expect(await backendInFabrikam.textContent()).toContain("blocked");
    expect(await backendInFabrikam.textContent()).toContain("Admin step 1");
    const teamsInFabrikam = matrix
      .getByRole("row", { name: /contoso-teams/ })
      .getByRole("cell")
      .nth(1);
    expect(await teamsInFabrikam.textContent()).toContain("ready");
    await expect.poll(() => page.getByRole("heading", { name: /Tenant fabrikam/ }).count()).toBe(1);
    const identities = page.getByRole("table", { name: /Identities of contoso-acs/ });
    expect(await identities.textContent()).toContain(communicationUserId);
  });

  it("advances the sandbox clock through the admin API", async () => {
    const before = Date.parse((await page.locator("#clock-now").getAttribute("datetime"))!);
    await page.getByLabel("Advance by").fill("25h");
    await page.getByRole("button", { name: "Advance clock" }).click();
    await expect.poll(() => page.locator("#announce").textContent()).toContain("Sandbox time is now");
    expect(sb.clock.nowMs() - before).toBeGreaterThanOrEqual(25 * 3600_000);
  });

  it("passes axe-core's accessibility rules, and renders the view docs/inspector.png shows", async () => {
    await page.getByLabel("Live").uncheck();
    const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: () => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await axe.run();
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    await page.evaluate(() => {
      document.querySelectorAll("details").forEach((d) => (d.open = false));
    });
    await page.locator("#traffic > li", { hasText: "AADSTS50126" }).locator("summary").click();
    await page.evaluate(() => window.scrollTo(0, 0));
    // `npm run docs:screenshot` writes it over docs/inspector.png; a plain test run leaves the tree alone.
    const target = process.env.ACS_SANDBOX_UPDATE_SCREENSHOT
      ? join(packageRoot(), "docs", "inspector.png")
      : join(mkdtempSync(join(tmpdir(), "acs-inspector-")), "inspector.png");
    await page.screenshot({ path: target, fullPage: false });
    // A PNG: its eight-byte signature, then an image of some size.
    const png = readFileSync(target);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.length).toBeGreaterThan(10_000);
  });
});
