import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { MODES, clientId, tenantId, user } from "../support/modes.js";
import { msalFailure, signInWithPassword } from "./entra-support.js";
import { loginOrigin, person, signInInteractively } from "./entra-interactive-support.js";

/** Fabrikam before the quickstart's admin step 8: the ACS service principal exists, no consent yet. */
const NOT_CONSENTED = { tenants: { fabrikam: { grants: [], servicePrincipals: ["acs", "graph"] } } };

function adminConsentUrl(sb: RunningSandbox, path: string, params: Record<string, string>): string {
  const url = new URL(`${loginOrigin(sb)}/${tenantId(sb, "fabrikam")}/${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

describe.each(MODES)("admin consent, the quickstart's step for Fabrikam (%s)", (mode) => {
  let sb: RunningSandbox;
  afterEach(async () => {
    await sb?.close();
  });

  it("before it alice ends on 'Need admin approval' (unverified app); after it she signs in with no prompt", async () => {
    sb = await startSandbox({ mode, port: 0, world: NOT_CONSENTED });
    const before = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice")),
    });
    expect(before.result).toBeUndefined();
    expect(before.outcome).toMatchObject({ kind: "page", title: "Need admin approval", aadsts: 90094 });

    const consent = await new HeadlessUser(person(sb, "admin", { consent: "accept" })).navigate(
      adminConsentUrl(sb, "adminconsent", {
        client_id: clientId(sb, "contoso-teams"),
        redirect_uri: "http://localhost",
        state: "ac-1",
      }),
    );
    if (consent.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(consent)}`);
    expect(consent.params.get("admin_consent")).toBe("True");
    expect(consent.params.get("tenant")).toBe(tenantId(sb, "fabrikam"));
    expect(consent.params.get("state")).toBe("ac-1");

    // A person who would press Cancel on any consent prompt: success shows there was none.
    const after = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice", { consent: "decline" })),
    });
    expect(after.error).toBeUndefined();
    expect(after.result!.scopes).toEqual(
      expect.arrayContaining(["https://auth.msft.communication.azure.com/Teams.ManageCalls"]),
    );
  });

  it("'Return to the application without granting consent' answers access_denied, error_subcode=cancel, with state", async () => {
    sb = await startSandbox({ mode, port: 0, world: NOT_CONSENTED });
    const run = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice", { adminApproval: "return" })),
    });
    expect(run.error?.errorCode).toBe("access_denied");
    if (run.outcome?.kind !== "form_post") throw new Error("no form_post");
    expect(run.outcome.fields.get("error_subcode")).toBe("cancel");
    expect(run.outcome.fields.get("state")).toBeTruthy();
  });

  it("a verified app gets the user consent page; declining is 65004, accepting signs alice in and sticks", async () => {
    sb = await startSandbox({
      mode,
      port: 0,
      world: { ...NOT_CONSENTED, apps: { "contoso-teams": { verifiedPublisher: true } } },
    });
    const declined = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice", { consent: "decline" })),
    });
    expect(declined.error?.errorCode).toBe("access_denied");
    expect(declined.error?.message).toContain("AADSTS65004");
    if (declined.outcome?.kind !== "form_post") throw new Error("no form_post");
    expect(declined.outcome.fields.get("state")).toBeTruthy();

    // The consent page lists the permissions by their display names.
    const page = await new HeadlessUser(person(sb, "alice", { consent: "stop" })).navigate(
      `${loginOrigin(sb)}/${tenantId(sb, "fabrikam")}/oauth2/v2.0/authorize?${new URLSearchParams({
        client_id: clientId(sb, "contoso-teams"),
        response_type: "code",
        redirect_uri: "http://localhost",
        scope: "https://auth.msft.communication.azure.com/Teams.ManageCalls openid",
        state: "s",
      })}`,
    );
    expect(page).toMatchObject({ kind: "page", title: expect.stringMatching(/^Permissions requested/) });
    if (page.kind === "page") {
      expect(page.text).toContain("Manage calls in Teams");
      expect(page.text).toContain("Contoso Teams");
      expect(page.text).toContain("Publisher verified");
    }

    const accepted = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice", { consent: "accept" })),
    });
    expect(accepted.error).toBeUndefined();
    const again = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "alice", { consent: "decline" })),
    });
    expect(again.error).toBeUndefined();
    // Alice consented for herself only: Bob is still asked.
    const bob = await signInInteractively(sb, {
      tenant: "fabrikam",
      browser: new HeadlessUser(person(sb, "bob", { consent: "decline" })),
    });
    expect(bob.error?.errorCode).toBe("access_denied");
  });

  it("v2 adminconsent with scope=/.default answers admin_consent=True, tenant, scope and state", async () => {
    sb = await startSandbox({ mode, port: 0, world: NOT_CONSENTED });
    const scope = "https://auth.msft.communication.azure.com/.default";
    const outcome = await new HeadlessUser(person(sb, "admin")).navigate(
      adminConsentUrl(sb, "v2.0/adminconsent", {
        client_id: clientId(sb, "contoso-teams"),
        scope,
        redirect_uri: "http://localhost",
        state: "v2",
      }),
    );
    if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${JSON.stringify(outcome)}`);
    expect(Object.fromEntries(outcome.params)).toEqual({
      admin_consent: "True",
      tenant: tenantId(sb, "fabrikam"),
      scope,
      state: "v2",
    });
    const alice = await signInWithPassword(sb, { user: "alice" });
    expect(alice?.uniqueId).toBe(user(sb, "alice").objectId);
  });

  it("90093 when a user who is not an admin opens the admin consent URL", async () => {
    sb = await startSandbox({ mode, port: 0, world: NOT_CONSENTED });
    const outcome = await new HeadlessUser(person(sb, "alice")).navigate(
      adminConsentUrl(sb, "adminconsent", {
        client_id: clientId(sb, "contoso-teams"),
        redirect_uri: "http://localhost",
        state: "x",
      }),
    );
    expect(outcome).toMatchObject({ kind: "page", aadsts: 90093 });
  });

  it("the admin's refusal answers access_denied with AADSTS65004 and state", async () => {
    sb = await startSandbox({ mode, port: 0, world: NOT_CONSENTED });
    const outcome = await new HeadlessUser(person(sb, "admin", { consent: "decline" })).navigate(
      adminConsentUrl(sb, "adminconsent", {
        client_id: clientId(sb, "contoso-teams"),
        redirect_uri: "http://localhost",
        state: "no",
      }),
    );
    if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
    expect(outcome.params.get("error")).toBe("access_denied");
    expect(outcome.params.get("error_description")).toMatch(/^AADSTS65004: /);
    expect(outcome.params.get("error_uri")).toContain("code=65004");
    expect(outcome.params.get("state")).toBe("no");
    expect(await msalFailure(signInWithPassword(sb, { user: "alice" }))).toMatchObject({ errorNo: "65001" });
  });

  it("650052 when Fabrikam lacks the ACS service principal", async () => {
    sb = await startSandbox({
      mode,
      port: 0,
      world: { tenants: { fabrikam: { grants: [], servicePrincipals: ["graph"] } } },
    });
    const outcome = await new HeadlessUser(person(sb, "admin")).navigate(
      adminConsentUrl(sb, "adminconsent", {
        client_id: clientId(sb, "contoso-teams"),
        redirect_uri: "http://localhost",
        state: "sp",
      }),
    );
    if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
    expect(outcome.params.get("error")).toBe("invalid_client");
    expect(outcome.params.get("error_description")).toMatch(/^AADSTS650052: /);
    expect(outcome.params.get("state")).toBe("sp");
  });

  it("500113 for an app with no redirect URI: the approval is stored and the page says so", async () => {
    sb = await startSandbox({
      mode,
      port: 0,
      world: {
        ...NOT_CONSENTED,
        apps: {
          "contoso-daemon": {
            tenant: "contoso",
            displayName: "Contoso daemon",
            publicClientFlows: true,
            requiredResourceAccess: { acs: ["Teams.ManageCalls"] },
          },
        },
      },
    });
    expect(await msalFailure(signInWithPassword(sb, { user: "alice", app: "contoso-daemon" }))).toMatchObject(
      {
        errorNo: "65001",
      },
    );
    const outcome = await new HeadlessUser(person(sb, "admin")).navigate(
      adminConsentUrl(sb, "adminconsent", { client_id: clientId(sb, "contoso-daemon") }),
    );
    expect(outcome).toMatchObject({ kind: "page", aadsts: 500113, title: "Permissions granted" });
    const alice = await signInWithPassword(sb, {
      user: "alice",
      app: "contoso-daemon",
      scopes: ["https://auth.msft.communication.azure.com/Teams.ManageCalls"],
    });
    expect(alice?.uniqueId).toBe(user(sb, "alice").objectId);
  });
});
