import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../harness/runner/scenario.js";
import { SCENARIOS_DIR } from "../../harness/sandbox/paths.js";
import { defaultWorld, parseWorld, WorldError, type World } from "../../harness/sandbox/world.js";
import { renderGraphDocuments, tenantAsGraph } from "../../harness/tenant-import/export-graph.js";
import { grantId } from "../../mock-aad/graph/ids.js";
import { importTenant, ImportError, PasteError, renderWorldFile } from "../../harness/tenant-import/index.js";
import { readPastedDocuments } from "../../harness/tenant-import/paste.js";
import { kindOf } from "../../harness/tenant-import/recognise.js";
import { TEAMS_SERVICE_PLAN_ID } from "../../harness/tenant-import/teams-licences.js";

/*
 * From a customer's tenant to a world: pasted az/Graph JSON is read, each object recognised, mapped onto
 * the world schema with its ids, and the world's directory exported as Graph JSON imports back to an
 * equivalent world.
 */

const TICKET = join(SCENARIOS_DIR, "tickets", "missing-service-principal");
const ticketFile = (name: string) => ({ file: name, text: readFileSync(join(TICKET, name), "utf8") });
const ACS_APP_ID = "1fd5118e-2576-4263-8130-9503064c837a";

/** A Graph application as `az ad app show` prints it (field set of the CLI's recordings), trimmed. */
function application(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "0b0b0b0b-0000-4000-8000-000000000001",
    appId: "a1a1a1a1-0000-4000-8000-000000000001",
    displayName: "Contoso Teams",
    isFallbackPublicClient: null,
    publisherDomain: "contoso.onmicrosoft.com",
    signInAudience: "AzureADMultipleOrgs",
    publicClient: { redirectUris: [] },
    web: { redirectUris: [] },
    spa: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    ...overrides,
  };
}

function importJson(...documents: unknown[]) {
  return importTenant([{ file: "pasted.json", text: documents.map((d) => JSON.stringify(d)).join("\n") }]);
}

type Doc = {
  tenants: Record<string, Record<string, unknown> & { users?: Record<string, Record<string, unknown>> }>;
  apps: Record<string, Record<string, unknown>>;
};
const doc = (result: { document: Record<string, unknown> }) => result.document as unknown as Doc;

describe("reading what was pasted", () => {
  it("reads several documents with their az command lines and a trailing prompt", () => {
    const text = [
      "$ az ad sp list --filter \"appId eq '1fd5118e-2576-4263-8130-9503064c837a'\"",
      "[]",
      "PS C:\\Users\\admin> az ad user show --id alice@fabrikam.onmicrosoft.com",
      '{ "userPrincipalName": "alice@fabrikam.onmicrosoft.com", "note": "braces } in [ strings" }',
      "admin@host:~$",
    ].join("\n");
    const docs = readPastedDocuments(text, "ticket.txt");
    expect(docs.map((d) => [d.line, d.command])).toEqual([
      [2, "az ad sp list --filter \"appId eq '1fd5118e-2576-4263-8130-9503064c837a'\""],
      [4, "az ad user show --id alice@fabrikam.onmicrosoft.com"],
    ]);
    expect(docs[1]!.value).toMatchObject({ note: "braces } in [ strings" });
  });

  it("names the file and line of free text, unclosed and invalid JSON", () => {
    const error = (text: string) => {
      try {
        readPastedDocuments(text, "t.txt");
      } catch (err) {
        expect(err).toBeInstanceOf(PasteError);
        return (err as Error).message;
      }
      throw new Error("no error");
    };
    expect(error('{"a": 1}\nThe app still fails, please help')).toMatch(
      /^t\.txt:2: expected JSON as the Azure CLI or Microsoft Graph prints it .* found "The app still fails, please help"$/,
    );
    expect(error('\n\n{"value": [\n  {"a": 1}\n')).toBe("t.txt:3: this JSON object is never closed");
    expect(error('{\n  "a": 1,\n  "b" 1\n}')).toBe(
      "t.txt:3: not valid JSON: Unexpected number in JSON at position 18",
    );
    expect(error('$ az ad app show\n{\n  "b": tru\n}')).toMatch(
      /^t\.txt:2: not valid JSON \(in the JSON starting here\): Unexpected token/,
    );
    expect(error("")).toMatch(/^t\.txt: no JSON found/);
  });

  it("recognises each Graph object by the properties Graph gives it", () => {
    expect(kindOf(application())).toBe("application");
    expect(kindOf({ appId: "x", servicePrincipalType: "Application", signInAudience: "AzureADMyOrg" })).toBe(
      "servicePrincipal",
    );
    expect(kindOf({ clientId: "c", consentType: "AllPrincipals", scope: "User.Read" })).toBe(
      "oauth2PermissionGrant",
    );
    expect(kindOf({ userPrincipalName: "alice@fabrikam.onmicrosoft.com" })).toBe("user");
    expect(kindOf({ id: "t", verifiedDomains: [] })).toBe("organization");
    expect(kindOf({ tenantId: "t", environmentName: "AzureCloud" })).toBe("account");
    expect(kindOf({ name: "something else" })).toBeUndefined();
  });

  it("refuses an object that is none of them, naming the file, line and its keys", () => {
    expect(() => importTenant([{ file: "x.json", text: '\n{"name": "rg", "location": "westus"}' }])).toThrow(
      "x.json:2: expected an application, service principal, oauth2PermissionGrant, appRoleAssignment, user or organization as az/Graph print them; found an object with keys name, location",
    );
  });
});

