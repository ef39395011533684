// A bundled scenario loaded into the container reproduces its misconfiguration for the real MSAL Node.
import { PublicClientApplication } from "@azure/msal-node";
import { afterAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import { removeContainersOfThisProcess, requireSandboxImage, testCertificateAuthority } from "./support.js";

describe("a scenario in the container", { timeout: 120_000 }, () => {
  let sandbox: StartedAcsSandboxContainer | undefined;

  afterAll(async () => {
    await sandbox?.stop();
    await removeContainersOfThisProcess();
  });

  it("missing-service-principal: alice's sign-in fails with AADSTS500011", async () => {
    await requireSandboxImage();
    sandbox = await new AcsSandboxContainer()
      .withScenario("missing-service-principal")
      .withCertificateAuthority(testCertificateAuthority())
      .start();
    const app = (await sandbox.getDescriptor()).apps.find((a) => a.name === "contoso-teams")!;
    const msal = new PublicClientApplication({
      auth: {
        clientId: app.clientId,
        authority: await sandbox.getAuthority("fabrikam.onmicrosoft.com"),
        knownAuthorities: [new URL(sandbox.getBaseUrl()).host],
      },
    });

    const signIn = msal.acquireTokenByUsernamePassword({
      username: "alice@fabrikam.onmicrosoft.com",
      password: "Passw0rd!",
      scopes: ["https://auth.msft.communication.azure.com/Teams.ManageCalls"],
    });

    await expect(signIn).rejects.toThrow(/AADSTS500011/);
  });
});
