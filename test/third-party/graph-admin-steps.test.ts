import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, user } from "../support/modes.js";
import {
  ACS_SCOPES,
  claimsOf,
  confidentialClient,
  msalFailure,
  publicClient,
  signInWithPassword,
} from "./entra-support.js";
import { ACS_APP_ID, graphAsUser, graphFailure } from "./graph-support.js";

/*
 * The quickstart's admin steps done as administrators do them, with the Microsoft Graph SDK signed in
 * through the Azure CLI's client id, and their effect seen by the real MSAL and ACS clients: what failed
 * before the step (AADSTS500011, AADSTS65001) works after it.
 */

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/** Graph's id of a service principal in the caller's tenant, found as `az ad sp show --id` finds it. */
async function servicePrincipalId(graph: ReturnType<typeof graphAsUser>, appId: string): Promise<string> {
  const found = (await graph
    .api("/servicePrincipals")
    .filter(`servicePrincipalNames/any(c:c eq '${appId}')`)
    .get()) as {
    value: { id: string }[];
  };
  return found.value[0]!.id;
}

describe("the quickstart's admin steps through Microsoft Graph (intercept mode)", () => {
  it("step 7: Fabrikam's admin creates the ACS service principal; alice's sign-in and Teams exchange then work", async () => {
    sb = await startSandbox({
      mode: "intercept",
      world: { tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams", "contoso-phone"] } } },
    });
    const before = await msalFailure(signInWithPassword(sb, { user: "alice" }));
    expect(before).toMatchObject({ errorCode: "invalid_resource", errorNo: "500011" });

    const graph = graphAsUser(sb, "admin");
    // #region graph-create-service-principal
    const created = await graph.api("/servicePrincipals").post({ appId: ACS_APP_ID });
    // #endregion graph-create-service-principal
    expect(created).toMatchObject({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
      appId: ACS_APP_ID,
      displayName: "Azure Communication Services",
      servicePrincipalType: "Application",
    });
    expect(created.oauth2PermissionScopes.map((s: { value: string }) => s.value)).toEqual(
      expect.arrayContaining(["Teams.ManageCalls", "Teams.ManageChats"]),
    );

    const alice = user(sb, "alice");
    const result = (await signInWithPassword(sb, { user: "alice" }))!;
    expect(claimsOf(result.accessToken).oid).toBe(alice.objectId);
    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const teams = await identity.getTokenForTeamsUser({
      teamsUserAadToken: result.accessToken,
      clientId: clientId(sb, "contoso-teams"),
      userObjectId: alice.objectId,
    });
    expect(teams.token.split(".")).toHaveLength(3);

    // The principal Graph created is the one the directory uses: a second create is refused as Graph refuses it.
    const again = await graphFailure(graph.api("/servicePrincipals").post({ appId: ACS_APP_ID }));
    expect(again).toEqual({
      statusCode: 409,
      code: "Request_MultipleObjectsWithSameKeyValue",
      message: `The service principal cannot be created, updated, or restored because the service principal name ${ACS_APP_ID} is already in use.`,
    });
  });

  it("step 8: the admin grants consent (oauth2PermissionGrant); the ROPC sign-in that failed with 65001 succeeds", async () => {
    sb = await startSandbox({
      mode: "intercept",
      world: { tenants: { fabrikam: { grants: [] } } },
    });
    expect(await msalFailure(signInWithPassword(sb, { user: "alice" }))).toMatchObject({ errorNo: "65001" });

    const graph = graphAsUser(sb, "admin");
    // #region graph-grant-consent
    const client = await servicePrincipalId(graph, clientId(sb, "contoso-teams"));
    const resource = await servicePrincipalId(graph, ACS_APP_ID);
    const grant = await graph.api("/oauth2PermissionGrants").post({
      clientId: client,
      consentType: "AllPrincipals",
      resourceId: resource,
      scope: "Teams.ManageCalls Teams.ManageChats",
    });
    // #endregion graph-grant-consent
    expect(grant).toMatchObject({
      clientId: client,
      resourceId: resource,
      consentType: "AllPrincipals",
      principalId: null,
    });

    const signedIn = (await signInWithPassword(sb, { user: "alice" }))!;
    expect(String(claimsOf(signedIn.accessToken).scp).split(" ").sort()).toEqual([
      "Teams.ManageCalls",
      "Teams.ManageChats",
    ]);

    const listed = await graph.api("/oauth2PermissionGrants").filter(`clientId eq '${client}'`).get();
    expect(listed.value).toEqual([
      expect.objectContaining({ id: grant.id, scope: "Teams.ManageCalls Teams.ManageChats" }),
    ]);

    // Narrowing the grant narrows the next token; deleting it brings 65001 back.
    await graph.api(`/oauth2PermissionGrants/${grant.id}`).patch({ scope: "Teams.ManageCalls" });
    const narrowed = (await publicClient(sb, "fabrikam").acquireTokenByUsernamePassword({
      username: user(sb, "alice").upn,
      password: user(sb, "alice").password,
      scopes: [ACS_SCOPES[0]!],
    }))!;
    expect(claimsOf(narrowed.accessToken).scp).toBe("Teams.ManageCalls");
    await graph.api(`/oauth2PermissionGrants/${grant.id}`).delete();
    expect(await msalFailure(signInWithPassword(sb, { user: "alice" }))).toMatchObject({ errorNo: "65001" });
  });

  it("steps 1-4: Contoso's admin registers an app with the ACS permissions and public client flows; dave signs in to it", async () => {
    sb = await startSandbox({ mode: "intercept" });
    const graph = graphAsUser(sb, "carol");
    // #region graph-register-app
    const app = await graph.api("/applications").post({
      displayName: "Contoso Admin Tool",
      signInAudience: "AzureADMultipleOrgs",
      isFallbackPublicClient: true,
      publicClient: { redirectUris: ["http://localhost"] },
      requiredResourceAccess: [
        {
          resourceAppId: ACS_APP_ID,
          resourceAccess: [
            { id: "de8ec1df-066a-4817-bc5d-9a985b986262", type: "Scope" },
            { id: "6290af7f-b407-49f9-92d5-bf584fdc4019", type: "Scope" },
          ],
        },
      ],
    });
    // #endregion graph-register-app
    expect(app).toMatchObject({
      displayName: "Contoso Admin Tool",
      signInAudience: "AzureADMultipleOrgs",
      isFallbackPublicClient: true,
      publisherDomain: "contoso.onmicrosoft.com",
      publicClient: { redirectUris: ["http://localhost"] },
    });
    const read = await graph.api(`/applications(appId='${app.appId}')`).get();
    expect(read.requiredResourceAccess).toEqual(app.requiredResourceAccess);
    expect(read.id).toBe(app.id);

    // As with `az ad app create`, the app has no service principal until one is created.
    // #region graph-consent-own-app
    const sp = await graph.api("/servicePrincipals").post({ appId: app.appId });
    await graph.api("/oauth2PermissionGrants").post({
      clientId: sp.id,
      consentType: "AllPrincipals",
      resourceId: await servicePrincipalId(graph, ACS_APP_ID),
      scope: "Teams.ManageCalls Teams.ManageChats",
    });
    // #endregion graph-consent-own-app
    const dave = user(sb, "dave");
    const token = (await publicClient(sb, "contoso", app.appId).acquireTokenByUsernamePassword({
      username: dave.upn,
      password: dave.password,
      scopes: ACS_SCOPES,
    }))!;
    expect(claimsOf(token.accessToken)).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      appid: app.appId,
      oid: dave.objectId,
      app_displayname: "Contoso Admin Tool",
    });
  });

  it("an app secret added through Graph (addPassword) signs the app in; removePassword revokes it", async () => {
    sb = await startSandbox({ mode: "intercept" });
    const graph = graphAsUser(sb, "carol");
    const backend = await graph.api(`/applications(appId='${clientId(sb, "contoso-backend")}')`).get();
    const added = await graph
      .api(`/applications/${backend.id}/addPassword`)
      .post({ passwordCredential: { displayName: "ci" } });
    expect(added).toMatchObject({ displayName: "ci", hint: added.secretText.slice(0, 3) });
    const app = confidentialClient(sb, "contoso", "contoso-backend", added.secretText);
    const token = (await app.acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    }))!;
    expect(claimsOf(token.accessToken).roles).toEqual(["Application.ReadWrite.All"]);
    const listed = await graph.api(`/applications/${backend.id}`).select("passwordCredentials").get();
    expect(listed.passwordCredentials).toContainEqual(
      expect.objectContaining({ keyId: added.keyId, secretText: null }),
    );
    await graph.api(`/applications/${backend.id}/removePassword`).post({ keyId: added.keyId });
    const refused = await msalFailure(
      confidentialClient(sb, "contoso", "contoso-backend", added.secretText).acquireTokenByClientCredential({
        scopes: ["https://graph.microsoft.com/.default"],
      }),
    );
    expect(refused.errorNo).toBe("7000215");
  });
});