describe("mapping onto the world", () => {
  it("maps the sign-in audience, public client flows, redirect URIs and verified publisher", () => {
    const result = importJson({
      value: [
        application({
          signInAudience: "AzureADMyOrg",
          isFallbackPublicClient: true,
          publicClient: { redirectUris: ["http://localhost"] },
          web: { redirectUris: ["https://contoso.example/auth"] },
          spa: { redirectUris: ["https://contoso.example/spa"] },
          verifiedPublisher: { displayName: "Contoso", verifiedPublisherId: "1234567", addedDateTime: null },
        }),
        application({
          appId: "a1a1a1a1-0000-4000-8000-000000000002",
          displayName: "Contoso Personal",
          signInAudience: "AzureADandPersonalMicrosoftAccount",
        }),
      ],
    });
    expect(doc(result).apps["contoso-teams"]).toEqual({
      tenant: "contoso",
      clientId: "a1a1a1a1-0000-4000-8000-000000000001",
      displayName: "Contoso Teams",
      signInAudience: "single",
      publicClientFlows: true,
      redirectUris: {
        publicClient: ["http://localhost"],
        web: ["https://contoso.example/auth"],
        spa: ["https://contoso.example/spa"],
      },
      verifiedPublisher: true,
    });
    expect(doc(result).apps["contoso-personal"]).toMatchObject({
      signInAudience: "multitenant",
      publicClientFlows: false,
    });
    expect(result.warnings).toContainEqual(expect.stringContaining("personal Microsoft accounts"));
    expect(doc(result).tenants.contoso).toMatchObject({ domain: "contoso.onmicrosoft.com" });
  });

  it("names required scopes and application permissions by their real ids, keeping unknown ids with a warning", () => {
    const result = importJson(
      application({
        requiredResourceAccess: [
          {
            resourceAppId: ACS_APP_ID,
            resourceAccess: [
              { id: "de8ec1df-066a-4817-bc5d-9a985b986262", type: "Scope" },
              { id: "6290af7f-b407-49f9-92d5-bf584fdc4019", type: "Scope" },
              { id: "99999999-0000-4000-8000-000000000000", type: "Scope" },
              { id: "88888888-0000-4000-8000-000000000000", type: "Role" },
            ],
          },
          {
            // What the portal adds to every registration (User.Read), an application permission
            // (User.Read.All) and a Graph scope the sandbox does not model (Mail.Read).
            resourceAppId: "00000003-0000-0000-c000-000000000000",
            resourceAccess: [
              { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" },
              { id: "df021288-bdef-4463-88db-98f22de89214", type: "Role" },
              { id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" },
            ],
          },
          {
            resourceAppId: "77777777-0000-4000-8000-000000000000",
            resourceAccess: [{ id: "66666666-0000-4000-8000-000000000000", type: "Scope" }],
          },
        ],
      }),
    );
    expect(doc(result).apps["contoso-teams"]!.requiredResourceAccess).toEqual({
      acs: ["Teams.ManageCalls", "Teams.ManageChats", "99999999-0000-4000-8000-000000000000"],
      graph: ["User.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca"],
    });
    expect(doc(result).apps["contoso-teams"]!.requiredAppRoles).toEqual({
      acs: ["88888888-0000-4000-8000-000000000000"],
      graph: ["User.Read.All"],
    });
    const warnings = result.warnings.join("\n");
    expect(warnings).toContain("scope 99999999-0000-4000-8000-000000000000 of acs, unknown to the sandbox");
    expect(warnings).toContain(
      "application permission 88888888-0000-4000-8000-000000000000 of acs, unknown to the sandbox",
    );
    expect(warnings).toContain(
      "scope 570282fd-fa5c-430d-a7fd-fc8dc98a9dca of graph, unknown to the sandbox (it models Microsoft Graph's permissions",
    );
    expect(warnings).not.toContain("e1fe6dd8");
    expect(warnings).not.toContain("df021288");
    // The world validates, and Graph's application permission resolves to its real id.
    const app = parseWorld(result.document).directory.apps.find((a) => a.name === "contoso-teams")!;
    expect(app.requiredResourceAccess.find((r) => r.resourceAppId.startsWith("00000003"))!.roles).toEqual([
      "User.Read.All",
    ]);
    expect(result.warnings.join("\n")).toContain("77777777-0000-4000-8000-000000000000, an API the sandbox");
    // An app asking for ACS scopes gets its home tenant a Communication Services resource.
    expect(result.document.acs).toEqual({ "contoso-acs": { tenant: "contoso" } });
  });

  it("keeps grants: AllPrincipals tenant-wide, Principal for the user, resolved through service principal ids", () => {
    const result = importJson(
      {
        tenantId: "fab00000-0000-4000-8000-000000000001",
        environmentName: "AzureCloud",
        tenantDefaultDomain: "fabrikam.onmicrosoft.com",
      },
      application(),
      {
        value: [
          {
            id: "5b000000-0000-4000-8000-000000000001",
            appId: "a1a1a1a1-0000-4000-8000-000000000001",
            servicePrincipalType: "Application",
            displayName: "Contoso Teams",
          },
          {
            id: "5b000000-0000-4000-8000-000000000002",
            appId: ACS_APP_ID,
            servicePrincipalType: "Application",
            displayName: "Azure Communication Services",
            appOwnerOrganizationId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
          },
        ],
      },
      {
        userPrincipalName: "alice@fabrikam.onmicrosoft.com",
        id: "a11ce000-0000-4000-8000-000000000001",
        displayName: "Alice",
      },
      [
        {
          clientId: "5b000000-0000-4000-8000-000000000001",
          consentType: "AllPrincipals",
          principalId: null,
          resourceId: "5b000000-0000-4000-8000-000000000002",
          scope: "Teams.ManageCalls Teams.ManageChats",
        },
        {
          clientId: "5b000000-0000-4000-8000-000000000001",
          consentType: "Principal",
          principalId: "a11ce000-0000-4000-8000-000000000001",
          resourceId: "5b000000-0000-4000-8000-000000000002",
          scope: " Teams.ManageCalls ",
        },
      ],
    );
    const fabrikam = doc(result).tenants.fabrikam!;
    expect(fabrikam).toMatchObject({
      id: "fab00000-0000-4000-8000-000000000001",
      servicePrincipals: ["contoso-teams", "acs"],
      grants: [
        { client: "contoso-teams", resource: "acs", scopes: ["Teams.ManageCalls", "Teams.ManageChats"] },
        { client: "contoso-teams", resource: "acs", scopes: ["Teams.ManageCalls"], user: "alice" },
      ],
    });
    expect(fabrikam.users).toEqual({
      alice: { objectId: "a11ce000-0000-4000-8000-000000000001", displayName: "Alice" },
    });
    // The world validates and keeps the ids.
    const world = parseWorld(result.document);
    expect(world.directory.tenants.find((t) => t.name === "fabrikam")!.grants[1]!.principalId).toBe(
      "a11ce000-0000-4000-8000-000000000001",
    );
  });

  it("reads Teams licences from assignedLicenses and assignedPlans, and says when it had to assume one", () => {
    const user = (name: string, extra: Record<string, unknown>) => ({
      userPrincipalName: `${name}@fabrikam.onmicrosoft.com`,
      ...extra,
    });
    const result = importJson([
      user("e3", {
        assignedLicenses: [{ skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", disabledPlans: [] }],
      }),
      user("e3noteams", {
        assignedLicenses: [
          { skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", disabledPlans: [TEAMS_SERVICE_PLAN_ID] },
        ],
      }),
      user("p1only", {
        assignedLicenses: [{ skuId: "078d2b04-f1bd-4111-bbd4-b4b1b354cef4", disabledPlans: [] }],
      }),
      user("plans", {
        assignedPlans: [{ servicePlanId: TEAMS_SERVICE_PLAN_ID, capabilityStatus: "Enabled" }],
      }),
      user("unknown", {}),
      user("disabled", { accountEnabled: false, assignedLicenses: [] }),
    ]);
    const users = doc(result).tenants.fabrikam!.users!;
    expect(Object.fromEntries(Object.entries(users).map(([n, u]) => [n, u.teamsLicense]))).toEqual({
      e3: true,
      e3noteams: false,
      p1only: false,
      plans: true,
      unknown: undefined,
      disabled: false,
    });
    expect(users.disabled!.enabled).toBe(false);
    expect(result.assumed).toContain(
      "fabrikam/unknown has a Teams licence (the JSON lists no assignedLicenses)",
    );
  });

  it("imports the ticket: ids kept, the ACS service principal absent from Fabrikam, defaults said", () => {
    const result = importTenant([ticketFile("contoso-app.txt"), ticketFile("fabrikam.txt")]);
    // The world lists what was pasted; Microsoft Graph, Azure Service Management and Microsoft's client
    // apps are in every tenant without being listed.
    expect(doc(result).tenants.fabrikam!.servicePrincipals).toEqual(["contoso-teams"]);
    const world = parseWorld(result.document);
    const fabrikam = world.directory.tenants.find((t) => t.name === "fabrikam")!;
    expect(fabrikam.id).toBe("fab00000-0000-4000-8000-0000000fab01");
    expect(fabrikam.servicePrincipals.map((sp) => sp.appId).sort()).toEqual([
      "00000003-0000-0000-c000-000000000000", // Microsoft Graph
      "04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Microsoft Azure CLI
      "14d82eec-204b-4c2f-b7e8-296a70dab67e", // Microsoft Graph Command Line Tools
      "1950a258-227b-4e31-a9cf-717495945fc2", // Microsoft Azure PowerShell
      "797f4846-ba00-4fd7-ba43-dac1f8f63013", // Windows Azure Service Management API
      "a1a1a1a1-0000-4000-8000-00000000c0de", // Contoso Teams, as pasted
    ]);
    expect(fabrikam.servicePrincipals.map((sp) => sp.appId)).not.toContain(ACS_APP_ID);
    // The portal's default Graph permission and the ACS scopes, all named by their real ids: no warning.
    expect(doc(result).apps["contoso-teams"]!.requiredResourceAccess).toEqual({
      graph: ["User.Read"],
      acs: ["Teams.ManageCalls", "Teams.ManageChats"],
    });
    expect(result.warnings).toEqual([]);
    expect(fabrikam.users[0]).toMatchObject({
      name: "alice",
      objectId: "a11ce000-0000-4000-8000-0000000fab21",
      upn: "alice@fabrikam.onmicrosoft.com",
    });
    // The Contoso tenant's id comes from the app's service principal in Fabrikam (appOwnerOrganizationId).
    expect(world.directory.tenants.find((t) => t.name === "contoso")!.id).toBe(
      "c0c0c0c0-0000-4000-8000-0000000c0c01",
    );
    expect(result.found).toContain(
      `no service principal of Azure Communication Services (${ACS_APP_ID}) in fabrikam, from fabrikam.txt:19`,
    );
    const text = renderWorldFile(result, ["contoso-app.txt", "fabrikam.txt"]);
    expect(text).toMatch(/^# A world imported by `acs-sandbox import`/);
    expect(text).toContain("# Sandbox defaults, because the JSON cannot tell:");
    expect(text).toContain("#   - users' passwords are the sandbox default Passw0rd!");
  });

  it("asks which tenant holds service principals when more than one could", () => {
    expect(() =>
      importJson(
        { userPrincipalName: "alice@fabrikam.onmicrosoft.com" },
        { userPrincipalName: "erin@northwind.onmicrosoft.com" },
        {
          id: "5b000000-0000-4000-8000-000000000002",
          appId: ACS_APP_ID,
          servicePrincipalType: "Application",
        },
      ),
    ).toThrow(ImportError);
    const named = importTenant(
      [{ file: "sp.json", text: JSON.stringify({ appId: ACS_APP_ID, servicePrincipalType: "Application" }) }],
      { customerTenant: "northwind" },
    );
    expect(doc(named).tenants.northwind!.servicePrincipals).toEqual(["acs"]);
  });

  it("keeps app role assignments, an API's own permission ids and who holds a directory role", () => {
    const api = application({
      appId: "a1a1a1a1-0000-4000-8000-0000000000a9",
      displayName: "Contoso API",
      identifierUris: ["api://contoso-api"],
      api: {
        oauth2PermissionScopes: [
          {
            id: "5c000000-0000-4000-8000-000000000001",
            value: "Calls.Manage",
            type: "Admin",
            adminConsentDisplayName: "Manage calls",
          },
        ],
      },
      appRoles: [
        {
          id: "a0000000-0000-4000-8000-000000000001",
          value: "Calls.Export",
          displayName: "Export calls",
          description: "Export calls",
          allowedMemberTypes: ["Application"],
        },
      ],
    });
    const sp = (id: string, appId: string, displayName: string) => ({
      id,
      appId,
      displayName,
      servicePrincipalType: "Application",
    });
    const result = importTenant([
      {
        file: "contoso.txt",
        text: [
          JSON.stringify({
            id: "c0c00000-0000-4000-8000-000000000001",
            verifiedDomains: [{ name: "contoso.onmicrosoft.com", isDefault: true }],
          }),
          JSON.stringify({
            value: [
              application({
                requiredResourceAccess: [
                  {
                    resourceAppId: api.appId,
                    resourceAccess: [{ id: "a0000000-0000-4000-8000-000000000001", type: "Role" }],
                  },
                ],
              }),
              api,
            ],
          }),
          JSON.stringify([
            sp(
              "5b000000-0000-4000-8000-000000000001",
              "a1a1a1a1-0000-4000-8000-000000000001",
              "Contoso Teams",
            ),
            sp("5b000000-0000-4000-8000-000000000002", String(api.appId), "Contoso API"),
            sp(
              "5b000000-0000-4000-8000-000000000003",
              "00000003-0000-0000-c000-000000000000",
              "Microsoft Graph",
            ),
          ]),
          // GET /servicePrincipals/{id}/appRoleAssignments
          JSON.stringify({
            "@odata.context":
              "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('5b000000-0000-4000-8000-000000000001')/appRoleAssignments",
            value: [
              {
                appRoleId: "a0000000-0000-4000-8000-000000000001",
                principalId: "5b000000-0000-4000-8000-000000000001",
                principalType: "ServicePrincipal",
                resourceId: "5b000000-0000-4000-8000-000000000002",
              },
              {
                appRoleId: "df021288-bdef-4463-88db-98f22de89214",
                principalId: "5b000000-0000-4000-8000-000000000001",
                principalType: "ServicePrincipal",
                resourceId: "5b000000-0000-4000-8000-000000000003",
              },
            ],
          }),
          JSON.stringify({
            userPrincipalName: "carol@contoso.onmicrosoft.com",
            id: "ca000000-0000-4000-8000-000000000001",
          }),
          `$ az rest --url "https://graph.microsoft.com/v1.0/directoryRoles(roleTemplateId='62e90394-69f5-4237-9190-012177145e10')/members"`,
          JSON.stringify({
            value: [
              {
                "@odata.type": "#microsoft.graph.user",
                userPrincipalName: "carol@contoso.onmicrosoft.com",
                id: "ca000000-0000-4000-8000-000000000001",
              },
            ],
          }),
          `$ az rest --url "https://graph.microsoft.com/v1.0/directoryRoles(roleTemplateId='9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3')/members"`,
          JSON.stringify({
            value: [
              {
                "@odata.type": "#microsoft.graph.user",
                userPrincipalName: "carol@contoso.onmicrosoft.com",
                id: "ca000000-0000-4000-8000-000000000001",
              },
            ],
          }),
        ].join("\n"),
      },
    ]);
    const contoso = doc(result).tenants.contoso!;
    // Graph's and the apps' own service principals are there without being listed.
    expect(contoso.servicePrincipals).toBeUndefined();
    expect(contoso.appRoleAssignments).toEqual([
      { client: "contoso-teams", resource: "contoso-api", roles: ["Calls.Export"] },
      { client: "contoso-teams", resource: "graph", roles: ["User.Read.All"] },
    ]);
    expect(contoso.users).toEqual({
      carol: {
        objectId: "ca000000-0000-4000-8000-000000000001",
        isAdmin: true,
        roles: ["Application Administrator"],
      },
    });
    expect(doc(result).apps["contoso-api"]).toMatchObject({
      identifierUris: ["api://contoso-api"],
      exposedScopes: [
        {
          value: "Calls.Manage",
          id: "5c000000-0000-4000-8000-000000000001",
          displayName: "Manage calls",
          adminConsentRequired: true,
        },
      ],
      appRoles: [
        { value: "Calls.Export", id: "a0000000-0000-4000-8000-000000000001", displayName: "Export calls" },
      ],
    });
    expect(doc(result).apps["contoso-teams"]!.requiredAppRoles).toEqual({ "contoso-api": ["Calls.Export"] });
    const world = parseWorld(result.document);
    const tokensSee = world.directory.tenants[0]!.appRoleAssignments;
    expect(tokensSee.map((a) => a.roles)).toEqual([["Calls.Export"], ["User.Read.All"]]);
    expect(world.directory.tenants[0]!.users[0]!.roles).toEqual([
      "Global Administrator",
      "Application Administrator",
    ]);
  });

  it("an app without a service principal in its home tenant, told by a complete list of them", () => {
    const list = (command: string) =>
      importTenant([
        {
          file: "contoso.txt",
          text: [
            JSON.stringify(application()),
            command,
            JSON.stringify({
              "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
              value: [
                {
                  id: "5b000000-0000-4000-8000-000000000003",
                  appId: "00000003-0000-0000-c000-000000000000",
                  servicePrincipalType: "Application",
                  displayName: "Microsoft Graph",
                },
              ],
            }),
          ].join("\n"),
        },
      ]);
    const complete = list(`$ az rest --url "https://graph.microsoft.com/v1.0/servicePrincipals"`);
    expect(doc(complete).apps["contoso-teams"]!.homeServicePrincipal).toBe(false);
    expect(complete.found).toContain(
      "no service principal of contoso-teams in its home tenant contoso, from the list at contoso.txt:3",
    );
    // A filtered answer says nothing about the app's own.
    const filtered = list(`$ az ad sp list --filter "displayName eq 'Microsoft Graph'"`);
    expect(doc(filtered).apps["contoso-teams"]!.homeServicePrincipal).toBeUndefined();
  });

  it("a world's import: list is read relative to its file, and its mistakes are world errors", () => {
    const scenario = loadScenario(join(SCENARIOS_DIR, "ticket-missing-service-principal-from-az.yaml"));
    expect(scenario.world.directory.apps.map((a) => a.clientId)).toEqual([
      "a1a1a1a1-0000-4000-8000-00000000c0de",
    ]);
    expect(() => parseWorld({ import: ["no-such-file.txt"] }, "scenarios/x.yaml")).toThrow(WorldError);
    expect(() => parseWorld({ import: ["no-such-file.txt"] }, "scenarios/x.yaml")).toThrow(
      /scenarios\/x\.yaml import\[0\]: The pasted JSON file/,
    );
    expect(() => parseWorld({ extends: "default", import: ["a.txt"] }, "x.yaml")).toThrow();
  });
});

/** What a world's directory holds, by ids, in a stable order: what a round trip must keep. */
function directoryView(world: World) {
  const { tenants, apps } = world.directory;
  const byId = <T>(items: T[], key: (t: T) => string) =>
    [...items].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    tenants: byId(tenants, (t) => t.id).map((t) => ({
      name: t.name,
      id: t.id,
      domain: t.domain,
      displayName: t.displayName,
      users: byId(t.users, (u) => u.objectId).map((u) => ({
        name: u.name,
        objectId: u.objectId,
        upn: u.upn,
        displayName: u.displayName,
        teamsLicense: u.teamsLicense,
        enabled: u.enabled,
        signInSessionsValidFrom: u.signInSessionsValidFrom,
        roles: [...u.roles].sort(),
      })),
      servicePrincipals: t.servicePrincipals.map((sp) => sp.appId).sort(),
      grants: byId(t.grants, (g) => `${g.clientAppId}${g.resourceAppId}${g.principalId}`),
      appRoleAssignments: byId(t.appRoleAssignments, (a) => `${a.clientAppId}${a.resourceAppId}`),
      managedIdentities: byId(t.managedIdentities, (m) => m.objectId).map(
        ({ name, type, clientId, objectId }) => ({
          name,
          type,
          clientId,
          objectId,
        }),
      ),
    })),
    apps: byId(apps, (a) => a.clientId).map((a) => ({
      clientId: a.clientId,
      displayName: a.displayName,
      homeTenantId: a.homeTenantId,
      signInAudience: a.signInAudience,
      publicClientFlows: a.publicClientFlows,
      redirectUris: a.redirectUris,
      verifiedPublisher: a.verifiedPublisher,
      requiredResourceAccess: a.requiredResourceAccess,
      identifierUris: a.identifierUris,
      exposedScopes: a.asResource?.scopes,
      appRoles: a.asResource?.appRoles,
    })),
  };
}

function roundTrip(world: World): World {
  const sources = world.directory.tenants.map((t) => ({
    file: `${t.name}.json`,
    text: renderGraphDocuments(tenantAsGraph(world.directory, t)),
  }));
  return parseWorld(importTenant(sources).document);
}

describe("export-graph, then import: an equivalent world", () => {
  const scenarios = [
    "missing-service-principal",
    "single-tenant-app-used-by-fabrikam",
    "user-consent-verified-publisher",
    "voip-only-legacy-manifest",
    "ticket-missing-service-principal-from-az",
  ];

  it("the default world", () => {
    const world = defaultWorld();
    expect(directoryView(roundTrip(world))).toEqual(directoryView(world));
  });

  it.each(scenarios)("the world of %s", (name) => {
    const world = loadScenario(join(SCENARIOS_DIR, `${name}.yaml`)).world;
    expect(directoryView(roundTrip(world))).toEqual(directoryView(world));
  });

  it("per-user consent, a disabled user, revoked sessions and an API's exposed scopes", () => {
    const world = parseWorld({
      extends: "default",
      tenants: {
        fabrikam: {
          users: { bob: { enabled: false, signInSessionsValidFrom: "2025-01-01T00:00:00Z" } },
          grants: [
            { client: "contoso-teams", resource: "acs", scopes: ["Teams.ManageCalls"], user: "alice" },
          ],
        },
      },
      apps: { "contoso-backend": { exposedScopes: ["access_as_user"] } },
    });
    expect(directoryView(roundTrip(world))).toEqual(directoryView(world));
  });

  it("what the Graph work added: permission ids, app roles, role assignments, directory roles, Microsoft's clients", () => {
    const world = parseWorld({
      extends: "default",
      tenants: {
        contoso: {
          users: { dave: { roles: ["Application Administrator"] } },
          appRoleAssignments: [
            { client: "contoso-teams", resource: "contoso-backend", roles: ["Calls.Export"] },
          ],
          managedIdentities: { "contoso-jobs": { type: "userAssigned" } },
        },
        fabrikam: {
          // Fabrikam's admin consented for themself to the Graph Command Line Tools (Connect-MgGraph).
          grants: [{ client: "graph-cli", resource: "graph", scopes: ["User.Read.All"], user: "admin" }],
        },
      },
      apps: {
        "contoso-backend": {
          identifierUris: ["api://contoso.example/backend"],
          exposedScopes: [
            "access_as_user",
            { value: "Calls.Manage", id: "5c000000-0000-4000-8000-000000000001", adminConsentRequired: true },
          ],
          appRoles: [
            {
              value: "Calls.Export",
              id: "a0000000-0000-4000-8000-000000000001",
              displayName: "Export calls",
            },
          ],
        },
        "contoso-teams": { requiredAppRoles: { "contoso-backend": ["Calls.Export"] } },
        // Registered through Graph: no service principal in its home tenant yet.
        "contoso-tool": { tenant: "contoso", homeServicePrincipal: false },
      },
    });
    const imported = roundTrip(world);
    expect(directoryView(imported)).toEqual(directoryView(world));
  });

  it("the imported world lists what the author wrote, not what every tenant holds", () => {
    const world = defaultWorld();
    const sources = world.directory.tenants.map((t) => ({
      file: `${t.name}.json`,
      text: renderGraphDocuments(tenantAsGraph(world.directory, t)),
    }));
    const imported = doc(importTenant(sources));
    // The default world lists graph and arm too; both are in every tenant, so the import leaves them out.
    expect(imported.tenants.contoso!.servicePrincipals).toEqual(["acs", "acs-data-plane", "acs-clients"]);
    expect(imported.tenants.fabrikam!.servicePrincipals).toEqual(["acs", "contoso-teams", "contoso-phone"]);
    expect(Object.keys(imported.apps)).toEqual([
      "contoso-teams",
      "contoso-back-end",
      "contoso-phone",
      "contoso-calling",
    ]);
    expect(imported.tenants.contoso!.users!.carol).toMatchObject({ isAdmin: true });
  });

  it("grant ids pack the client, resource and principal ids as Graph's documented examples do", () => {
    // microsoft-graph-docs oauth2permissiongrant-post.md: client 0612c321-…, resource 943603e4-….
    expect(
      grantId("0612c321-db5f-4a32-909e-4f28080557ef", "943603e4-e787-4fe9-93d1-e30f749aae39", undefined),
    ).toBe("IcMSBl_bMkqQnk8oCAVX7-QDNpSH5-lPk9HjD3Sarjk");
    expect(
      grantId(
        "b0d9b9e3-0ecf-4bfd-8dab-9273dd055a94",
        "7ea9e944-71ce-443d-811c-71e8047b557a",
        "3fbd929d-8c56-4462-851e-0eb9a7b3a2a5",
      ),
    ).toBe("47nZsM8O_UuNq5Jz3QValETpqX7OcT1EgRxx6AR7VXqdkr0_VoxiRIUeDrmns6Kl");
  });
});
