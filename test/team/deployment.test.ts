// The team sandbox as examples/team-sandbox deploys it, without compose (test/team/compose.test.ts runs
// the compose file itself): PostgreSQL (test/support/postgres.ts), two acs-sandbox:local
// containers given one ACS_SANDBOX_STORE, and a round-robin TCP proxy with health checks on
// /_sandbox/health in front. The real MSAL Node and Identity SDK talk only to the proxy.
import { randomUUID, X509Certificate } from "node:crypto";
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type DetailedPeerCertificate } from "node:tls";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Descriptor } from "../../harness/sandbox/descriptor.js";
import { DEFAULT_IMAGE } from "../../harness/transports/testcontainers.js";
import { docker, requireSandboxImage, testCertificateAuthority } from "../container/support.js";
import { startTestPostgres, type TestPostgres } from "../support/postgres.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../support/round-robin.js";

/** The load balancer's host name: every replica's certificate must carry it. */
const LB_NAME = "team-sandbox.test";
const ADMIN_TOKEN = `team-admin-${randomUUID()}`;
const SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

interface Replica {
  name: string;
  port: number;
}

const run = randomUUID().slice(0, 8);
let pg: TestPostgres | undefined;
let proxy: RoundRobinProxy | undefined;
let caDir: string | undefined;
const replicas: Replica[] = [];
let publicUrl = "";

/** Waits for the proxy's health check to pass; on a timeout, fails with the replica's log. */
async function waitUntilServing(index: number): Promise<void> {
  try {
    await proxy!.waitForHealth(index, true, 60_000);
  } catch (err) {
    const logs = await docker(["logs", "--tail", "30", replicas[index]!.name]).catch(() => undefined);
    throw new Error(`${(err as Error).message}\n${logs?.stdout ?? ""}${logs?.stderr ?? ""}`);
  }
}

/** The certificate a listener presents for the load balancer's name; the connection fails unless `ca` signed it. */
function certificateAt(port: number, ca: string): Promise<DetailedPeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, servername: LB_NAME, ca }, () => {
      resolve(socket.getPeerCertificate(true));
      socket.end();
    });
    socket.on("error", reject);
  });
}

async function descriptor(): Promise<Descriptor> {
  const res = await fetch(`${publicUrl}/_sandbox/descriptor`);
  expect(res.status).toBe(200);
  return (await res.json()) as Descriptor;
}

beforeAll(async () => {
  await requireSandboxImage();
  pg = await startTestPostgres();
  // A CA the test process trusts (vitest.config.ts), readable by the image's user (uid 10001).
  caDir = mkdtempSync(join(tmpdir(), "acs-team-ca-"));
  chmodSync(caDir, 0o755);
  const { ACS_SANDBOX_CA_DIR } = process.env;
  for (const file of ["ca.pem", "ca-key.pem"]) {
    copyFileSync(join(ACS_SANDBOX_CA_DIR!, file), join(caDir, file));
    chmodSync(join(caDir, file), 0o644);
  }
  // The proxy first: its port is the public URL the replicas are told.
  const ports = [await freePort(), await freePort()];
  proxy = await startRoundRobinProxy(ports.map((port) => ({ host: "127.0.0.1", port })));
  publicUrl = `https://localhost:${proxy.port}`;
  // The ports were drawn for the proxy's backends; the replicas take the same ones.
  const start = async (index: number, ca: boolean) => {
    const replica = { name: `acs-team-${run}-${index}`, port: ports[index]! };
    replicas.push(replica);
    await dockerRun(replica, ca);
    await waitUntilServing(index);
  };
  // The first replica stores its CA (the mounted one) and signing keys; the second takes them.
  await start(0, true);
  await start(1, false);
}, 150_000);

/**
 * One replica: the image as users run it, on the host's network so it reaches the test's PostgreSQL on
 * loopback. `ca` mounts a CA into /data/ca: the first replica stores it, the others take it from the store.
 */
async function dockerRun(replica: Replica, ca: boolean): Promise<void> {
  await docker([
    "run",
    "--detach",
    "--name",
    replica.name,
    "--network",
    "host",
    "--env",
    `ACS_SANDBOX_STORE=${pg!.url}`,
    "--env",
    "ACS_SANDBOX_HOST=127.0.0.1",
    "--env",
    `ACS_SANDBOX_PORT=${replica.port}`,
    "--env",
    "ACS_SANDBOX_NO_PORT_443=true",
    "--env",
    `ACS_SANDBOX_HOSTNAMES=${LB_NAME}`,
    "--env",
    `ACS_SANDBOX_PUBLIC_URL=${publicUrl}`,
    "--env",
    `ACS_SANDBOX_ADMIN_TOKEN=${ADMIN_TOKEN}`,
    ...(ca ? ["--volume", `${caDir}:/data/ca:ro`] : []),
    DEFAULT_IMAGE,
  ]);
}

