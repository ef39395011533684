// The quickstart end to end through the container, from the host, with the real MSAL Node and the real
// Identity SDK. The region marked testcontainers-readme is the snippet docs/container.md (and the README)
// show: keep it self-explanatory.
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { afterAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import { removeContainersOfThisProcess, requireSandboxImage, testCertificateAuthority } from "./support.js";

describe("the sandbox container, driven by the real SDKs", { timeout: 120_000 }, () => {
  let sandbox: StartedAcsSandboxContainer | undefined;

  afterAll(async () => {
    await sandbox?.stop();
    await removeContainersOfThisProcess();
  });

  it("runs the Teams access token quickstart: ROPC sign-in, token exchange, ACS credential", async () => {
    await requireSandboxImage();
    // #region testcontainers-readme
    // A CA this process already trusts (NODE_EXTRA_CA_CERTS) signs the sandbox's certificate.
    sandbox = await new AcsSandboxContainer().withCertificateAuthority(testCertificateAuthority()).start();
    const descriptor = await sandbox.getDescriptor();
    const app = descriptor.apps.find((a) => a.name === "contoso-teams")!;

    // Entra ID: alice of the customer tenant signs in to Contoso's multitenant app.
    const msal = new PublicClientApplication({
      auth: {
        clientId: app.clientId,
        authority: await sandbox.getAuthority("fabrikam"), // https://localhost:<mapped port>/<tenant id>
        knownAuthorities: [new URL(sandbox.getBaseUrl()).host],
      },
    });
    const aad = await msal.acquireTokenByUsernamePassword({
      username: "alice@fabrikam.onmicrosoft.com",
      password: "Passw0rd!",
      scopes: [
        "https://auth.msft.communication.azure.com/Teams.ManageCalls",
        "https://auth.msft.communication.azure.com/Teams.ManageChats",
      ],
    });

    // ACS: exchange the Entra token for a communication access token.
    const identity = new CommunicationIdentityClient(await sandbox.getConnectionString());
    const acs = await identity.getTokenForTeamsUser({
      teamsUserAadToken: aad!.accessToken,
      clientId: app.clientId,
      userObjectId: aad!.uniqueId,
    });
    const credential = new AzureCommunicationTokenCredential(acs.token);
    // #endregion testcontainers-readme

    expect(descriptor.baseUrl).toBe(sandbox.getBaseUrl());
    expect(aad!.account?.username).toBe("alice@fabrikam.onmicrosoft.com");
    const { token, expiresOnTimestamp } = await credential.getToken();
    expect(token).toBe(acs.token);
    expect(expiresOnTimestamp).toBeGreaterThan(Date.now());
    credential.dispose();
  });

  it("moves the sandbox clock and resets it through the mapped port", async () => {
    if (!sandbox) throw new Error("the quickstart test did not start the container");
    const before = Date.now();
    const later = await sandbox.advanceClock("25h");
    expect(later.getTime()).toBeGreaterThanOrEqual(before + 25 * 3_600_000);
    await sandbox.reset();
    const { now } = (await (await fetch(`${sandbox.getBaseUrl()}/_sandbox/clock`)).json()) as { now: string };
    expect(Math.abs(new Date(now).getTime() - Date.now())).toBeLessThan(60_000);
  });
});
