import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Descriptor } from "../harness/sandbox/descriptor.js";
import { compareThroughput, loadClient, spawnUntilReady, type Child, type Post } from "./support.js";

/*
 * The token endpoint under load: password grants (two RS256 signatures per answer), 32 keep-alive HTTPS
 * connections, `acs-sandbox serve` beside the bare fastify + jose server in alternating rounds. Goal:
 * ≥ 0.85× the bare server's requests per second. With BENCH_PROFILE=1 the sandbox runs under
 * `--cpu-prof` and the run ends with where its CPU went, by package and by function.
 */

const ROUNDS = 3;
const ROUND_MS = 3_000;
const CONNECTIONS = 32;
const SCOPE = "https://auth.msft.communication.azure.com/Teams.ManageCalls openid profile offline_access";

export function passwordGrant(d: Descriptor): Post {
  const tenant = d.tenants.find((t) => t.name === "fabrikam")!;
  const alice = d.users.find((u) => u.name === "alice")!;
  const app = d.apps.find((a) => a.name === "contoso-teams")!;
  return {
    url: `${d.baseUrl}/${tenant.id}/oauth2/v2.0/token`,
    body: new URLSearchParams({
      grant_type: "password",
      client_id: app.clientId,
      username: alice.upn,
      password: alice.password,
      scope: SCOPE,
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

/**
 * `serve` on a free port, under `extraNodeArgs`. By default with a data dir of its own (memory and
 * keys as a kept sandbox has them); `{ dataDir: false }` keeps the default CA, which bench/run.ts hands
 * to this process, for benches whose clients (MSAL) check the certificate.
 */
export async function startServe(
  extraNodeArgs: string[] = [],
  { dataDir = true }: { dataDir?: boolean } = {},
): Promise<{ child: Child; descriptor: Descriptor }> {
  const kept = dataDir ? ["--data-dir", mkdtempSync(join(tmpdir(), "acs-sandbox-bench-"))] : [];
  const child = await spawnUntilReady([
    ...extraNodeArgs,
    "dist/harness/cli/index.js",
    "serve",
    "--port",
    "0",
    "--json",
    ...kept,
  ]);
  return { child, descriptor: JSON.parse(child.firstLine) as Descriptor };
}

export async function startBare(): Promise<{ child: Child; post: Post }> {
  const child = await spawnUntilReady([
    "bench/baseline-server.mjs",
    mkdtempSync(join(tmpdir(), "bench-bare-")),
  ]);
  const port = child.firstLine.split(" ")[1];
  const post = {
    url: `https://localhost:${port}/fabrikam/oauth2/v2.0/token`,
    body: new URLSearchParams({
      grant_type: "password",
      client_id: "bench",
      username: "alice@fabrikam.onmicrosoft.com",
      password: "Passw0rd!",
      scope: SCOPE,
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
  return { child, post };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time of a `.cpuprofile`, by package (or own module) and by function, as shares of all samples. */
export function summariseProfile(dir: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) return console.log("  (no profile written)");
  const { nodes } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: ProfileNode[] };
  // Shares of the time the process was busy: idle samples say how loaded the machine was, not where CPU went.
  const busy = nodes.filter((n) => !["(idle)", "(program)"].includes(n.callFrame.functionName));
  const total = busy.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of busy) {
    const hits = node.hitCount ?? 0;
    const { url, functionName, lineNumber } = node.callFrame;
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (/\/dist\/([^/]+\/[^/]+)/.exec(url)?.[1] ||
        (url.startsWith("node:") ? url : url ? "other" : functionName));
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    const fn = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `    ${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log("  where the sandbox's busy CPU went (self time, by package):");
  console.log(top(byPackage, 12).join("\n"));
  console.log("  by function:");
  console.log(top(byFunction, 12).join("\n"));
}

export async function runTokenEndpointBenchmark(): Promise<void> {
  const profileDir = process.env.BENCH_PROFILE ? mkdtempSync(join(tmpdir(), "bench-prof-")) : undefined;
  const serve = await startServe(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []);
  const bare = await startBare();
  const client = loadClient(CONNECTIONS);
  const sandboxGrant = passwordGrant(serve.descriptor);
  try {
    await client.rate(sandboxGrant, 1_500); // warm-up under load on both sides
    await client.rate(bare.post, 1_500);
    console.log(`Token endpoint: password grant, HTTPS, ${CONNECTIONS} connections`);
    await compareThroughput(
      {
        name: "serve",
        unit: " req/s",
        rate: (ms) => client.rate(sandboxGrant, ms),
        pid: serve.child.child.pid,
      },
      {
        name: "bare fastify+jose",
        unit: " req/s",
        rate: (ms) => client.rate(bare.post, ms),
        pid: bare.child.child.pid,
      },
      { rounds: ROUNDS, roundMs: ROUND_MS, atLeast: 0.85 },
    );
  } finally {
    client.close();
    await serve.child.stop();
    await bare.child.stop();
  }
  if (profileDir) summariseProfile(profileDir);
}
