import { spawnSync } from "node:child_process";
import { defaultCaDir, tlsMaterial } from "../harness/sandbox/ca.js";

/*
 * `npm run bench [-- NAME...]`: every benchmark, or the ones named (`soak` only when named; `per-test
 * --profile` adds a CPU profile of each way of running a test). Each prints its figures beside its
 * baseline, measured side by side in the same run. The exchange benchmark talks HTTPS to a sandbox whose
 * certificate the sandbox CA signs; Node reads NODE_EXTRA_CA_CERTS only at start-up, so unless it names
 * that CA this script restarts itself with it set (Node's bundled roots stay trusted).
 */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  startup: async () => (await import("./startup.js")).runStartupBenchmark(),
  "warm-start": async () => (await import("./warm-start.js")).runWarmStartBenchmark(),
  "token-endpoint": async () => (await import("./token-endpoint.js")).runTokenEndpointBenchmark(),
  exchange: async () => (await import("./exchange.js")).runExchangeBenchmark(),
  memory: async () => (await import("./memory.js")).runMemoryBenchmark(),
  identities: async () => (await import("./identities.js")).runIdentityBenchmark(),
  store: async () => (await import("./store.js")).runStoreBenchmark(),
  scenarios: async () => (await import("./scenarios.js")).runScenariosBenchmark(),
  "per-test": async () => (await import("./per-test.js")).runPerTestBenchmark(process.argv.slice(2)),
};

const { caCertPath } = await tlsMaterial(defaultCaDir());
if (process.env.NODE_EXTRA_CA_CERTS !== caCertPath) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
  });
  process.exit(child.status ?? 1);
}

// `npm run bench -- soak --minutes 10` runs the soak alone (bounded, not part of the default run).
if (process.argv[2] === "soak") {
  const { runSoak } = await import("./soak.js");
  await runSoak(process.argv.slice(3));
  process.exit(0);
}

// Options (`--profile`) go to the benchmarks that take them; the rest name benchmarks.
const named = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const unknown = named.filter((n) => !(n in BENCHMARKS));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(", ")}: choose from ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
for (const name of named.length ? named : Object.keys(BENCHMARKS)) {
  await BENCHMARKS[name]!();
  console.log("");
}
