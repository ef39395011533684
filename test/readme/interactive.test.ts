import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../harness/index.js";
import { HeadlessUser } from "../../harness/runner/index.js";

/* The README's interactive example; the region is copied into README.md verbatim. */

describe("README: interactive sign-in", () => {
  it("completes acquireTokenInteractive through the sign-in page with the headless user", async () => {
    // #region interactive
    const sb = await startSandbox({ mode: "server", port: 0 });
    const fabrikam = sb.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = sb.descriptor.apps.find((a) => a.name === "contoso-teams")!;
    const msal = new PublicClientApplication({
      auth: {
        clientId: app.clientId,
        authority: `${sb.descriptor.baseUrl}/${fabrikam.id}`,
        knownAuthorities: [new URL(sb.descriptor.baseUrl).host],
      },
    });
    const alice = new HeadlessUser({ username: "alice@fabrikam.onmicrosoft.com", password: "Passw0rd!" });
    const result = await msal.acquireTokenInteractive({
      scopes: [
        "https://auth.msft.communication.azure.com/Teams.ManageCalls",
        "https://auth.msft.communication.azure.com/Teams.ManageChats",
      ],
      // Where a desktop app opens the browser, the headless user walks the pages and posts the answer
      // (response_mode=form_post) to MSAL's loopback server on http://localhost.
      openBrowser: async (url) => {
        await alice.navigate(url);
      },
    });
    await sb.close();
    // #endregion interactive
    expect(result.account?.username).toBe("alice@fabrikam.onmicrosoft.com");
    expect(result.tenantId).toBe(fabrikam.id);
    const claims = JSON.parse(Buffer.from(result.accessToken.split(".")[1]!, "base64url").toString()) as {
      scp: string;
    };
    expect(claims.scp).toBe("Teams.ManageCalls Teams.ManageChats");
  });
});
