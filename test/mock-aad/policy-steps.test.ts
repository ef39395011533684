import { MemoryStore } from "../../harness/store/memory.js";
import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { parseWorld } from "../../harness/index.js";
import { Lockouts } from "../../mock-aad/lockout.js";
import { decide, type PolicyRequest } from "../../mock-aad/policy.js";
import { checkUsableInHomeTenant, visibleApp } from "../../mock-aad/policy/app-visibility.js";
import { resolveAuthority } from "../../mock-aad/policy/authority.js";
import { consentCountsForOrganization } from "../../mock-aad/policy/consent.js";
import { signInWithPassword } from "../../mock-aad/policy/sign-in.js";

/*
 * The policy's order of checks: when a request has several things wrong, which one Entra names. Each
 * case pairs two misconfigurations and expects the earlier step's code.
 */

const ACS = "https://auth.msft.communication.azure.com";

function setup(world: Record<string, unknown> = {}) {
  const directory = parseWorld(world).directory;
  const tenant = (name: string) => directory.tenants.find((t) => t.name === name)!;
  const app = (name: string) => directory.apps.find((a) => a.name === name)!;
  const user = (tenantName: string, name: string) => tenant(tenantName).users.find((u) => u.name === name)!;
  const request = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({
    flow: "password",
    channel: "token",
    authority: "organizations",
    clientId: app("contoso-teams").clientId,
    subject: { kind: "password", username: "alice@fabrikam.onmicrosoft.com", password: "Passw0rd!" },
    scope: `${ACS}/Teams.ManageCalls openid`,
    now: new Date("2026-01-01T00:00:00Z"),
    ...over,
  });
  const codeOf = async (over: Partial<PolicyRequest>) => {
    const decision = await decide(request(over), directory);
    return decision.kind === "error" ? decision.error.code : decision.kind;
  };
  return { directory, tenant, app, user, request, codeOf };
}

