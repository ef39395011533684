import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { setupServer } from "msw/node";
import type { RunningSandbox, StartSandboxOptions } from "../harness/index.js";
import { cannedHandlers, type CannedStory } from "./canned.js";
import { measureFloor, type Floor } from "./floor.js";
import { profileVariant } from "./profile.js";
import { goal, median } from "./support.js";

/*
 * What one contract test costs, the way tests are written: a fresh MSAL Node PublicClientApplication signs
 * alice in by ROPC for the Teams scopes, a fresh CommunicationIdentityClient exchanges her token
 * (getTokenForTeamsUser). Four ways to answer it, interleaved in rounds in this one process:
 *   canned    msw handlers returning fixed bodies (bench/canned.ts): what a team writes instead;
 *   fresh     startSandbox({ mode: "intercept" }) … close() around every test (the acs-sandbox/vitest
 *             fixture): close() resets the sandbox and parks it, the next start takes it (the pool);
 *   unpooled  the same with a sandbox built anew each test (a no-op plugin keeps it out of the pool);
 *   reset     one sandbox for the file, reset() after every test (suiteSandbox + reset).
 * Goals, as median ratios against canned: fresh ≤ 2×, reset ≤ 1.2×; both beside the floor (floor.ts). `--profile` adds a CPU profile of
 * each way (where the time of a test goes); BENCH_ROUNDS, BENCH_TESTS and BENCH_WARM_UP_ROUNDS scale the run.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const TESTS_PER_ROUND = Number(process.env.BENCH_TESTS ?? 15);
const WARM_UP_ROUNDS = Number(process.env.BENCH_WARM_UP_ROUNDS ?? 3);
const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

type StartSandbox = (options?: StartSandboxOptions) => Promise<RunningSandbox>;
/** The package's entry: `startSandbox`, and `releaseSandboxPool` to measure canned handlers alone. */
interface Library {
  startSandbox: StartSandbox;
  releaseSandboxPool(): Promise<void>;
}
export type Variant = "canned" | "fresh" | "unpooled" | "reset";

/** What the test needs to know: the same ids whichever side answers. */
interface Story extends CannedStory {
  password: string;
  connectionString: string;
}

function storyOf(sb: RunningSandbox): Story {
  const d = sb.descriptor;
  const app = d.apps.find((a) => a.name === "contoso-teams")!;
  const alice = d.users.find((u) => u.name === "alice")!;
  const tenant = d.tenants.find((t) => t.name === alice.tenant)!;
  return {
    tenantId: tenant.id,
    clientId: app.clientId,
    objectId: alice.objectId,
    upn: alice.upn,
    name: "Alice",
    password: alice.password,
    acsResourceId: d.acs[0]!.resourceId,
    connectionString: d.acs[0]!.connectionString,
  };
}

/** The test itself: real MSAL Node, real Identity SDK, nothing shared between tests but the process. */
export async function quickstartTest(story: Story): Promise<void> {
  const pca = new PublicClientApplication({
    auth: { clientId: story.clientId, authority: "https://login.microsoftonline.com/organizations" },
  });
  const signedIn = await pca.acquireTokenByUsernamePassword({
    scopes: TEAMS_SCOPES,
    username: story.upn,
    password: story.password,
  });
  if (!signedIn?.accessToken) throw new Error("MSAL returned no token");
  const identity = new CommunicationIdentityClient(story.connectionString);
  const teams = await identity.getTokenForTeamsUser({
    teamsUserAadToken: signedIn.accessToken,
    clientId: story.clientId,
    userObjectId: story.objectId,
  });
  if (!teams.token || !(teams.expiresOn instanceof Date)) throw new Error("no Communication Services token");
}

/** Runs `count` tests one way and returns each test's milliseconds, setup and teardown included. */
export type Runner = (count: number) => Promise<number[]>;

