// ACS identities and the CA live in /data: with a volume there, a new container carries them on.
import { randomUUID } from "node:crypto";
import { Agent } from "node:https";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import { docker, removeContainersOfThisProcess, requireSandboxImage } from "./support.js";

async function identityClient(sandbox: StartedAcsSandboxContainer) {
  return new CommunicationIdentityClient(await sandbox.getConnectionString(), {
    agent: new Agent({ ca: await sandbox.getCaCertPem() }),
  });
}

describe("a /data volume", { timeout: 120_000 }, () => {
  const volume = `acs-sandbox-test-${randomUUID()}`;
  const started: StartedAcsSandboxContainer[] = [];

  afterAll(async () => {
    await Promise.all(started.map((c) => c.stop()));
    await removeContainersOfThisProcess();
    await docker(["volume", "rm", "--force", volume]);
  });

  it("keeps identities and the CA across containers", async () => {
    await requireSandboxImage();
    const first = await new AcsSandboxContainer().withDataVolume(volume).start();
    started.push(first);
    const user = await (await identityClient(first)).createUser();
    const ca = await first.getCaCertPem();
    await first.stop();

    const second = await new AcsSandboxContainer().withDataVolume(volume).start();
    started.push(second);
    expect(await second.getCaCertPem()).toBe(ca);
    const token = await (await identityClient(second)).getToken(user, ["chat", "voip"]);
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOn.getTime()).toBeGreaterThan(Date.now());
  });
});
