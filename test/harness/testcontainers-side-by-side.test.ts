import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { afterAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import {
  removeContainersOfThisProcess,
  requireSandboxImage,
  testCertificateAuthority,
} from "../container/support.js";

/*
 * Several sandbox containers on one machine at once, through the testcontainers module: each publishes
 * its ports on free host ports and answers the real MSAL Node and Identity SDK through its own
 * descriptor. (Inside a container 443 is the container's own, so nothing collides there either.)
 */

const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

describe("sandbox containers side by side", { timeout: 180_000 }, () => {
  const started: StartedAcsSandboxContainer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((c) => c.stop()));
    await removeContainersOfThisProcess();
  });

  it("starts three containers at once; each signs alice in and exchanges her token on its own port", async () => {
    await requireSandboxImage();
    const ca = testCertificateAuthority();
    started.push(
      ...(await Promise.all(
        [1, 2, 3].map(() => new AcsSandboxContainer().withCertificateAuthority(ca).start()),
      )),
    );
    expect(new Set(started.map((c) => c.getBaseUrl())).size).toBe(3);
    for (const sandbox of started) {
      const descriptor = await sandbox.getDescriptor();
      expect(descriptor.baseUrl).toBe(sandbox.getBaseUrl());
      expect(descriptor.port443).toMatchObject({ listening: true });
      const app = descriptor.apps.find((a) => a.name === "contoso-teams")!;
      const alice = descriptor.users.find((u) => u.name === "alice")!;
      const msal = new PublicClientApplication({
        auth: {
          clientId: app.clientId,
          authority: await sandbox.getAuthority("fabrikam"),
          knownAuthorities: [new URL(sandbox.getBaseUrl()).host],
        },
      });
      const aad = await msal.acquireTokenByUsernamePassword({
        scopes: TEAMS_SCOPES,
        username: alice.upn,
        password: alice.password,
      });
      const identity = new CommunicationIdentityClient(await sandbox.getConnectionString());
      const teams = await identity.getTokenForTeamsUser({
        teamsUserAadToken: aad!.accessToken,
        clientId: app.clientId,
        userObjectId: alice.objectId,
      });
      const claims = JSON.parse(Buffer.from(teams.token.split(".")[1]!, "base64url").toString()) as {
        skypeid: string;
      };
      expect(claims.skypeid).toBe(`orgid:${alice.objectId}`);
      // Each container journals its own traffic only: one exchange each.
      const requests = (await (
        await fetch(`${sandbox.getBaseUrl()}/_sandbox/requests/count?operation=exchange`)
      ).json()) as { count: number };
      expect(requests.count).toBe(1);
    }
  });
});
