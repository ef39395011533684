import { spawnSync } from "node:child_process";
import { defaultCaDir, tlsMaterial } from "../harness/sandbox/ca.js";
import { runExchangeBenchmark } from "./exchange.js";

/*
 * `npm run bench`. The benchmarks talk HTTPS to a sandbox whose certificate the sandbox CA signs; Node
 * reads NODE_EXTRA_CA_CERTS only at start-up, so unless it names that CA this script restarts itself with it
 * set (Node's bundled roots stay trusted).
 */
const { caCertPath } = await tlsMaterial(defaultCaDir());
if (process.env.NODE_EXTRA_CA_CERTS !== caCertPath) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
  });
  process.exit(child.status ?? 1);
}

// `npm run bench -- soak --minutes 10` runs the soak alone; otherwise the throughput benchmarks run.
const args = process.argv.slice(2);
if (args[0] === "soak") {
  const { runSoak } = await import("./soak.js");
  await runSoak(args.slice(1));
} else {
  await runExchangeBenchmark();
  const { runIdentityBenchmark } = await import("./identities.js");
  await runIdentityBenchmark();
}
