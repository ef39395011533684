// In a container the sandbox listens on 8443 but clients reach localhost:<mapped port>. What they see
// (descriptor, discovery, issuer, certificate names) must name the address they used, or strict clients
// fail. Here the container makes its own CA and the client trusts it per request, as most suites will.
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { customFetch, discovery } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import { fetchTrusting, removeContainersOfThisProcess, requireSandboxImage } from "./support.js";

// A name other containers might use for the sandbox (a compose service, a network alias).
const OTHER_NAME = "acs-sandbox.test";

/** GET `path` from localhost:port as if the client had dialled `name`: SNI, certificate check and Host. */
function getAs(name: string, port: number, path: string, ca: string) {
  return new Promise<{ body: string; san: string }>((resolve, reject) => {
    const req = request(
      { host: "localhost", port, path, servername: name, headers: { host: `${name}:${port}` }, ca },
      (res) => {
        const san = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? "";
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ body, san }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("a container reached at its mapped port", { timeout: 120_000 }, () => {
  // Started once for the file; each test awaits it, so without Docker every test fails with the reason.
  let started: Promise<StartedAcsSandboxContainer>;

  beforeAll(() => {
    started = requireSandboxImage().then(() =>
      new AcsSandboxContainer().withPublicHostname(OTHER_NAME).start(),
    );
    started.catch(() => {}); // reported by each test
  });

  afterAll(async () => {
    await (await started.catch(() => undefined))?.stop();
    await removeContainersOfThisProcess();
  });

  it("describes itself at the mapped port", async () => {
    const sandbox = await started;
    const port = sandbox.getMappedPort(8443);
    const descriptor = await sandbox.getDescriptor();
    expect(descriptor.baseUrl).toBe(`https://localhost:${port}`);
    expect(descriptor.tenants.every((t) => t.authority.startsWith(`https://localhost:${port}/`))).toBe(true);
    expect(await sandbox.getConnectionString()).toMatch(new RegExp(`^endpoint=https://localhost:${port}/;`));
  });

  it("passes openid-client's strict issuer check at https://localhost:<mapped port>/<tenant id>/v2.0", async () => {
    const sandbox = await started;
    const descriptor = await sandbox.getDescriptor();
    const fabrikam = descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = descriptor.apps.find((a) => a.name === "contoso-teams")!;
    const issuer = `${sandbox.getBaseUrl()}/${fabrikam.id}/v2.0`;

    const config = await discovery(new URL(issuer), app.clientId, undefined, undefined, {
      [customFetch]: fetchTrusting(await sandbox.getCaCertPem()),
    });

    expect(config.serverMetadata().issuer).toBe(issuer);
    expect(config.serverMetadata().token_endpoint).toMatch(new RegExp(`^${sandbox.getBaseUrl()}/`));
  });

  it("serves a certificate for localhost that only the container's CA verifies", async () => {
    const sandbox = await started;
    const identity = new CommunicationIdentityClient(await sandbox.getConnectionString(), {
      agent: new Agent({ ca: await sandbox.getCaCertPem() }),
    });
    expect((await identity.createUser()).communicationUserId).toMatch(/^8:acs:/);
    // This process trusts the test CA only (NODE_EXTRA_CA_CERTS), not the one made in the container.
    await expect(fetch(`${sandbox.getBaseUrl()}/_sandbox/health`)).rejects.toThrow();
  });

  it("answers under a name from withPublicHostname() with that name in the certificate and the issuer", async () => {
    const sandbox = await started;
    const port = sandbox.getMappedPort(8443);
    const fabrikam = (await sandbox.getDescriptor()).tenants.find((t) => t.name === "fabrikam")!;

    const { body, san } = await getAs(
      OTHER_NAME,
      port,
      `/${fabrikam.id}/v2.0/.well-known/openid-configuration`,
      await sandbox.getCaCertPem(),
    );

    expect(san).toContain(`DNS:${OTHER_NAME}`);
    expect((JSON.parse(body) as { issuer: string }).issuer).toBe(
      `https://${OTHER_NAME}:${port}/${fabrikam.id}/v2.0`,
    );
  });
});
