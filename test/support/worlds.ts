/**
 * A multitenant middle-tier API, `contoso-api`, that Fabrikam consented to: contoso-teams may call it,
 * and it may call ACS on behalf of the user (the on-behalf-of flow). `api` adds to contoso-api's
 * registration, `apps` adds other registrations.
 */
export function middleTierWorld(api: Record<string, unknown> = {}, apps: Record<string, unknown> = {}) {
  return {
    apps: {
      "contoso-api": {
        tenant: "contoso",
        secrets: [{ value: "contoso-api-secret" }],
        redirectUris: { web: ["https://contoso.example/api"] },
        exposedScopes: ["access_as_user"],
        ...api,
      },
      ...apps,
    },
    tenants: {
      fabrikam: {
        servicePrincipals: ["acs", "graph", "contoso-teams", "contoso-api"],
        grants: [
          { client: "contoso-teams", resource: "acs", scopes: ["Teams.ManageCalls", "Teams.ManageChats"] },
          { client: "contoso-teams", resource: "contoso-api", scopes: ["access_as_user"] },
          { client: "contoso-api", resource: "acs", scopes: ["Teams.ManageCalls", "Teams.ManageChats"] },
        ],
      },
    },
  };
}