/** Where one test's time went: starting its sandbox, the SDK calls, closing or resetting it. */
interface Phases {
  start: number;
  test: number;
  end: number;
}
/** The phases of the last run's tests (fresh and reset only). */
const phases: Phases[] = [];
const phaseLog: Record<Variant, Phases[]> = { canned: [], fresh: [], unpooled: [], reset: [] };
/** A plugin that serves nothing: its only effect is that the sandbox is built anew, outside the pool. */
const NOTHING: NonNullable<StartSandboxOptions["plugins"]>[number] = async () => {};

export async function runners(lib: Library): Promise<Record<Variant, Runner>> {
  const { startSandbox } = lib;
  const probe = await startSandbox({ mode: "intercept" });
  const story = storyOf(probe);
  await probe.close();
  const handlers = await cannedHandlers(story);
  const timed = async (count: number, test: () => Promise<void>) => {
    phases.length = 0;
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await test();
      ms.push(performance.now() - started);
    }
    return ms;
  };
  const freshEachTest = (count: number, options: StartSandboxOptions) =>
    timed(count, async () => {
      const t0 = performance.now();
      const sb = await startSandbox(options);
      const t1 = performance.now();
      try {
        await quickstartTest(story);
      } finally {
        const t2 = performance.now();
        await sb.close();
        phases.push({ start: t1 - t0, test: t2 - t1, end: performance.now() - t2 });
      }
    });
  return {
    async canned(count) {
      // As a suite of canned handlers runs: no sandbox kept for reuse, no msw server of ours beside it.
      await lib.releaseSandboxPool();
      const server = setupServer(...handlers);
      server.listen({ onUnhandledRequest: "error" });
      try {
        return await timed(count, () => quickstartTest(story));
      } finally {
        server.close();
      }
    },
    fresh: (count) => freshEachTest(count, { mode: "intercept" }),
    unpooled: (count) => freshEachTest(count, { mode: "intercept", plugins: [NOTHING] }),
    async reset(count) {
      const sb = await startSandbox({ mode: "intercept" });
      try {
        return await timed(count, async () => {
          const t1 = performance.now();
          try {
            await quickstartTest(story);
          } finally {
            const t2 = performance.now();
            await sb.reset();
            phases.push({ start: 0, test: t2 - t1, end: performance.now() - t2 });
          }
        });
      } finally {
        await sb.close();
      }
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const GOALS: Partial<Record<Variant, number>> = { fresh: 2, reset: 1.2 };
const LABELS: Record<Variant, string> = {
  canned: "canned msw handlers",
  fresh: "fresh sandbox per test (pooled)",
  unpooled: "fresh sandbox, built anew",
  reset: "one sandbox + reset()",
};

function printFloor(floor: Floor, canned: number): number {
  // The sandbox signs the access token and id_token at once (token-response.ts), and the ACS token ahead,
  // on the pool's spare thread while the client reads its token response (KeySet.signAhead): with a
  // second core free, a test waits for the pair and the verify only.
  const onThePathMs = floor.pairMs + floor.verifies * floor.verifyMs;
  const total = canned + onThePathMs + floor.injectMs;
  console.log(
    `  floor:  ${floor.signs} RSA-2048 signs + ${floor.verifies} verify = ${floor.cryptoMs.toFixed(2)} ms ` +
      `(node:crypto, this process; one sign ${floor.signMs.toFixed(2)} ms, one verify ${floor.verifyMs.toFixed(2)} ms)`,
  );
  console.log(
    `          on the test's path: the access token and id_token signed together (${floor.pairMs.toFixed(2)} ms for the pair) ` +
      `+ the verify = ${onThePathMs.toFixed(2)} ms; the ACS token is signed ahead, while the client reads its token response`,
  );
  console.log(
    `          + ${floor.injects} app.inject() round trips into a bare fastify app = ${floor.injectMs.toFixed(2)} ms`,
  );
  console.log(
    `          canned + crypto on the path + inject = ${total.toFixed(2)} ms: ${(total / canned).toFixed(2)}× canned is the least the real flow costs in-process`,
  );
  // Overlap needs a second core free at once: on a VM whose other vCPU is busy or slow to wake, the signs queue.
  const sequential = canned + floor.cryptoMs + floor.injectMs;
  console.log(
    `          (with no core free beside this thread, every sign one after another: ${sequential.toFixed(2)} ms, ${(sequential / canned).toFixed(2)}× canned;`,
  );
  console.log(
    `          the pair as a test meets it, after 2 ms idle, one sign on the pool and one here: ${floor.pairAfterIdleMs.toFixed(2)} ms, against ${floor.signMs.toFixed(2)} for one)`,
  );
  return total;
}

export async function runPerTestBenchmark(args: string[] = []): Promise<void> {
  const profile = args.includes("--profile");
  // The built package, as `import { startSandbox } from "acs-sandbox"` loads it; the sources when
  // profiling, so the profile names source files rather than bundle chunks.
  const lib = (profile
    ? await import("../harness/index.js")
    : await import("../dist/harness/index.js")) as unknown as Library;
  const run = await runners(lib);
  const variants: Variant[] = ["canned", "fresh", "unpooled", "reset"];
  // Warm-up: module loads, keys, the first msw patch, and V8's optimising of the code every way runs
  // (MSAL, the Identity SDK, msw; the sandbox's code for the last three). A suite of thousands of tests
  // runs warm: with 3 tests each, the sandbox's ways still ran ~0.5 ms a test slower in the first
  // rounds than in the last, whichever came first.
  for (let round = 0; round < WARM_UP_ROUNDS; round++)
    for (const v of variants) await run[v](TESTS_PER_ROUND);
  const ms: Record<Variant, number[]> = { canned: [], fresh: [], unpooled: [], reset: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Rotated start, so no way always follows the same one (GC debt, a warm msw patch).
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(round + i) % variants.length]!;
      ms[v].push(...(await run[v](TESTS_PER_ROUND)));
      phaseLog[v].push(...phases);
    }
  }
  const canned = median(ms.canned);
  console.log(
    `Per-test cost: MSAL Node ROPC + getTokenForTeamsUser, ${ROUNDS} interleaved rounds of ${TESTS_PER_ROUND} tests each way`,
  );
  for (const v of variants) {
    const m = median(ms[v]);
    const ratio = m / canned;
    const wanted = GOALS[v];
    const target = wanted === undefined ? "" : ` (goal ≤ ${wanted}×: ${goal(ratio <= wanted)})`;
    console.log(
      `  ${LABELS[v].padEnd(32)} median ${m.toFixed(2).padStart(6)} ms · p90 ${percentile(ms[v], 0.9)
        .toFixed(2)
        .padStart(6)} ms · ${ratio.toFixed(2)}× canned${target}`,
    );
  }
  const phase = (v: Variant, key: keyof Phases) => median(phaseLog[v].map((p) => p[key])).toFixed(2);
  for (const v of ["fresh", "unpooled"] as const) {
    console.log(
      `  phases (medians), ${v}: startSandbox ${phase(v, "start")} + SDK calls ${phase(v, "test")} + close ${phase(v, "end")} ms`,
    );
  }
  console.log(
    `  phases (medians), reset: SDK calls ${phase("reset", "test")} + reset() ${phase("reset", "end")} ms`,
  );
  const floor = printFloor(await measureFloor(), canned);
  for (const v of ["fresh", "reset"] as const) {
    const above = median(ms[v]) - floor;
    console.log(
      `  ${LABELS[v]}: ${(median(ms[v]) / floor).toFixed(2)}× the floor (${above >= 0 ? "+" : ""}${above.toFixed(2)} ms)`,
    );
  }
  if (profile) {
    await (await import("./start-breakdown.js")).runStartBreakdown();
    for (const v of variants) await profileVariant(LABELS[v], run[v], TESTS_PER_ROUND * 4);
  }
}