afterAll(async () => {
  await proxy?.close();
  const names = replicas.map((r) => r.name);
  if (names.length > 0) await docker(["rm", "--force", "--volumes", ...names]).catch(() => {});
  pg?.destroy();
  if (caDir) rmSync(caDir, { recursive: true, force: true });
}, 60_000);

describe(
  "a team sandbox: two containers on one PostgreSQL behind a round-robin proxy",
  { timeout: 120_000 },
  () => {
    it("presents, at every replica and through the proxy, a certificate for the proxy's name from one CA", async () => {
      const ca = testCertificateAuthority().certPem;
      const presented = await Promise.all(
        [...replicas.map((r) => r.port), proxy!.port].map((port) => certificateAt(port, ca)),
      );
      for (const certificate of presented) {
        expect(certificate.subjectaltname).toContain(`DNS:${LB_NAME}`);
        expect(certificate.issuerCertificate.fingerprint256).toBe(new X509Certificate(ca).fingerprint256);
      }
      // The second replica was given no CA: its certificate's issuer is the one the first stored.
      expect(presented[1]!.fingerprint256).not.toBe(presented[0]!.fingerprint256);
    });

    it("answers health at each replica and keeps the admin API behind the token", async () => {
      const health = await fetch(`${publicUrl}/_sandbox/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", store: "postgres" });
      const reset = await fetch(`${publicUrl}/_sandbox/reset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(reset.status).toBe(401);
      expect(((await reset.json()) as { error: string }).error).toBe("admin_token_required");
    });

    it("runs the quickstart through the proxy, and goes on at the other replica while each is stopped", async () => {
      const d = await descriptor();
      const tenant = d.tenants.find((t) => t.name === "fabrikam")!;
      const app = d.apps.find((a) => a.name === "contoso-teams")!;
      const alice = d.users.find((u) => u.name === "alice")!;
      expect(d.acs[0]!.endpoint).toBe(`${publicUrl}/`);

      const msal = new PublicClientApplication({
        auth: {
          clientId: app.clientId,
          authority: `${publicUrl}/${tenant.id}`,
          knownAuthorities: [new URL(publicUrl).host],
        },
      });
      const signedIn = await msal.acquireTokenByUsernamePassword({
        username: alice.upn,
        password: alice.password,
        scopes: SCOPES,
      });
      // Every replica names the one public URL as the issuer, whichever served the request.
      expect(decodeJwt(signedIn!.idToken).iss).toBe(`${publicUrl}/${tenant.id}/v2.0`);
      const identity = new CommunicationIdentityClient(d.acs[0]!.connectionString);
      const exchanged = await identity.getTokenForTeamsUser({
        teamsUserAadToken: signedIn!.accessToken,
        clientId: app.clientId,
        userObjectId: signedIn!.uniqueId,
      });
      expect(decodeJwt(exchanged.token).skypeid).toBe(`orgid:${alice.objectId}`);
      const { user } = await identity.createUserAndToken(["chat"]);
      // MSAL (fetch) and the Identity SDK (its own agent) hold separate connections: one at each replica.
      expect(proxy!.connections.every((n) => n > 0)).toBe(true);

      const cache = JSON.parse(msal.getTokenCache().serialize()) as {
        RefreshToken: Record<string, { secret: string }>;
      };
      const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;
      for (const [stopped, serving] of [
        [0, 1],
        [1, 0],
      ] as const) {
        await docker(["stop", "--time", "10", replicas[stopped]!.name]);
        await proxy!.waitForHealth(stopped, false);
        const before = proxy!.connections[serving]!;

        // The refresh token one replica issued is redeemed at the other, and so is the ACS identity.
        const refreshed = await new PublicClientApplication({
          auth: {
            clientId: app.clientId,
            authority: `${publicUrl}/${tenant.id}`,
            knownAuthorities: [new URL(publicUrl).host],
          },
        }).acquireTokenByRefreshToken({ refreshToken, scopes: SCOPES });
        expect(decodeJwt(refreshed!.accessToken).oid).toBe(alice.objectId);
        const token = await new CommunicationIdentityClient(d.acs[0]!.connectionString).getToken(user, [
          "voip",
        ]);
        expect(decodeJwt(token.token).skypeid).toBe(user.communicationUserId.replace(/^8:/, ""));
        expect(proxy!.connections[serving]!).toBeGreaterThan(before);

        await docker(["start", replicas[stopped]!.name]);
        await waitUntilServing(stopped);
      }
    });
  },
);
