import Fastify from "fastify";
// The built package, as `import { startSandbox } from "acs-sandbox"` loads it (npm run bench builds first).
import { startSandbox } from "../dist/harness/index.js";
import { goal, median } from "./support.js";

/*
 * A warm in-process `startSandbox()` in intercept mode (modules loaded, keys made: what every test after
 * the first one pays), beside building and readying a bare fastify app with one route. Goal: < 20 ms.
 */

const STARTS = 30;

async function sandboxStartMs(): Promise<number> {
  const started = performance.now();
  const sb = await startSandbox({ mode: "intercept" });
  const ms = performance.now() - started;
  await sb.close();
  return ms;
}

async function bareStartMs(): Promise<number> {
  const started = performance.now();
  const app = Fastify();
  app.post("/token", async () => ({ ok: true }));
  await app.ready();
  const ms = performance.now() - started;
  await app.close();
  return ms;
}

export async function runWarmStartBenchmark(): Promise<void> {
  await sandboxStartMs(); // the cold start: imports, keys, msw
  await bareStartMs();
  const sandbox: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    sandbox.push(await sandboxStartMs());
    bare.push(await bareStartMs());
  }
  const ms = median(sandbox);
  console.log(`Warm in-process startSandbox({ mode: "intercept" }), median of ${STARTS}`);
  console.log(
    `  startSandbox ${ms.toFixed(1)} ms · bare fastify app ready ${median(bare).toFixed(1)} ms · ` +
      `ratio ${(ms / median(bare)).toFixed(1)}× (goal < 20 ms: ${goal(ms < 20)})`,
  );
}
