import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * `npm run bench -- per-test --profile`: a V8 CPU profile of each way of running the test, summarised as
 * self time per test by owner (a package under node_modules, a source folder of this project, node's
 * internals, the garbage collector) and the functions that cost the most. The raw .cpuprofile is kept in
 * the temp folder for Chrome DevTools or speedscope.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who owns a frame: `msw`, `@azure/msal-node`, `harness/sandbox`, `node`, `(garbage collector)`. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node";
  const own = /\/(core|mock-aad|mock-acs|harness\/[^/]+|bench|dist\/[^/]+)\//.exec(url);
  return own ? own[1]! : url;
}

const OWN_CODE = /\/(core|mock-aad|mock-acs|harness)\/[^/]+\.ts$/;

/** Self milliseconds per owner and per function, from the samples and their time deltas. */
function selfTimes(profile: CpuProfile, untilMicros: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  /** Synchronous inclusive time of this project's own functions (an await cuts the stack). */
  const inclusive = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    // Samples after the run, or in the inspector's own call, are Profiler.stop serialising the profile.
    if (at > untilMicros || node.callFrame.functionName === "dispatch") return;
    const ms = delta / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const file = url.split("/").slice(-2).join("/");
    const key = `${functionName || "(anonymous)"}  ${file ? `${file}:${lineNumber + 1}` : owner}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!OWN_CODE.test(frame.url) || !frame.functionName) continue;
      const name = `${frame.functionName}  ${frame.url.split("/").slice(-2).join("/")}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  });
  return { owners, functions, inclusive };
}

function top(map: Map<string, number>, n: number, tests: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => `    ${(ms / tests).toFixed(3).padStart(7)} ms  ${name}`);
}

/** Profiles `tests` runs of one way and prints where its time went, per test. */
export async function profileVariant(
  label: string,
  run: (count: number) => Promise<number[]>,
  tests: number,
): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const started = performance.now();
  await run(tests);
  const wallMs = performance.now() - started;
  // V8 stamps samples with the monotonic clock in microseconds, as hrtime reads it.
  const untilMicros = Number(process.hrtime.bigint() / 1000n);
  const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
  session.disconnect();
  const file = join(tmpdir(), `acs-sandbox-per-test-${label.replace(/\W+/g, "-")}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const { owners, functions, inclusive } = selfTimes(profile, untilMicros);
  const idle = owners.get("(idle)") ?? 0;
  console.log(
    `\nProfile: ${label}, ${tests} tests, ${(wallMs / tests).toFixed(2)} ms wall per test ` +
      `(${(idle / tests).toFixed(2)} ms of it idle: the thread pool's RSA, timers, I/O). ${file}`,
  );
  console.log("  self time per test by owner:");
  for (const line of top(owners, 14, tests)) console.log(line);
  console.log("  self time per test by function:");
  for (const line of top(functions, 22, tests)) console.log(line);
  console.log("  this project's functions, synchronous time with what they call, per test:");
  for (const line of top(inclusive, 22, tests)) console.log(line);
}