/** Fabrikam without the ACS service principal: every ACS request there ends at 500011 / 650052. */
const NO_ACS_IN_FABRIKAM = { tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams"] } } };

describe("delegated(): the order of checks", () => {
  it("names an unknown user before anything about the resource", async () => {
    const { codeOf } = setup(NO_ACS_IN_FABRIKAM);
    const subject = { kind: "password" as const, username: "nobody@fabrikam.onmicrosoft.com", password: "x" };
    expect(await codeOf({ subject })).toBe("AADSTS50034");
  });

  it("refuses a user from another tenant before trying the password", async () => {
    const { codeOf, tenant } = setup();
    const subject = {
      kind: "password" as const,
      username: "alice@fabrikam.onmicrosoft.com",
      password: "wrong",
    };
    expect(await codeOf({ subject, authority: tenant("contoso").id })).toBe("AADSTS50020");
  });

  it("checks the password before whether the account is enabled", async () => {
    const { codeOf } = setup({ tenants: { fabrikam: { users: { alice: { enabled: false } } } } });
    const wrong = {
      kind: "password" as const,
      username: "alice@fabrikam.onmicrosoft.com",
      password: "wrong",
    };
    expect(await codeOf({ subject: wrong })).toBe("AADSTS50126");
    expect(await codeOf({})).toBe("AADSTS50057");
  });

  it("says a single-tenant app cannot serve another tenant's user (50194 at authorize) before the resource", async () => {
    const { codeOf, app, user } = setup({
      ...NO_ACS_IN_FABRIKAM,
      apps: { "contoso-teams": { signInAudience: "single" } },
    });
    const alice = user("fabrikam", "alice");
    const subject = { kind: "user" as const, tenantId: alice.tenantId, objectId: alice.objectId };
    expect(await codeOf({ flow: "authorize", channel: "authorize", subject })).toBe("AADSTS50194");
    expect(await codeOf({ clientId: app("contoso-teams").clientId })).toBe("AADSTS700016");
  });

  it("names a scope the resource does not have before the resource's missing service principal", async () => {
    // #region two-misconfigurations
    // Fabrikam lacks the ACS service principal, and the app asks for a scope ACS does not have.
    const { codeOf, user } = setup(NO_ACS_IN_FABRIKAM);
    const alice = user("fabrikam", "alice");
    const subject = { kind: "user" as const, tenantId: alice.tenantId, objectId: alice.objectId };
    const scope = `${ACS}/Teams.NoSuchScope`;
    // The scope is checked first: 650053 at /authorize, 70011 at the token endpoint.
    expect(await codeOf({ flow: "authorize", channel: "authorize", subject, scope })).toBe("AADSTS650053");
    expect(await codeOf({ scope })).toBe("AADSTS70011");
    // With the scope fixed, the missing service principal shows: 500011 at the token endpoint.
    expect(await codeOf({})).toBe("AADSTS500011");
    // #endregion two-misconfigurations
  });

  it("asks ROPC for a second factor (50076) before it looks at consent (65001)", async () => {
    const { codeOf } = setup({
      tenants: { fabrikam: { grants: [], users: { alice: { mfaRequired: true } } } },
    });
    expect(await codeOf({})).toBe("AADSTS50076");
  });

  it("refuses missing consent at the token endpoint and prompts at authorize", async () => {
    const { codeOf, user } = setup({ tenants: { fabrikam: { grants: [] } } });
    const alice = user("fabrikam", "alice");
    const subject = { kind: "user" as const, tenantId: alice.tenantId, objectId: alice.objectId };
    expect(await codeOf({})).toBe("AADSTS65001");
    expect(await codeOf({ flow: "authorize", channel: "authorize", subject })).toBe("consent");
  });

  it("lets only an admin grant at the admin consent step (90093)", async () => {
    const { codeOf, user } = setup();
    const who = (name: string) => {
      const u = user("fabrikam", name);
      return { kind: "user" as const, tenantId: u.tenantId, objectId: u.objectId };
    };
    const adminConsent = {
      flow: "admin_consent" as const,
      channel: "authorize" as const,
      scope: `${ACS}/.default`,
    };
    expect(await codeOf({ ...adminConsent, subject: who("alice") })).toBe("AADSTS90093");
    expect(await codeOf({ ...adminConsent, subject: who("admin") })).toBe("grant");
  });
});

describe("app visibility", () => {
  it("sees a single-tenant app from its home tenant and through /organizations only, by client id in any case", () => {
    const { directory, tenant, app } = setup();
    const backend = app("contoso-backend");
    const fromContoso = resolveAuthority(directory, "contoso.onmicrosoft.com");
    const fromFabrikam = resolveAuthority(directory, tenant("fabrikam").id);
    const organizations = resolveAuthority(directory, "Organizations");
    expect(visibleApp(directory, backend.clientId.toUpperCase(), fromContoso, "contoso").name).toBe(
      "contoso-backend",
    );
    expect(visibleApp(directory, backend.clientId, organizations, "organizations").name).toBe(
      "contoso-backend",
    );
    expect(() => visibleApp(directory, backend.clientId, fromFabrikam, "fabrikam")).toThrow(
      `Application with identifier '${backend.clientId}' was not found in the directory 'Fabrikam'`,
    );
    expect(() => checkUsableInHomeTenant(backend, organizations, tenant("fabrikam"), "authorize")).toThrow(
      "AADSTS50194",
    );
    expect(() =>
      checkUsableInHomeTenant(backend, organizations, tenant("contoso"), "authorize"),
    ).not.toThrow();
  });

  it("answers 90002 for a segment that names no tenant", () => {
    const { directory } = setup();
    expect(() => resolveAuthority(directory, "nowhere.example")).toThrow("AADSTS90002");
  });
});

describe("sign-in with a password (the login page)", () => {
  const world = { tenants: { fabrikam: { lockout: { threshold: 2, duration: "60s" } } } };

  it("counts wrong passwords towards lockout, refuses even the right one while locked, then lets it in", async () => {
    const { directory, tenant } = setup(world);
    const clock = new Clock("2026-01-01T00:00:00Z");
    const lockouts = new Lockouts(new MemoryStore(), clock);
    const attempt = (password: string) => () =>
      signInWithPassword(
        directory,
        lockouts,
        "alice@fabrikam.onmicrosoft.com",
        password,
        tenant("fabrikam").id,
      );
    await expect(attempt("wrong")()).rejects.toThrow("AADSTS50126");
    await expect(attempt("wrong")()).rejects.toThrow("AADSTS50126");
    await expect(attempt("Passw0rd!")()).rejects.toThrow("AADSTS50053");
    clock.advance("61s");
    expect((await attempt("Passw0rd!")()).user.name).toBe("alice");
  });

  it("names the authority segment as sent for an unknown user, and refuses a disabled account only after its password", async () => {
    const { directory } = setup({ tenants: { fabrikam: { users: { bob: { enabled: false } } } } });
    const lockouts = new Lockouts(new MemoryStore(), new Clock());
    const signIn = (login: string, password: string) => () =>
      signInWithPassword(directory, lockouts, login, password, "fabrikam.onmicrosoft.com");
    await expect(signIn("nobody@fabrikam.onmicrosoft.com", "x")()).rejects.toThrow(
      "fabrikam.onmicrosoft.com",
    );
    await expect(signIn("bob@fabrikam.onmicrosoft.com", "wrong")()).rejects.toThrow("AADSTS50126");
    await expect(signIn("bob@fabrikam.onmicrosoft.com", "Passw0rd!")()).rejects.toThrow("AADSTS50057");
  });
});

describe("does an admin's consent count for the organisation", () => {
  it("counts with prompt=consent, or when users may not consent; never for a non-admin", () => {
    const admin = (userMayConsent: boolean) => ({ adminMayConsent: true, userMayConsent });
    expect(consentCountsForOrganization(admin(true), "consent")).toBe(true);
    expect(consentCountsForOrganization(admin(false), undefined)).toBe(true);
    expect(consentCountsForOrganization(admin(true), undefined)).toBe(false);
    expect(consentCountsForOrganization({ adminMayConsent: false, userMayConsent: false }, "consent")).toBe(
      false,
    );
  });
});
