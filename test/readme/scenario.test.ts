import { PublicClientApplication } from "@azure/msal-node";
import { expect } from "vitest";
import { runScenario } from "../../harness/runner/index.js";
import { scenarioTest, test } from "../../harness/transports/vitest.js";

/* The README's scenario and fixture examples; the regions are copied into README.md verbatim. */

// #region run-scenario
test("Fabrikam without the ACS service principal fails as Azure does, then works once it exists", async () => {
  const result = await runScenario("missing-service-principal"); // a bundled name, or a file path
  expect(result.status).toBe("passed");
  expect(result.steps[0]!.actual).toMatchObject({ ok: false, error: { code: "AADSTS500011" } });
});

const noConsent = scenarioTest("consent-missing-password"); // each test: a fresh sandbox with that world

noConsent("alice cannot sign in before anyone consented", async ({ sandbox }) => {
  const fabrikam = sandbox.descriptor.tenants.find((t) => t.name === "fabrikam")!;
  const app = sandbox.descriptor.apps.find((a) => a.name === "contoso-teams")!;
  const msal = new PublicClientApplication({
    auth: { clientId: app.clientId, authority: `https://login.microsoftonline.com/${fabrikam.id}` },
  });
  await expect(
    msal.acquireTokenByUsernamePassword({
      scopes: ["https://auth.msft.communication.azure.com/Teams.ManageCalls"],
      username: "alice@fabrikam.onmicrosoft.com",
      password: "Passw0rd!",
    }),
  ).rejects.toMatchObject({ errorNo: 65001, subError: "consent_required" });
});
// #endregion run-scenario
