import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublicClientApplication } from "@azure/msal-node";
import { createLocalJWKSet, jwtVerify } from "jose";
import { KeySet, generateSigningKey } from "../core/keyset.js";
import type { Descriptor } from "../harness/sandbox/descriptor.js";
import { compareThroughput, hmacHeaders, loadClient, type Post } from "./support.js";
import { startBare, startServe, summariseProfile } from "./token-endpoint.js";

/*
 * Teams token exchanges per second over HTTPS, 32 keep-alive connections, `acs-sandbox serve` beside
 * the bare fastify + jose server's exchange route (bench/baseline-server.mjs: parse the body, the raw
 * jose pair — verify the Entra token, sign the ACS token — and answer), in alternating rounds.
 * Goal: ≥ 0.8× the bare server. The raw pair's own cost in-process is printed beside, for scale.
 */

const ROUNDS = 3;
const ROUND_MS = 3_000;
const CONNECTIONS = 32;
const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

async function aliceToken(descriptor: Descriptor): Promise<{ token: string; appId: string; userId: string }> {
  const app = descriptor.apps.find((a) => a.name === "contoso-teams")!;
  const alice = descriptor.users.find((u) => u.name === "alice")!;
  const pca = new PublicClientApplication({
    auth: {
      clientId: app.clientId,
      authority: `${descriptor.baseUrl}/organizations`,
      knownAuthorities: [new URL(descriptor.baseUrl).host],
    },
  });
  const result = await pca.acquireTokenByUsernamePassword({
    scopes: TEAMS_SCOPES,
    username: alice.upn,
    password: alice.password,
  });
  return { token: result!.accessToken, appId: app.clientId, userId: alice.objectId };
}

/** One exchange, HMAC-signed per request as the Identity SDK signs it. */
async function serviceExchange(descriptor: Descriptor): Promise<Post> {
  const entra = await aliceToken(descriptor);
  const acs = descriptor.acs[0]!;
  const url = new URL("/teamsUser/:exchangeAccessToken?api-version=2023-10-01", acs.endpoint);
  return {
    url: url.toString(),
    body: JSON.stringify({ token: entra.token, appId: entra.appId, userId: entra.userId }),
    headers: (body) => hmacHeaders(url, body, acs.connectionString),
  };
}

async function bareExchange(port: string): Promise<Post> {
  // The bare server's certificate is its own self-signed one, as in the load client.
  const body = await new Promise<string>((resolve, reject) =>
    get(`https://localhost:${port}/entra-token`, { rejectUnauthorized: false }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve(text));
    }).on("error", reject),
  );
  const { token } = JSON.parse(body) as { token: string };
  // The same request as serve's, signed the same way, so the load client does the same work for both
  // sides (it shares the machine's cores with them): the bare server reads the token and ignores the rest.
  const url = new URL(`https://localhost:${port}/teamsUser/:exchangeAccessToken?api-version=2023-10-01`);
  return {
    url: url.toString(),
    body: JSON.stringify({ token, appId: randomUUID(), userId: randomUUID() }),
    headers: (sent) => hmacHeaders(url, sent, BARE_CONNECTION_STRING),
  };
}

/** A connection string for the bare server's requests: its key signs them, nothing checks it. */
const BARE_CONNECTION_STRING = `endpoint=https://localhost/;accesskey=${randomBytes(32).toString("base64")}`;

/** Microseconds of one RS256 verify plus one sign, in this process: the cryptography alone. */
async function rawPairMicros(ops: number): Promise<number> {
  const keys = new KeySet([await generateSigningKey("bench")]);
  const jwks = createLocalJWKSet(keys.jwks());
  const token = await keys.sign({ sub: "bench", exp: Math.floor(Date.now() / 1000) + 3600 });
  const round = async () => {
    await jwtVerify(token, jwks);
    await keys.sign({ sub: "bench", acsScope: "voip,chat" });
  };
  for (let i = 0; i < 200; i++) await round();
  const started = performance.now();
  for (let i = 0; i < ops; i++) await round();
  return ((performance.now() - started) * 1000) / ops;
}

export async function runExchangeBenchmark(): Promise<void> {
  // BENCH_PROFILE=1: the sandbox runs under --cpu-prof, and the run ends with where its CPU went.
  const profileDir = process.env.BENCH_PROFILE ? mkdtempSync(join(tmpdir(), "bench-prof-")) : undefined;
  const serve = await startServe(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [], {
    dataDir: false,
  });
  const bare = await startBare();
  const client = loadClient(CONNECTIONS);
  try {
    const service = await serviceExchange(serve.descriptor);
    const baseline = await bareExchange(bare.child.firstLine.split(" ")[1]!);
    await client.rate(service, 1_500); // warm-up under load on both sides: JIT, TLS sessions, key imports
    await client.rate(baseline, 1_500);
    console.log(`Teams token exchange: HTTPS, HMAC-signed, ${CONNECTIONS} connections`);
    await compareThroughput(
      {
        name: "serve",
        unit: " exchanges/s",
        rate: (ms) => client.rate(service, ms),
        pid: serve.child.child.pid,
      },
      {
        name: "bare fastify + jose pair",
        unit: "/s",
        rate: (ms) => client.rate(baseline, ms),
        pid: bare.child.child.pid,
      },
      { rounds: ROUNDS, roundMs: ROUND_MS, atLeast: 0.8 },
    );
    console.log(`  the raw jose pair alone, in-process: ${(await rawPairMicros(1_000)).toFixed(0)} µs`);
  } finally {
    client.close();
    await serve.child.stop();
    await bare.child.stop();
  }
  if (profileDir) summariseProfile(profileDir);
}
