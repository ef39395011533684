import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { tenantId, user } from "../support/modes.js";
import { rejection } from "../support/rest-error.js";
import { admin, ARM_WORLD, subscriptionId } from "./arm-support.js";

/*
 * Azure RBAC through Microsoft.Authorization, driven by @azure/arm-authorization as
 * `az role assignment create --role Contributor --scope <ACS resource id>` does it: the role definition
 * by name, then a role assignment with a new GUID. The assignment is the one the ACS data plane checks.
 */

const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const DENIED = { statusCode: 401, code: "Denied", message: "Denied by the resource provider." };

/** Dave signs in to the admin tool, which may also call the ACS data plane for him. */
const WORLD = {
  ...ARM_WORLD,
  tenants: {
    ...ARM_WORLD.tenants,
    contoso: {
      ...ARM_WORLD.tenants.contoso,
      grants: [
        ...ARM_WORLD.tenants.contoso.grants,
        { client: "contoso-admin", resource: "acs-data-plane", scopes: ["user_impersonation"] },
      ],
    },
  },
  apps: {
    "contoso-admin": {
      ...ARM_WORLD.apps["contoso-admin"],
      requiredResourceAccess: { arm: ["user_impersonation"], "acs-data-plane": ["user_impersonation"] },
    },
  },
};

describe("Microsoft.Authorization through @azure/arm-authorization (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept", world: WORLD });
  const acs = () => sb.descriptor.acs.find((a) => a.name === "contoso-acs")!;
  const authorization = (credential: TokenCredential) =>
    new AuthorizationManagementClient(credential, subscriptionId(sb, "contoso"));
  const identity = (credential: TokenCredential) =>
    new CommunicationIdentityClient(acs().endpoint, credential);

  it("finds Contributor by name as `az role assignment create --role Contributor` does", async () => {
    const found = [];
    const scope = acs().armId;
    for await (const d of authorization(admin(sb, "contoso", "carol")).roleDefinitions.list(scope, {
      filter: "roleName eq 'Contributor'",
    })) {
      found.push(d);
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      name: CONTRIBUTOR,
      roleName: "Contributor",
      roleType: "BuiltInRole",
      id: `/subscriptions/${subscriptionId(sb, "contoso")}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
    });
  });

  it("Contributor on the resource lets a principal without a role call the Identity API with its token", async () => {
    const carol = authorization(admin(sb, "contoso", "carol"));
    const dave = admin(sb, "contoso", "dave");
    expect(await rejection(identity(dave).createUser())).toEqual(DENIED);

    // #region arm-role-assignment
    const name = randomUUID();
    const created = await carol.roleAssignments.create(acs().armId, name, {
      roleDefinitionId: `/subscriptions/${subscriptionId(sb, "contoso")}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      principalId: user(sb, "dave").objectId,
      principalType: "User",
    });
    // #endregion arm-role-assignment
    expect(created).toMatchObject({
      name,
      scope: acs().armId,
      principalId: user(sb, "dave").objectId,
      principalType: "User",
      id: `${acs().armId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    });

    const user1 = await identity(dave).createUser();
    expect(user1.communicationUserId).toMatch(/^8:acs:/);

    // The assignment is listed at the resource's scope, and inherited ones (carol's Owner) with it.
    const atScope = [];
    for await (const a of carol.roleAssignments.listForScope(acs().armId, { filter: "atScope()" }))
      atScope.push(a);
    expect(atScope.map((a) => a.principalId)).toEqual(
      expect.arrayContaining([user(sb, "dave").objectId, user(sb, "carol").objectId]),
    );

    // Deleting it takes the data plane's access away again.
    await carol.roleAssignments.delete(acs().armId, name);
    expect(await rejection(identity(dave).createUser())).toEqual(DENIED);
  });

  it("a Reader may not assign roles: AuthorizationFailed on roleAssignments/write", async () => {
    const backendScope = acs().armId;
    const rita = user(sb, "rita");
    const call = authorization(admin(sb, "contoso", "rita")).roleAssignments.create(
      backendScope,
      randomUUID(),
      {
        roleDefinitionId: `/subscriptions/${subscriptionId(sb, "contoso")}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        principalId: rita.objectId,
      },
    );
    expect(await rejection(call)).toEqual({
      statusCode: 403,
      code: "AuthorizationFailed",
      message: `The client '${rita.upn}' with object id '${rita.objectId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${backendScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    });
  });

  it("a Contoso token cannot see Fabrikam's subscription", async () => {
    const fabrikam = subscriptionId(sb, "fabrikam");
    const carol = admin(sb, "contoso", "carol");
    const call = new CommunicationServiceManagementClient(
      carol,
      fabrikam,
    ).communicationServices.listBySubscription();
    const contosoTenant = tenantId(sb, "contoso");
    const fabrikamTenant = tenantId(sb, "fabrikam");
    expect(await rejection(call.next())).toEqual({
      statusCode: 401,
      code: "InvalidAuthenticationTokenTenant",
      message: `The access token is from the wrong issuer 'https://sts.windows.net/${contosoTenant}/'. It must match the tenant 'https://sts.windows.net/${fabrikamTenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${fabrikamTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    });

    // `az account list`: Contoso's token lists Contoso's subscription only.
    const token = await carol.getToken("https://management.azure.com/.default");
    const response = await fetch("https://management.azure.com/subscriptions?api-version=2022-12-01", {
      headers: { authorization: `Bearer ${token!.token}` },
    });
    const body = (await response.json()) as { value: { subscriptionId: string; tenantId: string }[] };
    expect(body.value.map((s) => [s.subscriptionId, s.tenantId])).toEqual([
      [subscriptionId(sb, "contoso"), contosoTenant],
    ]);
  });
});

describe("ARM's answers to bad requests, as `az rest` sees them (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept", world: ARM_WORLD });
  const get = async (path: string, token?: string) => {
    const response = await fetch(`https://management.azure.com${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
  };
  const carolToken = async () =>
    (await admin(sb, "contoso", "carol").getToken("https://management.azure.com/.default"))!.token;

  it("no token: 401 AuthenticationFailed with ARM's challenge", async () => {
    const answer = await get("/subscriptions?api-version=2022-12-01");
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error: {
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    expect(answer.headers.get("www-authenticate")).toMatch(
      /^Bearer authorization_uri="https:\/\/login\.windows\.net\//,
    );
    expect(answer.headers.get("x-ms-correlation-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an api-version the provider does not serve: NoRegisteredProviderFound listing the supported ones", async () => {
    const armId = sb.descriptor.acs.find((a) => a.name === "contoso-acs")!.armId;
    const answer = await get(`${armId}?api-version=2099-01-01`, await carolToken());
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: "NoRegisteredProviderFound" } });
    expect((answer.body as { error: { message: string } }).error.message).toMatch(
      /^No registered resource provider found for location 'global' and API version '2099-01-01' for type 'communicationServices'\. The supported api-versions are '2025-09-01, .*2020-08-20.*'\. The supported locations are 'global'\.$/,
    );
  });

  it("an unknown subscription: 404 SubscriptionNotFound", async () => {
    const missing = "00000000-0000-0000-0000-000000000001";
    const answer = await get(
      `/subscriptions/${missing}/resourceGroups?api-version=2024-11-01`,
      await carolToken(),
    );
    expect(answer).toMatchObject({
      status: 404,
      body: {
        error: { code: "SubscriptionNotFound", message: `The subscription '${missing}' could not be found.` },
      },
    });
  });
});
