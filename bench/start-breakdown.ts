import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import Fastify from "fastify";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { join } from "node:path";
import { defaultCaDir } from "../harness/sandbox/ca.js";
import { Sandbox } from "../harness/sandbox/sandbox.js";
import { defaultWorld, World } from "../harness/sandbox/world.js";
import { startSandbox } from "../harness/transports/start.js";
import { median } from "./support.js";

/*
 * Where a fresh sandbox's start goes, by timing the parts it is made of one at a time (warm: modules
 * loaded, keys made), so the sandbox's own code stays as it is: parsing the default world, cloning it,
 * building and readying a bare fastify app with as many routes, one msw server's listen and close,
 * Sandbox.create whole (the rest of it is the mocks' own set-up), startSandbox whole, and reset().
 */

const SAMPLES = 40;
/** The sandbox app's routes (`app.printRoutes()` lists 58 paths, most with GET and HEAD). */
const ROUTE_PATHS = 58;

type Op = () => Promise<unknown> | unknown;

/** Median milliseconds of each operation, run in interleaved rounds so background load hits all alike. */
async function timeInterleaved(ops: [string, Op][]): Promise<[string, number][]> {
  for (const [, op] of ops) for (let i = 0; i < 5; i++) await op();
  const ms = ops.map(() => [] as number[]);
  for (let round = 0; round < SAMPLES; round++) {
    for (const [i, [, op]] of ops.entries()) {
      const started = performance.now();
      await op();
      ms[i]!.push(performance.now() - started);
    }
  }
  return ops.map(([label], i) => [label, median(ms[i]!)]);
}

async function bareApp(): Promise<void> {
  const app = Fastify();
  await app.register(formbody);
  await app.register(cookie);
  await app.register(async (scope) => {
    for (let i = 0; i < ROUTE_PATHS; i++) {
      scope.get(`/p${i}/:tenant/segment${i}`, async () => ({ ok: true }));
      scope.post(`/p${i}/:tenant/segment${i}`, async () => ({ ok: true }));
    }
  });
  await app.ready();
  // A request, as the first one in a test compiles find-my-way's lazily built matchers.
  await app.inject({ method: "GET", url: "/p7/fabrikam/segment7" });
  await app.close();
}

export async function runStartBreakdown(): Promise<void> {
  const keysDir = join(defaultCaDir(), "signing-keys");
  const world = defaultWorld();
  const reused = await Sandbox.create({ world, mode: "intercept", keysDir });
  const rows = await timeInterleaved([
    ["defaultWorld(): the bundled world (parsed once per process)", () => defaultWorld()],
    ["new World(document): the copy a sandbox edits", () => new World(world.document)],
    [`bare fastify app, ${ROUTE_PATHS * 2} routes: register, ready, 1 inject, close`, () => bareApp()],
    [
      "msw setupServer + listen + close (intercept mode, when no other sandbox is open)",
      () => {
        const server = setupServer(http.post("https://example.invalid/x", () => HttpResponse.json({})));
        server.listen({ onUnhandledRequest: "bypass" });
        server.close();
      },
    ],
    [
      "Sandbox.create + close (world copy, keys, both mocks, app, ready)",
      async () => (await Sandbox.create({ world, mode: "intercept", keysDir })).close(),
    ],
    [
      "startSandbox({ mode: 'intercept' }) + close()",
      async () => (await startSandbox({ mode: "intercept" })).close(),
    ],
    ["reset() of an untouched sandbox", () => reused.reset()],
  ]);
  await reused.close();
  console.log(`\nWhere a fresh sandbox's start goes (warm, medians of ${SAMPLES}, each part alone)`);
  for (const [label, ms] of rows) console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${label}`);
}
