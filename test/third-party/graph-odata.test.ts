import { PageIterator } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { clientId, user } from "../support/modes.js";
import { ACS_APP_ID, graphAsUser, graphFailure } from "./graph-support.js";

/*
 * OData as the admin tools send it to Microsoft Graph: $filter (eq, startswith, any), $select, $top with
 * @odata.nextLink paging (followed by the SDK's PageIterator), $count with ConsistencyLevel: eventual.
 */

describe("Microsoft Graph OData query options (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept" });

  it("directoryObjects/getByIds types each id as `az role assignment` resolves principals; unknown ids are left out", async () => {
    const graph = graphAsUser(sb, "carol");
    const dave = user(sb, "dave");
    const backend = await graph.api(`/servicePrincipals(appId='${clientId(sb, "contoso-backend")}')`).get();
    const unknown = "00000000-0000-4000-8000-000000000000";
    // The body the Azure CLI sends (role/custom.py _get_object_stubs).
    const found = await graph.api("/directoryObjects/getByIds").post({
      ids: [dave.objectId, backend.id, unknown],
      types: ["user", "group", "servicePrincipal", "directoryObjectPartnerReference"],
    });
    expect(found["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#directoryObjects");
    expect(found.value).toEqual([
      expect.objectContaining({
        "@odata.type": "#microsoft.graph.user",
        id: dave.objectId,
        userPrincipalName: dave.upn,
      }),
      expect.objectContaining({
        "@odata.type": "#microsoft.graph.servicePrincipal",
        id: backend.id,
        servicePrincipalNames: expect.arrayContaining([clientId(sb, "contoso-backend")]),
      }),
    ]);
    // v1.0 gives users their default properties only.
    expect(found.value[0]).not.toHaveProperty("accountEnabled");
    const usersOnly = await graph
      .api("/directoryObjects/getByIds")
      .post({ ids: [dave.objectId, backend.id], types: ["User"] });
    expect(usersOnly.value.map((o: { id: string }) => o.id)).toEqual([dave.objectId]);
    expect(
      await graphFailure(graph.api("/directoryObjects/getByIds").post({ ids: "not a list" })),
    ).toMatchObject({ statusCode: 400, code: "Request_BadRequest" });
  });

  it("$filter with startswith and $select: Contoso's apps by name, only the selected properties", async () => {
    const graph = graphAsUser(sb, "carol");
    const page = await graph
      .api("/applications")
      .filter("startswith(displayName,'Contoso P')")
      .select("displayName,appId")
      .get();
    expect(page).toEqual({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(displayName,appId)",
      value: [{ displayName: "Contoso Phone", appId: clientId(sb, "contoso-phone") }],
    });
  });

  it("$filter with any() and eq finds a service principal by servicePrincipalNames, as `az ad sp show --id` does", async () => {
    const graph = graphAsUser(sb, "admin");
    const byName = await graph
      .api("/servicePrincipals")
      .filter(`servicePrincipalNames/any(c:c eq '${ACS_APP_ID}')`)
      .get();
    const byAppId = await graph.api(`/servicePrincipals(appId='${ACS_APP_ID}')`).get();
    expect(byName.value).toHaveLength(1);
    expect(byName.value[0].id).toBe(byAppId.id);
    expect(byAppId["@odata.context"]).toBe(
      "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
    );
    const byUri = await graph
      .api("/servicePrincipals")
      .filter(
        "servicePrincipalNames/any(c:c eq 'https://graph.microsoft.com') and servicePrincipalType eq 'Application'",
      )
      .select("appId")
      .get();
    expect(byUri.value).toEqual([{ appId: "00000003-0000-0000-c000-000000000000" }]);
  });

  it("$top pages with @odata.nextLink; the SDK's PageIterator follows it through every page", async () => {
    const graph = graphAsUser(sb, "carol");
    const first = await graph.api("/applications").top(1).select("appId").get();
    expect(first.value).toHaveLength(1);
    expect(first["@odata.nextLink"]).toMatch(
      /^https:\/\/graph\.microsoft\.com\/v1\.0\/applications\?\$top=1&\$select=appId&\$skiptoken=/,
    );
    const seen: string[] = [];
    await new PageIterator(graph, first, (app: { appId: string }) => {
      seen.push(app.appId);
      return true;
    }).iterate();
    expect(seen.sort()).toEqual(
      ["contoso-teams", "contoso-backend", "contoso-phone", "contoso-calling"]
        .map((a) => clientId(sb, a))
        .sort(),
    );
  });

  it("$count needs ConsistencyLevel: eventual, as for every directory object", async () => {
    const graph = graphAsUser(sb, "admin");
    const counted = await graph.api("/users").header("ConsistencyLevel", "eventual").count(true).top(1).get();
    expect(counted["@odata.count"]).toBe(3);
    expect(counted.value).toHaveLength(1);
    expect(await graphFailure(graph.api("/users").count(true).get())).toEqual({
      statusCode: 400,
      code: "Request_BadRequest",
      message: "$count is not currently supported.",
    });
  });

  it("users by UPN, with the licence the Teams exchange depends on", async () => {
    const graph = graphAsUser(sb, "admin");
    const alice = await graph
      .api(`/users/${user(sb, "alice").upn}`)
      .select("id,assignedLicenses")
      .get();
    expect(alice).toMatchObject({
      id: user(sb, "alice").objectId,
      assignedLicenses: [expect.objectContaining({ skuId: expect.any(String) })],
    });
    const bob = await graph.api(`/users/${user(sb, "bob").objectId}/licenseDetails`).get();
    expect(bob.value).toEqual([]);
    const details = await graph.api(`/users/${user(sb, "alice").objectId}/licenseDetails`).get();
    expect(details.value[0].servicePlans).toContainEqual(
      expect.objectContaining({ servicePlanName: "TEAMS1" }),
    );
  });

  it("filters it cannot read are Graph's 400 Request_BadRequest, naming what is wrong", async () => {
    const graph = graphAsUser(sb, "admin");
    const syntax = await graphFailure(graph.api("/applications").filter("displayName eq").get());
    expect(syntax).toMatchObject({ statusCode: 400, code: "Request_BadRequest" });
    expect(syntax.message).toMatch(/^Invalid filter clause/);
    const property = await graphFailure(graph.api("/users").filter("officeLocation eq 'Oslo'").get());
    expect(property).toEqual({
      statusCode: 400,
      code: "Request_BadRequest",
      message:
        "Unsupported or invalid query filter clause specified for property 'officeLocation' of resource 'users'.",
    });
  });

  it("a path Graph has no resource for: 400 BadRequest naming the segment", async () => {
    const graph = graphAsUser(sb, "admin");
    expect(await graphFailure(graph.api("/unicorns").get())).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "Resource not found for the segment 'unicorns'.",
    });
  });
});
