import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { UsernamePasswordCredential } from "@azure/identity";
import { CryptoProvider, PublicClientApplication, type DeviceCodeRequest } from "@azure/msal-node";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { spawn, type ChildProcess } from "node:child_process";
import { Agent as HttpsAgent } from "node:https";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { decodeJwt } from "jose";
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeadlessUser, type Outcome } from "../../harness/runner/user-agent.js";
import type { Descriptor } from "../../harness/sandbox/descriptor.js";
import { startTestPostgres, type TestPostgres } from "../support/postgres.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../support/round-robin.js";
import { msalFailure } from "../third-party/entra-support.js";

/*
 * A team sandbox: two `serve --store postgres://…` replicas (the built CLI) on one PostgreSQL serve one
 * world. A flow begun at one replica is finished at the other, by the real clients: addressed to each
 * replica in turn, or through a round-robin TLS-passthrough proxy (test/support/round-robin.ts)
 * that sends each new connection to the next replica. The proxy sees connections, not requests, so the
 * clients open one per request here: fetch (MSAL, the headless user, Graph) through an undici agent
 * without keep-alive, the Azure SDKs through an https.Agent without keep-alive.
 */

const CLI = join(process.cwd(), "dist", "harness", "cli", "index.js");
const SCOPES = ["https://auth.msft.communication.azure.com/Teams.ManageCalls"];
/** The Azure CLI's client id, a first-party client in every tenant (`az login -u … -p …`). */
const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const ACS_APP_ID = "1fd5118e-2576-4263-8130-9503064c837a";
/** For the Azure SDKs: a connection per request, so the proxy spreads their requests too. */
const noKeepAlive = new HttpsAgent({ keepAlive: false });

interface Replica {
  child: ChildProcess;
  descriptor: Descriptor;
}

let pg: TestPostgres;
let proxy: RoundRobinProxy;
let previousDispatcher: Dispatcher;
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

const portOf = (replica: Replica) => Number(new URL(replica.descriptor.baseUrl).port);

beforeAll(async () => {
  pg = await startTestPostgres();
  await startReplica(pg.url);
  await startReplica(pg.url);
  proxy = await startRoundRobinProxy(replicas.map((r) => ({ host: "127.0.0.1", port: portOf(r) })));
  previousDispatcher = getGlobalDispatcher();
  // Files after this one in the worker get fetch's usual pool back (afterAll).
  setGlobalDispatcher(new Agent({ pipelining: 0 }));
}, 120_000);

