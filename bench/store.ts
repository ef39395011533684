import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Descriptor } from "../harness/sandbox/descriptor.js";
import { startTestPostgres } from "../test/support/postgres.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../test/support/round-robin.js";
import { hmacHeaders, loadClient, median, spawnUntilReady, type Child, type Post } from "./support.js";
import { passwordGrant } from "./token-endpoint.js";

/*
 * What a team sandbox costs and gives, for information (no goal): the same load on `serve` with its
 * state in SQLite (a data dir), on one `serve` with its state in PostgreSQL, and on two PostgreSQL
 * replicas behind a round-robin TCP proxy (test/support/round-robin.ts). The load: password grants
 * (ROPC), client-credentials grants and ACS identity creations, 16 keep-alive HTTPS connections, in
 * rounds that alternate between the three set-ups so background load hits them alike. PostgreSQL is a
 * throwaway cluster on loopback with its default durability (fsync on), as SQLite's writes are durable.
 * Everything runs on this one machine: two replicas share its cores with PostgreSQL and the load.
 */

const ROUNDS = 3;
const ROUND_MS = 2_000;
const CONNECTIONS = 16;

interface Setup {
  name: string;
  descriptor: Descriptor;
}

function clientCredentialsGrant(d: Descriptor): Post {
  const contoso = d.tenants.find((t) => t.name === "contoso")!;
  const backend = d.apps.find((a) => a.name === "contoso-backend")!;
  return {
    url: `${d.baseUrl}/${contoso.id}/oauth2/v2.0/token`,
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: backend.clientId,
      client_secret: "contoso-backend-secret",
      scope: "https://communication.azure.com//.default",
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

function identityCreation(d: Descriptor): Post {
  const acs = d.acs[0]!;
  const url = new URL("/identities?api-version=2023-10-01", acs.endpoint);
  const body = JSON.stringify({ createTokenFor: ["voip"] });
  // Signed per request: the HMAC covers the date.
  return {
    url: url.toString(),
    body,
    headers: (b) => hmacHeaders(url, b, acs.connectionString),
  };
}

const WORKLOADS: { name: string; post: (d: Descriptor) => Post }[] = [
  { name: "password grant (ROPC)", post: passwordGrant },
  { name: "client credentials", post: clientCredentialsGrant },
  { name: "ACS identity creation", post: identityCreation },
];

async function serve(args: string[], dirs: string[], children: Child[]): Promise<Child> {
  const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-bench-store-"));
  dirs.push(dataDir);
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("ACS_SANDBOX_")) delete env[name];
  const child = await spawnUntilReady(
    [
      "dist/harness/cli/index.js",
      "serve",
      "--json",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--no-port-443",
      "--data-dir",
      dataDir,
      ...args,
    ],
    { env },
  );
  children.push(child);
  return child;
}

const descriptorOf = (child: Child) => JSON.parse(child.firstLine) as Descriptor;

export async function runStoreBenchmark(): Promise<void> {
  const pg = await startTestPostgres({ durable: true });
  const dirs: string[] = [];
  const setups: Setup[] = [];
  const children: Child[] = [];
  let proxy: RoundRobinProxy | undefined;
  const client = loadClient(CONNECTIONS);
  try {
    const sqlite = await serve([], dirs, children);
    setups.push({ name: "SQLite", descriptor: descriptorOf(sqlite) });
    const single = await serve(["--store", `${pg.url}?schema=bench_single`], dirs, children);
    setups.push({ name: "PostgreSQL", descriptor: descriptorOf(single) });
    // The pair: the first replica stores the CA and keys before the second starts, as in a rollout.
    const first = await serve(["--store", `${pg.url}?schema=bench_pair`], dirs, children);
    const second = await serve(["--store", `${pg.url}?schema=bench_pair`], dirs, children);
    proxy = await startRoundRobinProxy(
      [first, second].map((c) => ({
        host: "127.0.0.1",
        port: Number(new URL(descriptorOf(c).baseUrl).port),
      })),
    );
    const d = descriptorOf(first);
    // Every URL through the proxy: the issuer and the HMAC's host follow the Host the client sends.
    const viaProxy = JSON.parse(
      JSON.stringify(d).replaceAll(new URL(d.baseUrl).host, `127.0.0.1:${proxy.port}`),
    ) as Descriptor;
    setups.push({ name: "2 × PostgreSQL", descriptor: viaProxy });

    console.log(
      `Store: one serve on SQLite, one on PostgreSQL, two on PostgreSQL behind a round-robin proxy ` +
        `(HTTPS, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_MS / 1000} s each; medians in requests per second)`,
    );
    console.log(
      `  ${"".padEnd(24)}${setups.map((s) => s.name.padStart(16)).join("")}${"PG / SQLite".padStart(13)}${"2 PG / 1 PG".padStart(13)}`,
    );
    for (const workload of WORKLOADS) {
      for (const setup of setups) await client.rate(workload.post(setup.descriptor), 500); // warm-up
      const rates = setups.map(() => [] as number[]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, setup] of setups.entries()) {
          rates[i]!.push(await client.rate(workload.post(setup.descriptor), ROUND_MS));
        }
      }
      const [lite, one, two] = rates.map(median) as [number, number, number];
      console.log(
        `  ${workload.name.padEnd(24)}${[lite, one, two].map((r) => r.toFixed(0).padStart(16)).join("")}` +
          `${`${(one / lite).toFixed(2)}×`.padStart(13)}${`${(two / one).toFixed(2)}×`.padStart(13)}`,
      );
    }
    console.log(`  connections through the proxy, per replica: ${proxy.connections.join(" · ")}`);
  } finally {
    client.close();
    await proxy?.close();
    for (const child of children) await child.stop();
    pg.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
