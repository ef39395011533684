import { describe, expect, it } from "vitest";
import { parseWorld } from "../../harness/index.js";
import { decide, type PolicyRequest } from "../../mock-aad/policy.js";

const ACS_SCOPES =
  "https://auth.msft.communication.azure.com/Teams.ManageCalls https://auth.msft.communication.azure.com/Teams.ManageChats openid profile offline_access";

function setup(world: Record<string, unknown> = {}) {
  const directory = parseWorld(world).directory;
  const tenant = (name: string) => directory.tenants.find((t) => t.name === name)!;
  const app = (name: string) => directory.apps.find((a) => a.name === name)!;
  const alice = tenant("fabrikam").users.find((u) => u.name === "alice")!;
  const base = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({
    flow: "authorize",
    channel: "authorize",
    authority: "organizations",
    clientId: app("contoso-teams").clientId,
    subject: { kind: "user", tenantId: alice.tenantId, objectId: alice.objectId },
    scope: ACS_SCOPES,
    now: new Date("2026-01-01T00:00:00Z"),
    ...over,
  });
  return { directory, tenant, app, alice, base };
}

describe("policy", () => {
  it("grants every consented ACS scope to alice and resolves her home tenant through /organizations", async () => {
    const { directory, base, tenant, alice } = setup();
    const decision = await decide(
      base({ scope: "https://auth.msft.communication.azure.com/Teams.ManageCalls openid" }),
      directory,
    );
    expect(decision.kind).toBe("grant");
    if (decision.kind !== "grant") return;
    expect(decision.grant.tenant.id).toBe(tenant("fabrikam").id);
    expect(decision.grant.user?.objectId).toBe(alice.objectId);
    expect(decision.grant.scopes.sort()).toEqual(["Teams.ManageCalls", "Teams.ManageChats"]);
    expect(decision.grant.tokenVersion).toBe(1);
    expect(decision.grant.audience).toBe("https://auth.msft.communication.azure.com");
  });

  it("says 650052 at authorize and 500011 at the token endpoint when the ACS service principal is missing", async () => {
    const { directory, base } = setup({
      tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams"] } },
    });
    const atAuthorize = await decide(base(), directory);
    const atToken = await decide(
      base({ channel: "token", flow: "refresh_token", mayBePublic: true }),
      directory,
    );
    expect(atAuthorize.kind === "error" && atAuthorize.error.code).toBe("AADSTS650052");
    expect(atToken.kind === "error" && atToken.error.code).toBe("AADSTS500011");
    if (atToken.kind === "error") {
      expect(atToken.error.message).toContain(
        "The resource principal named https://auth.msft.communication.azure.com was not found in the tenant named Fabrikam",
      );
    }
  });

  it("asks for consent at authorize, blocked with 90094 for a non-admin under the default policy", async () => {
    const { directory, base, tenant } = setup({ tenants: { fabrikam: { grants: [] } } });
    const decision = await decide(base(), directory);
    expect(decision.kind).toBe("consent");
    if (decision.kind !== "consent") return;
    expect(decision.prompt.missing.sort()).toEqual(["Teams.ManageCalls", "Teams.ManageChats"]);
    expect(decision.prompt.userMayConsent).toBe(false);
    expect(decision.prompt.blocked?.code).toBe("AADSTS90094");

    const admin = tenant("fabrikam").users.find((u) => u.isAdmin)!;
    const forAdmin = await decide(
      base({ subject: { kind: "user", tenantId: admin.tenantId, objectId: admin.objectId } }),
      directory,
    );
    expect(forAdmin.kind === "consent" && forAdmin.prompt.adminMayConsent).toBe(true);
    expect(forAdmin.kind === "consent" && forAdmin.prompt.blocked).toBeUndefined();
  });

  it("lets users consent themselves when the tenant allows all apps", async () => {
    const { directory, base } = setup({
      tenants: { fabrikam: { grants: [], userConsentPolicy: "allowAll" } },
    });
    const decision = await decide(base(), directory);
    expect(decision.kind === "consent" && decision.prompt.userMayConsent).toBe(true);
  });

  it("honours a user's own grant but not another user's", async () => {
    const grant = {
      client: "contoso-teams",
      resource: "acs",
      scopes: ["Teams.ManageCalls", "Teams.ManageChats"],
    };
    const { directory, base, tenant } = setup({
      tenants: { fabrikam: { grants: [{ ...grant, user: "alice" }] } },
    });
    expect((await decide(base(), directory)).kind).toBe("grant");
    const bob = tenant("fabrikam").users.find((u) => u.name === "bob")!;
    const forBob = await decide(
      base({ subject: { kind: "user", tenantId: bob.tenantId, objectId: bob.objectId } }),
      directory,
    );
    expect(forBob.kind).toBe("consent");
  });

  it("says 650053 at authorize and 70011 at the token endpoint for a scope ACS does not expose", async () => {
    const { directory, base } = setup();
    const scope = "https://auth.msft.communication.azure.com/Teams.Nope";
    const atAuthorize = await decide(base({ scope }), directory);
    const atToken = await decide(
      base({ scope, channel: "token", flow: "refresh_token", mayBePublic: true }),
      directory,
    );
    expect(atAuthorize.kind === "error" && atAuthorize.error.code).toBe("AADSTS650053");
    expect(atToken.kind === "error" && atToken.error.code).toBe("AADSTS70011");
  });

  it("says 50194 at authorize and 700016 at the token endpoint for a single-tenant app used via /organizations", async () => {
    const { directory, base } = setup({ apps: { "contoso-teams": { signInAudience: "single" } } });
    const atAuthorize = await decide(base(), directory);
    const atToken = await decide(
      base({ channel: "token", flow: "refresh_token", mayBePublic: true }),
      directory,
    );
    expect(atAuthorize.kind === "error" && atAuthorize.error.code).toBe("AADSTS50194");
    expect(atToken.kind === "error" && atToken.error.code).toBe("AADSTS700016");
  });

  it("lets an admin consent through admin_consent, and refuses a non-admin with 90093", async () => {
    const { directory, base, tenant, alice } = setup({ tenants: { fabrikam: { grants: [] } } });
    const admin = tenant("fabrikam").users.find((u) => u.isAdmin)!;
    const asAdmin = await decide(
      base({
        flow: "admin_consent",
        scope: "https://auth.msft.communication.azure.com/.default",
        subject: { kind: "user", tenantId: admin.tenantId, objectId: admin.objectId },
      }),
      directory,
    );
    expect(asAdmin.kind === "grant" && asAdmin.grant.scopes.sort()).toEqual([
      "Teams.ManageCalls",
      "Teams.ManageChats",
    ]);
    const asAlice = await decide(
      base({
        flow: "admin_consent",
        subject: { kind: "user", tenantId: alice.tenantId, objectId: alice.objectId },
      }),
      directory,
    );
    expect(asAlice.kind === "error" && asAlice.error.code).toBe("AADSTS90093");
  });

  it("requires a credential to refresh a confidential client's session (7000218, HTTP 401)", async () => {
    const { directory, base, app, tenant } = setup();
    const carol = tenant("contoso").users.find((u) => u.name === "carol")!;
    const backend = {
      clientId: app("contoso-backend").clientId,
      authority: tenant("contoso").id,
      channel: "token" as const,
      flow: "refresh_token" as const,
      subject: { kind: "user" as const, tenantId: carol.tenantId, objectId: carol.objectId },
    };
    const noSecret = await decide(base(backend), directory);
    expect(noSecret.kind === "error" && noSecret.error.code).toBe("AADSTS7000218");
    expect(noSecret.kind === "error" && noSecret.error.status).toBe(401);
  });

  it("refuses ROPC and client credentials on /common with 9001023 before anything else", async () => {
    const { directory, base } = setup();
    for (const flow of ["password", "client_credentials"] as const) {
      const decision = await decide(
        base({
          flow,
          channel: "token",
          authority: "common",
          clientId: "not-even-a-guid",
          subject: { kind: "app" },
        }),
        directory,
      );
      expect(decision.kind === "error" && decision.error.code).toBe("AADSTS9001023");
    }
  });
});
