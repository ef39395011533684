import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { createInterface } from "node:readline";

/*
 * What every benchmark shares: medians, child servers timed to their first line, and a keep-alive
 * HTTPS load loop. Services and baselines are measured in alternating rounds, so background load on a
 * shared machine hits both alike; the figures that count are the median ratios.
 */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface Child {
  child: ChildProcess;
  firstLine: string;
  /** Milliseconds from spawn to the first line on stdout. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Spawns `node ...args` and waits for its ready line on stdout (default: the first line). */
export async function spawnUntilReady(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ready?: RegExp } = {},
): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: options.env ?? process.env,
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onLine = (line: string) => {
      if (options.ready && !options.ready.test(line)) return;
      lines.off("line", onLine);
      child.stdout!.resume();
      resolve(line);
    };
    lines.on("line", onLine);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
  const readyMs = performance.now() - started;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { child, firstLine, readyMs, stop };
}

/** Resident set size now and at its peak (VmHWM), in MB, of a child on Linux. */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

export interface Post {
  url: string;
  body: string;
  headers?: Record<string, string> | ((body: string) => Record<string, string>);
}

/**
 * A keep-alive HTTPS client with `connections` sockets. The certificates are the sandbox's and the
 * baseline's own, on loopback; the benchmark measures servers, not trust.
 */
export function loadClient(connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, rejectUnauthorized: false });
  const once = (post: Post) =>
    new Promise<void>((resolve, reject) => {
      const url = new URL(post.url);
      const headers = typeof post.headers === "function" ? post.headers(post.body) : (post.headers ?? {});
      const req = request(
        url,
        { method: "POST", agent, headers: { "content-length": Buffer.byteLength(post.body), ...headers } },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 || res.statusCode === 201
              ? resolve()
              : reject(new Error(`${url.pathname} answered ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(post.body);
    });
  /** Requests per second over `ms`, `connections` at a time. */
  const rate = async (post: Post, ms: number) => {
    let done = 0;
    const started = performance.now();
    const deadline = started + ms;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          await once(post);
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  };
  /** Sends `count` requests, `connections` at a time. */
  const send = async (post: Post | (() => Post), count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next++ < count) await once(typeof post === "function" ? post() : post);
      }),
    );
  };
  return { once, rate, send, close: () => agent.destroy() };
}

export function goal(met: boolean): string {
  return met ? "meets the goal" : "misses the goal";
}

/**
 * CPU seconds a process has used (all its threads, user + system), from /proc on Linux; undefined
 * elsewhere. Beside requests per second, it says what one answer costs the server itself, apart from
 * the load generator that shares the machine's cores.
 */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Requests per second of one round, and the server's CPU milliseconds per request in it. */
async function measuredRound(
  server: LoadedServer,
  roundMs: number,
): Promise<{ perSecond: number; cpuMs: number | undefined }> {
  const before = cpuSecondsOf(server.pid);
  const perSecond = await server.rate(roundMs);
  const after = cpuSecondsOf(server.pid);
  const requests = (perSecond * roundMs) / 1000;
  const cpuMs =
    before === undefined || after === undefined ? undefined : ((after - before) * 1000) / requests;
  return { perSecond, cpuMs };
}

/** One side of a throughput comparison: how a round names it, loads it, and the process it runs in. */
export interface LoadedServer {
  /** `serve`, `bare fastify+jose`. */
  name: string;
  /** After the rate: ` req/s`, ` exchanges/s`. */
  unit: string;
  /** Answers per second under the load client for `ms`. */
  rate: (ms: number) => Promise<number>;
  pid: number | undefined;
}

/**
 * `rounds` alternating rounds of `roundMs` on the sandbox and the bare server, each printed with both
 * servers' CPU per answer; then the median ratio of their rates against `atLeast` (the goal), and the
 * median ratio of their CPU per answer (information).
 */
export async function compareThroughput(
  sandbox: LoadedServer,
  bare: LoadedServer,
  { rounds, roundMs, atLeast }: { rounds: number; roundMs: number; atLeast: number },
): Promise<void> {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const side = (server: LoadedServer, round: { perSecond: number; cpuMs: number | undefined }) =>
    `${server.name} ${round.perSecond.toFixed(0)}${server.unit}` +
    (round.cpuMs === undefined ? "" : `, ${round.cpuMs.toFixed(2)} ms CPU each`);
  for (let round = 1; round <= rounds; round++) {
    const ours = await measuredRound(sandbox, roundMs);
    const theirs = await measuredRound(bare, roundMs);
    const ratio = ours.perSecond / theirs.perSecond;
    ratios.push(ratio);
    if (ours.cpuMs !== undefined && theirs.cpuMs !== undefined) cpuRatios.push(theirs.cpuMs / ours.cpuMs);
    console.log(
      `  round ${round}: ${side(sandbox, ours)} · ${side(bare, theirs)} · ratio ${ratio.toFixed(2)}×`,
    );
  }
  const ratio = median(ratios);
  console.log(
    `  ratio:   ${ratio.toFixed(2)}× the bare server (goal ≥ ${atLeast}×: ${goal(ratio >= atLeast)})`,
  );
  if (cpuRatios.length > 0) {
    console.log(
      `  by the servers' own CPU per answer: ${median(cpuRatios).toFixed(2)}× (the bare server's CPU per answer over serve's; information)`,
    );
  }
}

/** The headers ACS's HMAC-SHA256 scheme signs a POST with, as the Identity SDK sends them. */
export function hmacHeaders(url: URL, body: string, connectionString: string): Record<string, string> {
  const key = connectionString.split("accesskey=")[1]!;
  const date = new Date().toUTCString();
  const hash = createHash("sha256").update(body).digest("base64");
  const signature = createHmac("sha256", Buffer.from(key, "base64"))
    .update(`POST\n${url.pathname}${url.search}\n${date};${url.host};${hash}`)
    .digest("base64");
  return {
    "content-type": "application/json",
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}
