import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { clientId, identityOptions, MODES, tenantId, user } from "../support/modes.js";
import { rejection } from "../support/rest-error.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Azure RBAC binds a role to one principal: a user's object id, or an app's service principal object id
 * in the resource's tenant. A token whose `appid` names an app with a role does not inherit it: neither a
 * user signed in through that app, nor the same multitenant app authenticated in another tenant.
 */

const WORLD = {
  extends: "default",
  tenants: {
    // Contoso's admin consented to its back end calling ACS on behalf of Contoso's users.
    contoso: {
      grants: [{ client: "contoso-backend", resource: "acs-data-plane", scopes: ["user_impersonation"] }],
    },
    // Fabrikam consented to Contoso's multitenant service: it holds a service principal of it too.
    fabrikam: { servicePrincipals: ["acs", "graph", "acs-data-plane", "contoso-teams", "contoso-service"] },
  },
  apps: {
    // The back end also allows public client flows, so a user can sign in to it by password (ROPC).
    "contoso-backend": {
      publicClientFlows: true,
      requiredResourceAccess: { "acs-data-plane": ["user_impersonation"] },
    },
    "contoso-service": {
      tenant: "contoso",
      signInAudience: "multitenant",
      secrets: [{ value: "contoso-service-secret" }],
    },
  },
  acs: {
    "contoso-acs": {
      // #region role-assignments
      roleAssignments: [
        { principal: "contoso-backend", role: "Contributor" },
        { principal: "contoso-service", role: "Contributor" },
        { principal: "contoso/carol", role: "Contributor" },
      ],
      // #endregion role-assignments
    },
  },
};

const DENIED = { statusCode: 401, code: "Denied", message: "Denied by the resource provider." };

describe.each(MODES)("RBAC on the Identity API (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: WORLD });

  const identity = (credential: TokenCredential) =>
    new CommunicationIdentityClient(sb.descriptor.acs[0]!.endpoint, credential);
  const service = (tenant: string) =>
    new ClientSecretCredential(
      tenantId(sb, tenant),
      clientId(sb, "contoso-service"),
      "contoso-service-secret",
      identityOptions(sb),
    );
  const signedIn = (name: string) =>
    new UsernamePasswordCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      user(sb, name).upn,
      user(sb, name).password,
      identityOptions(sb),
    );

  it("a multitenant app with a role, authenticated in the resource's tenant, is allowed", async () => {
    const created = await identity(service("contoso")).createUser();
    expect(created.communicationUserId).toMatch(/^8:acs:/);
  });

  it("the same app authenticated at the Fabrikam authority holds no role on Contoso's resource", async () => {
    const token = await service("fabrikam").getToken("https://communication.azure.com//.default");
    const claims = JSON.parse(Buffer.from(token!.token.split(".")[1]!, "base64url").toString()) as {
      tid: string;
      appid: string;
    };
    expect(claims).toMatchObject({ tid: tenantId(sb, "fabrikam"), appid: clientId(sb, "contoso-service") });
    expect(await rejection(identity(service("fabrikam")).createUser())).toEqual(DENIED);
    // The answer is Azure's Denied whatever failed; the journal says which check.
    expect(sb.requests({ code: "Denied" }).at(-1)!.reason).toBe("bearer: wrong-tenant");
  });

  it("a user without a role (dave) signed in through an app with a role is refused", async () => {
    expect(await rejection(identity(signedIn("dave")).createUser())).toEqual(DENIED);
    expect(sb.requests({ code: "Denied" }).at(-1)!.reason).toBe("bearer: no-role-assignment");
  });

  it("a user with a role (carol) signed in through the same app is allowed", async () => {
    const created = await identity(signedIn("carol")).createUserAndToken(["chat"]);
    expect(created.user.communicationUserId).toMatch(/^8:acs:/);
  });
});
