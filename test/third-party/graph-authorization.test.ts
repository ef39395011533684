import { UsernamePasswordCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { clientId, tenantId, user } from "../support/modes.js";
import { ACS_APP_ID, AZURE_CLI, graphAsApp, graphAsUser, graphFailure } from "./graph-support.js";

/*
 * Who may read and change the directory through Microsoft Graph: the token must be Graph's, current and
 * of the tenant it reads; a delegated change needs the scope and a directory role; an app-only call needs
 * the application permission; and no token reaches another tenant.
 */

const FORBIDDEN = {
  statusCode: 403,
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
};

async function rawGraph(path: string, token?: string) {
  const response = await fetch(`https://graph.microsoft.com/v1.0${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
}

describe("Microsoft Graph authorization (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept" });

  it("a user without a directory role reads /me but may not register an app: 403 Authorization_RequestDenied", async () => {
    const graph = graphAsUser(sb, "dave");
    const me = await graph.api("/me").get();
    expect(me).toMatchObject({ id: user(sb, "dave").objectId, userPrincipalName: user(sb, "dave").upn });
    expect(await graphFailure(graph.api("/applications").post({ displayName: "Dave's app" }))).toEqual(
      FORBIDDEN,
    );
    expect(await graphFailure(graph.api("/servicePrincipals").post({ appId: ACS_APP_ID }))).toEqual(
      FORBIDDEN,
    );
  });

  it("/me/memberOf lists the admin's Global Administrator role; a plain member has none", async () => {
    const roles = await graphAsUser(sb, "carol").api("/me/memberOf").get();
    expect(roles.value).toEqual([
      expect.objectContaining({
        "@odata.type": "#microsoft.graph.directoryRole",
        displayName: "Global Administrator",
        roleTemplateId: "62e90394-69f5-4237-9190-012177145e10",
      }),
    ]);
    expect((await graphAsUser(sb, "dave").api("/me/memberOf").get()).value).toEqual([]);
  });

  it("a Contoso token never reads Fabrikam: its users, service principals and organization stay out of reach", async () => {
    const graph = graphAsUser(sb, "carol");
    const alice = user(sb, "alice");
    const missing = await graphFailure(graph.api(`/users/${alice.objectId}`).get());
    expect(missing).toEqual({
      statusCode: 404,
      code: "Request_ResourceNotFound",
      message: `Resource '${alice.objectId}' does not exist or one of its queried reference-property objects are not present.`,
    });
    const orgs = await graph.api("/organization").get();
    expect(orgs.value.map((o: { id: string }) => o.id)).toEqual([tenantId(sb, "contoso")]);
    const users = await graph.api("/users").select("userPrincipalName").get();
    expect(users.value.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort()).toEqual([
      user(sb, "carol").upn,
      user(sb, "dave").upn,
    ]);
    const fabrikamPrincipals = await graphAsUser(sb, "admin")
      .api("/servicePrincipals")
      .filter(`appId eq '${clientId(sb, "contoso-teams")}'`)
      .get();
    const fabrikamSp = fabrikamPrincipals.value[0].id as string;
    expect((await graphFailure(graph.api(`/servicePrincipals/${fabrikamSp}`).get())).statusCode).toBe(404);
  });

  it("an app-only token needs the application permission: contoso-backend registers apps but may not grant consent", async () => {
    const graph = graphAsApp(sb, "contoso", "contoso-backend", "contoso-backend-secret");
    const created = await graph.api("/applications").post({ displayName: "Back end's helper" });
    expect(created).toMatchObject({ displayName: "Back end's helper", signInAudience: "AzureADMyOrg" });
    const grant = graph.api("/oauth2PermissionGrants").post({
      clientId: created.id,
      consentType: "AllPrincipals",
      resourceId: created.id,
      scope: "User.Read",
    });
    expect(await graphFailure(grant)).toEqual(FORBIDDEN);
    expect(await graphFailure(graph.api("/users").get())).toEqual(FORBIDDEN);
  });

  it("tokens Graph refuses: none, another audience, expired on the sandbox clock", async () => {
    const empty = await rawGraph("/me");
    expect(empty.status).toBe(401);
    expect(empty.body.error).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Access token is empty.",
    });
    expect(empty.body.error.innerError).toMatchObject({
      "request-id": expect.any(String),
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
    });

    const dave = user(sb, "dave");
    const credential = new UsernamePasswordCredential(
      tenantId(sb, "contoso"),
      AZURE_CLI,
      dave.upn,
      dave.password,
    );
    const arm = await credential.getToken("https://management.core.windows.net//.default");
    const wrongAudience = await rawGraph("/me", arm.token);
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.error).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid audience.",
    });

    const graphToken = await credential.getToken("https://graph.microsoft.com/.default");
    expect((await rawGraph("/me", graphToken.token)).status).toBe(200);
    sb.clock.advance("3h");
    try {
      const expired = await rawGraph("/me", graphToken.token);
      expect(expired.status).toBe(401);
      expect(expired.body.error).toMatchObject({
        code: "InvalidAuthenticationToken",
        message: "Lifetime validation failed, the token is expired.",
      });
    } finally {
      sb.clock.reset();
    }
  });
});

describe("Microsoft Graph on the sandbox's own origin (server mode)", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });

  it("serves /v1.0 paths beside Entra ID, with context URLs on that origin", async () => {
    const dave = user(sb, "dave");
    const credential = new UsernamePasswordCredential(
      tenantId(sb, "contoso"),
      AZURE_CLI,
      dave.upn,
      dave.password,
      {
        authorityHost: sb.descriptor.baseUrl,
        disableInstanceDiscovery: true,
      },
    );
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    const response = await fetch(`${sb.descriptor.baseUrl}/v1.0/me`, {
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      "@odata.context": `${sb.descriptor.baseUrl}/v1.0/$metadata#users/$entity`,
      id: dave.objectId,
    });
    const unknown = await fetch(`${sb.descriptor.baseUrl}/beta/unicorns`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("BadRequest");
  });
});
