import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../harness/index.js";

/*
 * The README's quickstart examples. The regions between `#region` and `#endregion` are copied into
 * README.md verbatim; test/readme/snippets.test.ts fails when the two drift apart.
 */

describe("README: the quickstart end to end", () => {
  it("runs in intercept mode with the real Azure host names and no other configuration", async () => {
    // #region intercept-quickstart
    const sb = await startSandbox({ mode: "intercept" });
    const fabrikam = sb.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = sb.descriptor.apps.find((a) => a.name === "contoso-teams")!;
    const alice = sb.descriptor.users.find((u) => u.name === "alice")!;

    // Step 1 of the quickstart: MSAL signs the Fabrikam user in to Contoso's app.
    const msal = new PublicClientApplication({
      auth: { clientId: app.clientId, authority: `https://login.microsoftonline.com/${fabrikam.id}` },
    });
    const aad = await msal.acquireTokenByUsernamePassword({
      scopes: [
        "https://auth.msft.communication.azure.com/Teams.ManageCalls",
        "https://auth.msft.communication.azure.com/Teams.ManageChats",
      ],
      username: alice.upn,
      password: alice.password,
    });

    // Step 2: Contoso's back end exchanges it for a Communication Services token.
    const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const teams = await identity.getTokenForTeamsUser({
      teamsUserAadToken: aad!.accessToken,
      clientId: app.clientId,
      userObjectId: aad!.uniqueId,
    });
    const credential = new AzureCommunicationTokenCredential(teams.token);
    const { expiresOnTimestamp } = await credential.getToken(); // the Entra token's expiry
    await sb.close();
    // #endregion intercept-quickstart
    // A closed sandbox refuses every call; the next one names the same real host.
    expect(() => sb.descriptor).toThrow(/this sandbox was closed/);
    const next = await startSandbox({ mode: "intercept" });
    expect(next.descriptor.acs[0]!.endpoint).toBe("https://contoso-acs.communication.azure.com/");
    await next.close();
    const aadExp = JSON.parse(Buffer.from(aad!.accessToken.split(".")[1]!, "base64url").toString()).exp;
    expect(teams.expiresOn.getTime()).toBe(aadExp * 1000);
    expect(expiresOnTimestamp).toBe(teams.expiresOn.getTime());
  });

  it("runs against a server-mode sandbox, as a process in another language would", async () => {
    // #region server-quickstart
    // Any process can use the server; it must trust sb.descriptor.caCertPath (NODE_EXTRA_CA_CERTS).
    const sb = await startSandbox({ mode: "server", port: 0 });
    const { baseUrl, tenants, apps, users, acs } = sb.descriptor;
    const fabrikam = tenants.find((t) => t.name === "fabrikam")!;
    const app = apps.find((a) => a.name === "contoso-teams")!;
    const alice = users.find((u) => u.name === "alice")!;

    const msal = new PublicClientApplication({
      auth: {
        clientId: app.clientId,
        authority: `${baseUrl}/${fabrikam.id}`,
        // A known authority skips instance discovery, which would call the real login.microsoftonline.com.
        knownAuthorities: [new URL(baseUrl).host],
      },
    });
    const aad = await msal.acquireTokenByUsernamePassword({
      scopes: [
        "https://auth.msft.communication.azure.com/Teams.ManageCalls",
        "https://auth.msft.communication.azure.com/Teams.ManageChats",
      ],
      username: alice.upn,
      password: alice.password,
    });
    const identity = new CommunicationIdentityClient(acs[0]!.connectionString);
    const teams = await identity.getTokenForTeamsUser({
      teamsUserAadToken: aad!.accessToken,
      clientId: app.clientId,
      userObjectId: aad!.uniqueId,
    });
    await sb.close();
    // #endregion server-quickstart
    expect(acs[0]!.endpoint).toBe(`${baseUrl}/`);
    const claims = JSON.parse(Buffer.from(teams.token.split(".")[1]!, "base64url").toString()) as Record<
      string,
      unknown
    >;
    expect(claims.skypeid).toBe(`orgid:${alice.objectId}`);
    expect(claims.tid).toBe(fabrikam.id);
  });
});
