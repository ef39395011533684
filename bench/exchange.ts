import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { PublicClientApplication } from "@azure/msal-node";
import { createLocalJWKSet, jwtVerify } from "jose";
import { KeySet, generateSigningKey } from "../core/keyset.js";
import type { Descriptor } from "../harness/sandbox/descriptor.js";
import { hmacHeaders, median } from "./support.js";

/*
 * Teams token exchanges per second over HTTPS against `acs-sandbox serve` in its own process, beside
 * the raw jose cost of the two RSA operations each exchange needs (verify the Entra token, sign the
 * ACS token): the ratio shows what the service adds on top of the cryptography.
 */

/** Service and baseline are measured in alternating rounds, so background load hits both alike. */
const ROUNDS = 3;
const ROUND_MS = 2_000;
const JOSE_ROUND_OPS = 1_000;
const CONCURRENCY = 16;
const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

async function startServer(): Promise<{ child: ChildProcess; descriptor: Descriptor }> {
  const child = spawn(process.execPath, ["dist/harness/cli/index.js", "serve", "--port", "0", "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`acs-sandbox serve exited with ${code}`)));
  });
  return { child, descriptor: JSON.parse(firstLine) as Descriptor };
}

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

/** One exchange, signed as the Identity SDK signs it. */
function exchangeRequest(descriptor: Descriptor, body: string): { url: string; init: RequestInit } {
  const acs = descriptor.acs[0]!;
  const url = new URL("/teamsUser/:exchangeAccessToken?api-version=2023-10-01", acs.endpoint);
  return {
    url: url.toString(),
    init: { method: "POST", body, headers: hmacHeaders(url, body, acs.connectionString) },
  };
}

/** A warmed-up exchange loop: each call measures exchanges per second over `ms`. */
async function exchangeMeter(descriptor: Descriptor): Promise<(ms: number) => Promise<number>> {
  const entra = await aliceToken(descriptor);
  const body = JSON.stringify({ token: entra.token, appId: entra.appId, userId: entra.userId });
  const once = async () => {
    const { url, init } = exchangeRequest(descriptor, body);
    const res = await fetch(url, init);
    if (res.status !== 200) throw new Error(`exchange answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const measure = async (ms: number) => {
    let done = 0;
    const started = performance.now();
    const deadline = started + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          await once();
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  };
  await measure(1_500); // warm-up under load: JIT on both sides, TLS sessions, key imports
  return measure;
}

/** A warmed-up jose loop: each call measures the microseconds of one RS256 verify plus one sign. */
async function joseMeter(): Promise<(ops: number) => Promise<number>> {
  const keys = new KeySet([await generateSigningKey("bench")]);
  const jwks = createLocalJWKSet(keys.jwks());
  const token = await keys.sign({ sub: "bench", exp: Math.floor(Date.now() / 1000) + 3600 });
  const round = async () => {
    await jwtVerify(token, jwks);
    await keys.sign({ sub: "bench", acsScope: "voip,chat" });
  };
  for (let i = 0; i < 200; i++) await round();
  return async (ops) => {
    const started = performance.now();
    for (let i = 0; i < ops; i++) await round();
    return ((performance.now() - started) * 1000) / ops;
  };
}

export async function runExchangeBenchmark(): Promise<void> {
  const { child, descriptor } = await startServer();
  try {
    const service = await exchangeMeter(descriptor);
    const jose = await joseMeter();
    console.log("Teams token exchange (acs-sandbox serve, HTTPS, HMAC-signed, %d concurrent)", CONCURRENCY);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const rate = await service(ROUND_MS);
      const micros = await jose(JOSE_ROUND_OPS);
      const joseRate = 1_000_000 / micros;
      ratios.push(joseRate / rate);
      console.log(
        `  round ${round}: service ${rate.toFixed(0)} exchanges/s (${(1_000_000 / rate).toFixed(0)} µs each) · ` +
          `jose ${joseRate.toFixed(0)} verify+sign/s (${micros.toFixed(0)} µs) · ratio ${(joseRate / rate).toFixed(2)}×`,
      );
    }
    console.log(
      `  ratio:   the service costs ${median(ratios).toFixed(2)}× the raw cryptography (median of ${ROUNDS} rounds)`,
    );
  } finally {
    child.kill("SIGTERM");
  }
}
