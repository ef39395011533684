import { ClientSecretCredential } from "@azure/identity";
import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { clientId, msalAuth, tenantId, user } from "../support/modes.js";
import { HeadlessUser, type Outcome } from "../../harness/runner/user-agent.js";
import { claimsOf, msalFailure } from "./entra-support.js";
import { person } from "./entra-interactive-support.js";

/*
 * The first-party clients the admin tools sign in with, driven through real MSAL Node with their client
 * ids: `az login -u … -p …` is ROPC with the Azure CLI's id, then tokens for Microsoft Graph and Azure
 * Service Management, without a consent prompt, in a tenant that never registered the Azure CLI.
 */

const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const AZURE_POWERSHELL = "1950a258-227b-4e31-a9cf-717495945fc2";
const GRAPH_CLI = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const GRAPH_DEFAULT = "https://graph.microsoft.com/.default";
const ARM_DEFAULT = "https://management.core.windows.net//.default";

describe("first-party admin clients (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept" });
  const cli = (tenant: string, id = AZURE_CLI) =>
    new PublicClientApplication({ auth: { clientId: id, ...msalAuth(sb, tenant) } });

  it("az login -u -p: the Azure CLI gets a Graph token for Fabrikam's admin with the CLI's Graph scopes", async () => {
    const admin = user(sb, "admin");
    const result = (await cli("organizations").acquireTokenByUsernamePassword({
      username: admin.upn,
      password: admin.password,
      scopes: [GRAPH_DEFAULT],
    }))!;
    const at = claimsOf(result.accessToken);
    expect(at).toMatchObject({
      aud: "https://graph.microsoft.com",
      appid: AZURE_CLI,
      app_displayname: "Microsoft Azure CLI",
      tid: tenantId(sb, "fabrikam"),
      oid: admin.objectId,
      ver: "1.0",
    });
    expect(String(at.scp).split(" ")).toEqual(
      expect.arrayContaining(["Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"]),
    );
  });

  it("the same sign-in then gets an Azure Service Management token silently, as az does after login", async () => {
    const app = cli("fabrikam");
    const admin = user(sb, "admin");
    const first = (await app.acquireTokenByUsernamePassword({
      username: admin.upn,
      password: admin.password,
      scopes: [GRAPH_DEFAULT],
    }))!;
    const arm = (await app.acquireTokenSilent({ account: first.account!, scopes: [ARM_DEFAULT] }))!;
    expect(claimsOf(arm.accessToken)).toMatchObject({
      aud: "https://management.core.windows.net/",
      appid: AZURE_CLI,
      scp: "user_impersonation",
    });
  });

  it("Azure PowerShell signs a user without any directory role in to Azure Service Management", async () => {
    const dave = user(sb, "dave");
    const result = (await cli("contoso", AZURE_POWERSHELL).acquireTokenByUsernamePassword({
      username: dave.upn,
      password: dave.password,
      scopes: ["https://management.azure.com/.default"],
    }))!;
    expect(claimsOf(result.accessToken)).toMatchObject({
      aud: "https://management.azure.com",
      appid: AZURE_POWERSHELL,
      oid: dave.objectId,
    });
  });

  it("az login --use-device-code: the admin completes the code and the CLI gets its Graph token", async () => {
    let walk: Promise<Outcome> | undefined;
    const result = (await cli("organizations").acquireTokenByDeviceCode({
      scopes: [GRAPH_DEFAULT],
      deviceCodeCallback: (response) => {
        walk = new HeadlessUser(person(sb, "carol")).navigate(response.verificationUri, response.userCode);
      },
    }))!;
    const outcome = await walk!;
    expect(outcome.kind).toBe("page");
    if (outcome.kind === "page") expect(outcome.text).toContain("Microsoft Azure CLI");
    expect(claimsOf(result.accessToken)).toMatchObject({
      aud: "https://graph.microsoft.com",
      appid: AZURE_CLI,
      oid: user(sb, "carol").objectId,
    });
  });

  it("Graph Command Line Tools need consent per scope: nobody consented, so ROPC fails with 65001", async () => {
    const admin = user(sb, "admin");
    const failure = await msalFailure(
      cli("fabrikam", GRAPH_CLI).acquireTokenByUsernamePassword({
        username: admin.upn,
        password: admin.password,
        scopes: ["https://graph.microsoft.com/Application.ReadWrite.All"],
      }),
    );
    expect(failure).toMatchObject({ errorCode: "invalid_grant", errorNo: "65001" });
  });

  it("az login --service-principal: contoso-backend's secret gets a Graph token carrying its app role", async () => {
    const credential = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "contoso-backend-secret",
    );
    const token = await credential.getToken(GRAPH_DEFAULT);
    expect(claimsOf(token.token)).toMatchObject({
      aud: "https://graph.microsoft.com",
      appid: clientId(sb, "contoso-backend"),
      idtyp: "app",
      roles: ["Application.ReadWrite.All"],
    });
  });
});