afterAll(async () => {
  if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
  await proxy?.close();
  for (const { child } of replicas) child.kill("SIGTERM");
  pg?.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function msal(replica: Replica | string, tenantId: string, clientId: string) {
  const baseUrl = typeof replica === "string" ? replica : replica.descriptor.baseUrl;
  return new PublicClientApplication({
    auth: { clientId, authority: `${baseUrl}/${tenantId}`, knownAuthorities: [new URL(baseUrl).host] },
  });
}

async function adminCall(replica: Replica, method: string, path: string, body?: unknown) {
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

  it("redeems at one replica an authorization code (PKCE) whose sign-in pages the proxy spread over both", async () => {
    const [a] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const before = [...proxy.connections];
    const pca = msal(proxy.origin, tenant.id, app.clientId);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = "http://localhost";
    const url = await pca.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      state: "team",
    });
    const outcome = await new HeadlessUser({ username: alice.upn, password: alice.password }).navigate(url);
    if (outcome.kind !== "redirect") throw new Error(`no redirect to the app: ${JSON.stringify(outcome)}`);
    expect(outcome.params.get("state")).toBe("team");
    const result = await pca.acquireTokenByCode({
      code: outcome.params.get("code")!,
      scopes: SCOPES,
      redirectUri,
      codeVerifier: verifier,
    });
    expect(decodeJwt(result.accessToken)).toMatchObject({ oid: alice.objectId, appid: app.clientId });
    // Both replicas answered part of the flow: the interaction, session and code crossed between them.
    const spread = proxy.connections.map((n, i) => n - before[i]!);
    expect(spread.every((n) => n > 0)).toBe(true);
  });

  it("answers device code polls at both replicas and signs in once the user completes the code", async () => {
    const [a] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const bob = a.descriptor.users.find((u) => u.name === "bob")!;
    const before = [...proxy.connections];
    let shown: Parameters<DeviceCodeRequest["deviceCodeCallback"]>[0] | undefined;
    let walk: Promise<Outcome> | undefined;
    const result = await msal(proxy.origin, tenant.id, app.clientId).acquireTokenByDeviceCode({
      scopes: SCOPES,
      deviceCodeCallback: (response) => {
        shown = response;
        walk = new HeadlessUser({ username: bob.upn, password: bob.password }).navigate(
          response.verificationUri,
          response.userCode,
        );
      },
    });
    expect(shown!.verificationUri).toBe(`${proxy.origin}/common/oauth2/deviceauth`);
    const outcome = await walk!;
    expect(outcome.kind === "page" ? outcome.text : "").toContain("You have signed in");
    expect(decodeJwt(result!.accessToken).oid).toBe(bob.objectId);
    const spread = proxy.connections.map((n, i) => n - before[i]!);
    expect(spread.every((n) => n > 0)).toBe(true);
  });

  it("lets a sign-in at one replica use the ACS service principal Microsoft Graph created at the other", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const admin = a.descriptor.users.find((u) => u.name === "admin" && u.tenant === "fabrikam")!;
    // Fabrikam as before the quickstart's step 7: no service principal for ACS.
    const world = (await adminCall(a, "GET", "world")).body as {
      tenants: { fabrikam: { servicePrincipals: string[] } };
    };
    const without = world.tenants.fabrikam.servicePrincipals.filter((sp) => sp !== "acs");
    expect(
      (await adminCall(a, "PATCH", "world", { tenants: { fabrikam: { servicePrincipals: without } } }))
        .status,
    ).toBe(200);
    const ropcAtB = () =>
      msal(b, tenant.id, app.clientId).acquireTokenByUsernamePassword({
        username: alice.upn,
        password: alice.password,
        scopes: SCOPES,
      });
    expect(await msalFailure(ropcAtB())).toMatchObject({ errorCode: "invalid_resource", errorNo: "500011" });

    const graph = Client.initWithMiddleware({
      // Graph on the replica's own origin: the SDK sends its token to hosts it is told are Graph's.
      baseUrl: `${a.descriptor.baseUrl}/`,
      customHosts: new Set(["localhost"]),
      authProvider: new TokenCredentialAuthenticationProvider(
        new UsernamePasswordCredential(tenant.id, AZURE_CLI, admin.upn, admin.password, {
          authorityHost: a.descriptor.baseUrl,
          disableInstanceDiscovery: true,
        }),
        { scopes: ["https://graph.microsoft.com/.default"] },
      ),
    });
    const created = await graph.api("/servicePrincipals").post({ appId: ACS_APP_ID });
    expect(created).toMatchObject({ appId: ACS_APP_ID, displayName: "Azure Communication Services" });

    expect(decodeJwt((await ropcAtB())!.accessToken).oid).toBe(alice.objectId);
  });

  it("fires a times: 1 fault rule once across both replicas", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const added = await adminCall(a, "POST", "faults", {
      id: "once-across",
      service: "entra",
      operation: "token",
      status: 503,
      times: 1,
    });
    expect(added.status).toBe(201);
    try {
      const ropc = (replica: Replica) =>
        msal(replica, tenant.id, app.clientId).acquireTokenByUsernamePassword({
          username: alice.upn,
          password: alice.password,
          scopes: SCOPES,
        });
      expect(await msalFailure(ropc(b))).toMatchObject({ errorCode: "temporarily_unavailable" });
      // Spent at B: A, which holds the same rule, lets its requests through.
      expect(decodeJwt((await ropc(a))!.accessToken).oid).toBe(alice.objectId);
      expect(decodeJwt((await ropc(b))!.accessToken).oid).toBe(alice.objectId);
      const listed = (await adminCall(a, "GET", "faults")).body.faults as { id: string; remaining: number }[];
      expect(listed.find((f) => f.id === "once-across")?.remaining).toBe(0);
    } finally {
      await adminCall(a, "DELETE", "faults/once-across");
    }
  });

  it("answers at one replica the Azure-AsyncOperation poll of a resource the other created", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const admin = a.descriptor.users.find((u) => u.name === "admin" && u.tenant === "fabrikam")!;
    const subscription = a.descriptor.subscriptions.find((s) => s.name === "fabrikam")!;
    const management = (replica: Replica) =>
      new CommunicationServiceManagementClient(
        new UsernamePasswordCredential(tenant.id, AZURE_CLI, admin.upn, admin.password, {
          authorityHost: replica.descriptor.baseUrl,
          disableInstanceDiscovery: true,
        }),
        subscription.id,
        {
          endpoint: replica.descriptor.baseUrl,
          credentialScopes: ["https://management.azure.com/.default"],
        },
      );
    const poller = await management(a).communicationServices.beginCreateOrUpdate(
      "fabrikam-sandbox",
      "fabrikam-acs-team",
      { location: "global", dataLocation: "United States" },
      { updateIntervalInMs: 10 },
    );
    // The poll goes where a load balancer sends it: the same URL, answered by the other replica.
    const state = poller.toString().replaceAll(a.descriptor.baseUrl, b.descriptor.baseUrl);
    expect(state).toContain(
      `${b.descriptor.baseUrl}/subscriptions/${subscription.id}/providers/Microsoft.Communication/locations/WESTUS2/operationStatuses/`,
    );
    const resumed = await management(b).communicationServices.beginCreateOrUpdateAndWait(
      "fabrikam-sandbox",
      "fabrikam-acs-team",
      { location: "global", dataLocation: "United States" },
      { resumeFrom: state, updateIntervalInMs: 10 },
    );
    expect(resumed).toMatchObject({ name: "fabrikam-acs-team", provisioningState: "Succeeded" });
  });

  it("answers 'temporarily unavailable' while PostgreSQL restarts, then carries on at both replicas", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    // A fresh client per attempt: MSAL holds back a request that was answered Retry-After.
    const ropc = (replica: Replica) =>
      msal(replica, tenant.id, app.clientId).acquireTokenByUsernamePassword({
        username: alice.upn,
        password: alice.password,
        scopes: SCOPES,
      });
    pg.stop();
    try {
      expect(await msalFailure(ropc(a))).toMatchObject({
        errorCode: "temporarily_unavailable",
        errorNo: "90006",
      });
      const health = await fetch(`${b.descriptor.baseUrl}/_sandbox/health`);
      expect(health.status).toBe(503);
    } finally {
      pg.start();
    }
    for (const replica of [a, b, a])
      expect(decodeJwt((await ropc(replica))!.accessToken).oid).toBe(alice.objectId);
  });

  it("loses nothing acknowledged when a replica is killed with SIGKILL under load", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const accessKey = /accesskey=(.*)$/.exec(a.descriptor.acs[0]!.connectionString)![1]!;
    const viaProxy = new CommunicationIdentityClient(`endpoint=${proxy.origin}/;accesskey=${accessKey}`, {
      agent: noKeepAlive,
    });
    const users: CommunicationUserIdentifier[] = [];
    const refreshTokens: string[] = [];
    let failed = 0;
    let killed = false;
    // Three clients at once, a bounded number of steps each; A is killed once a few steps are done.
    const worker = async (n: number) => {
      for (let step = 0; step < 8; step++) {
        if (!killed && users.length >= 6) {
          killed = true;
          a.child.kill("SIGKILL");
        }
        try {
          if ((step + n) % 3 === 0) {
            const pca = msal(proxy.origin, tenant.id, app.clientId);
            await pca.acquireTokenByUsernamePassword({
              username: alice.upn,
              password: alice.password,
              scopes: SCOPES,
            });
            const cache = JSON.parse(pca.getTokenCache().serialize()) as {
              RefreshToken: Record<string, { secret: string }>;
            };
            refreshTokens.push(Object.values(cache.RefreshToken)[0]!.secret);
          } else users.push(await viaProxy.createUser());
        } catch {
          // Cut by the kill before an answer: never acknowledged, so nothing is owed.
          failed++;
        }
      }
    };
    await Promise.all([0, 1, 2].map(worker));
    expect(killed).toBe(true);
    expect(users.length + refreshTokens.length + failed).toBe(24);
    expect(users.length).toBeGreaterThan(6);

    // Everything acknowledged, whichever replica acknowledged it, is at B.
    const atB = new CommunicationIdentityClient(b.descriptor.acs[0]!.connectionString);
    for (const user of users) expect((await atB.getToken(user, ["chat"])).token.split(".")).toHaveLength(3);
    for (const refreshToken of refreshTokens) {
      const refreshed = await msal(b, tenant.id, app.clientId).acquireTokenByRefreshToken({
        refreshToken,
        scopes: SCOPES,
      });
      expect(decodeJwt(refreshed!.accessToken).oid).toBe(alice.objectId);
    }

    // A comes back (on a new port) and the proxy sends it its share again.
    replicas.splice(replicas.indexOf(a), 1);
    const restarted = await startReplica(pg.url);
    replicas.unshift(replicas.pop()!);
    proxy.replace(0, { host: "127.0.0.1", port: portOf(restarted) });
    const again = new CommunicationIdentityClient(restarted.descriptor.acs[0]!.connectionString);
    expect((await again.getToken(users[0]!, ["chat"])).token.split(".")).toHaveLength(3);
  });

  it("shows a world change made at one replica at both, and one clock that expires tokens at both", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const patched = await adminCall(a, "PATCH", "world", {
      tenants: { fabrikam: { displayName: "Fabrikam Team" } },
    });
    expect(patched.status).toBe(200);
    const world = (await adminCall(b, "GET", "world")).body as {
      tenants: Record<string, { displayName: string }>;
    };
    expect(world.tenants.fabrikam?.displayName).toBe("Fabrikam Team");

    // An Entra token signed in at A before the clock moves, exchanged at B after: expired there too.
    const tenant = a.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = a.descriptor.apps.find((x) => x.name === "contoso-teams")!;
    const alice = a.descriptor.users.find((u) => u.name === "alice")!;
    const signedIn = await msal(a, tenant.id, app.clientId).acquireTokenByUsernamePassword({
      username: alice.upn,
      password: alice.password,
      scopes: SCOPES,
    });
    await adminCall(a, "POST", "clock", { advance: "25h" });
    // One offset for both: the other replica's time is a day and an hour ahead of the wall clock too.
    const atB = Date.parse((await adminCall(b, "GET", "clock")).body.now as string);
    expect(atB - Date.now()).toBeGreaterThan(24 * 3_600_000);
    const exchange = new CommunicationIdentityClient(b.descriptor.acs[0]!.connectionString);
    const refused = await exchange
      .getTokenForTeamsUser({
        teamsUserAadToken: signedIn!.accessToken,
        clientId: app.clientId,
        userObjectId: alice.objectId,
      })
      .then(
        () => undefined,
        (err: { statusCode?: number; code?: string }) => ({ statusCode: err.statusCode, code: err.code }),
      );
    expect(refused).toEqual({ statusCode: 401, code: "InvalidAccessToken" });
  });

  it("says at /_sandbox/health which store it uses", async () => {
    for (const replica of replicas)
      expect((await adminCall(replica, "GET", "health")).body).toEqual({ status: "ok", store: "postgres" });
  });
});
