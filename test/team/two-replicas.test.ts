import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Descriptor } from "../../harness/sandbox/descriptor.js";
import { startTestPostgres, type TestPostgres } from "../support/postgres.js";

/*
 * A team sandbox: two `serve --store postgres://…` replicas (the built CLI) on one PostgreSQL serve one
 * world. A flow begun at one replica is finished at the other, by the real clients.
 */

const CLI = join(process.cwd(), "dist", "harness", "cli", "index.js");
const SCOPES = ["https://auth.msft.communication.azure.com/Teams.ManageCalls"];

interface Replica {
  child: ChildProcess;
  descriptor: Descriptor;
}

let pg: TestPostgres;
const replicas: Replica[] = [];
const dirs: string[] = [];

async function startReplica(store: string): Promise<Replica> {
  const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-replica-"));
  dirs.push(dataDir);
  // The first replica stores the CA this test process trusts (vitest.config.ts); the others take it.
  mkdirSync(join(dataDir, "ca"), { recursive: true });
  for (const file of ["ca.pem", "ca-key.pem"])
    copyFileSync(join(process.env.ACS_SANDBOX_CA_DIR!, file), join(dataDir, "ca", file));
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--port", "0", "--json", "--no-port-443", "--store", store, "--data-dir", dataDir],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ACS_SANDBOX_SCENARIO: "", ACS_SANDBOX_WORLD: "" },
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const replica = { child, descriptor: JSON.parse(line) as Descriptor };
  replicas.push(replica);
  return replica;
}

beforeAll(async () => {
  pg = await startTestPostgres();
  await startReplica(pg.url);
  await startReplica(pg.url);
}, 120_000);

afterAll(() => {
  for (const { child } of replicas) child.kill("SIGTERM");
  pg?.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function msal(replica: Replica, tenantId: string, clientId: string) {
  const { baseUrl } = replica.descriptor;
  return new PublicClientApplication({
    auth: { clientId, authority: `${baseUrl}/${tenantId}`, knownAuthorities: [new URL(baseUrl).host] },
  });
}

async function admin(replica: Replica, method: string, path: string, body?: unknown) {
  const res = await fetch(`${replica.descriptor.baseUrl}/_sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("two replicas on one PostgreSQL", () => {
  it("signs in with a password at one replica and redeems the refresh token at the other", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const atA = msal(a, tenant.id, app.clientId);
    const signedIn = await atA.acquireTokenByUsernamePassword({
      username: alice.upn,
      password: alice.password,
      scopes: SCOPES,
    });
    const cache = JSON.parse(atA.getTokenCache().serialize()) as {
      RefreshToken: Record<string, { secret: string }>;
    };
    const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;

    const refreshed = await msal(b, tenant.id, app.clientId).acquireTokenByRefreshToken({
      refreshToken,
      scopes: SCOPES,
    });
    expect(decodeJwt(refreshed!.accessToken).oid).toBe(decodeJwt(signedIn!.accessToken).oid);
    expect(decodeJwt(refreshed!.accessToken).oid).toBe(alice.objectId);
  });

  it("honours at one replica the revocation of an identity made and issued a token at the other", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const atA = new CommunicationIdentityClient(a.descriptor.acs[0]!.connectionString);
    const atB = new CommunicationIdentityClient(b.descriptor.acs[0]!.connectionString);
    const { user, token } = await atA.createUserAndToken(["chat"]);
    const introspect = async (replica: Replica) => {
      const res = await fetch(`${replica.descriptor.baseUrl}/_sandbox/acs/introspect`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      return ((await res.json()) as { state: string }).state;
    };
    expect(await introspect(b)).toBe("active");
    await atB.revokeTokens(user);
    expect(await introspect(a)).toBe("revoked");
  });

  it("shows a world change made at one replica at both, and one clock", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const patched = await admin(a, "PATCH", "world", {
      tenants: { fabrikam: { displayName: "Fabrikam Team" } },
    });
    expect(patched.status).toBe(200);
    const world = (await admin(b, "GET", "world")).body as {
      tenants: Record<string, { displayName: string }>;
    };
    expect(world.tenants.fabrikam?.displayName).toBe("Fabrikam Team");

    await admin(a, "POST", "clock", { advance: "25h" });
    // One offset for both: the other replica's time is a day and an hour ahead of the wall clock too.
    const atB = Date.parse((await admin(b, "GET", "clock")).body.now as string);
    expect(atB - Date.now()).toBeGreaterThan(24 * 3_600_000);
  });

  it("says at /_sandbox/health which store it uses", async () => {
    for (const replica of replicas)
      expect((await admin(replica, "GET", "health")).body).toEqual({ status: "ok", store: "postgres" });
  });
});
