import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { World } from "../sandbox/world.js";
import type { Sandbox } from "../sandbox/sandbox.js";

/*
 * The in-process sandboxes of this process (a test worker), kept for reuse. Building a sandbox is
 * building its fastify app (~116 routes, each compiled by find-my-way) and collecting the last one's
 * garbage: 10–40 ms, against 0.1 ms for `Sandbox.reset()`. So `close()` of an intercept or handlers mode
 * sandbox resets it and parks it here, and the next `startSandbox()` with the same options takes it under
 * a new handle. What `reset()` restores is the whole of what one test can leave behind (world, codes,
 * refresh tokens, sessions, identities, assignments, clock, faults, journal; the lease cancels the
 * scheduler's waits): test/harness/sandbox-pool.test.ts checks each. Options a reset cannot undo or a
 * second user must not share (plugins, a data dir, a debug log, an admin token, a fixed start time, a
 * `World` object the caller may still change) bypass the pool.
 */

/** Parked sandboxes per set of options, and in all: enough for nested and concurrent tests. */
const MAX_PER_KEY = 4;
const MAX_PARKED = 8;

/** Parked sandboxes by key, oldest first; a Map keeps the keys in the order they were last parked to. */
const parked = new Map<string, Sandbox[]>();

/** What of `startSandbox()`'s options decides whether and which sandbox may be reused. */
export interface PooledOptions {
  scenario?: string | undefined;
  world?: unknown;
  plugins?: readonly unknown[] | undefined;
  dataDir?: string | undefined;
  store?: string | undefined;
  debugLog?: string | undefined;
  adminToken?: string | undefined;
  startTime?: string | undefined;
  looseApiVersion?: boolean | undefined;
}

/** The facts a sandbox is built from, beyond `options`: resolved by startSandbox. */
export interface PoolFacts {
  mode: "intercept" | "handlers";
  keysDir: string | undefined;
  deviceCodeIntervalMs: number | undefined;
  /** The scenario file `options.scenario` names, resolved. */
  scenarioFile: string | undefined;
}

/**
 * The key of the sandboxes `startSandbox(options)` may reuse, or undefined when it must build its own.
 * Files count by their content, so a scenario or world file changed on disk makes a new sandbox.
 */
export function poolKey(options: PooledOptions, facts: PoolFacts): string | undefined {
  if (
    (options.plugins !== undefined && options.plugins.length > 0) ||
    options.dataDir !== undefined ||
    // A store of its own (PostgreSQL, or a test suite run on it) keeps state a parked sandbox must not share.
    options.store !== undefined ||
    process.env.ACS_SANDBOX_TEST_STORE !== undefined ||
    options.debugLog !== undefined ||
    options.adminToken !== undefined ||
    options.startTime !== undefined
  ) {
    return undefined;
  }
  const world = worldKey(options, facts.scenarioFile);
  if (world === undefined) return undefined;
  return JSON.stringify([
    facts.mode,
    options.looseApiVersion ?? false,
    facts.deviceCodeIntervalMs ?? null,
    facts.keysDir ?? null,
    world,
  ]);
}

function worldKey(options: PooledOptions, scenarioFile: string | undefined): string | undefined {
  const { world } = options;
  if (options.scenario !== undefined) {
    if (world !== undefined || scenarioFile === undefined) return undefined;
    return `scenario:${scenarioFile}:${digestOf(scenarioFile)}`;
  }
  if (world === undefined) return "default";
  // The caller keeps the World and may change it; its reset would follow the change.
  if (world instanceof World) return undefined;
  if (typeof world === "string") {
    const digest = digestOf(world);
    return digest === undefined ? undefined : `file:${world}:${digest}`;
  }
  try {
    return `object:${JSON.stringify(world)}`;
  } catch {
    return undefined;
  }
}

/** A file's content digest; undefined when it cannot be read (startSandbox then says why). */
function digestOf(file: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("base64url");
  } catch {
    return undefined;
  }
}

/** A parked sandbox for these options, taken out of the pool. */
export function takeParked(key: string): Sandbox | undefined {
  const list = parked.get(key);
  const sandbox = list?.pop();
  if (list && list.length === 0) parked.delete(key);
  return sandbox;
}

/**
 * Parks a sandbox its handle has closed and reset. Past the limits the oldest parked sandbox closes for
 * good.
 */
export async function park(key: string, sandbox: Sandbox): Promise<void> {
  const list = parked.get(key) ?? [];
  parked.delete(key);
  list.push(sandbox);
  parked.set(key, list);
  const evicted: Sandbox[] = [];
  if (list.length > MAX_PER_KEY) evicted.push(list.shift()!);
  let total = [...parked.values()].reduce((n, l) => n + l.length, 0);
  for (const [oldestKey, oldest] of parked) {
    if (total <= MAX_PARKED) break;
    while (oldest.length > 0 && total > MAX_PARKED && oldestKey !== key) {
      evicted.push(oldest.shift()!);
      total--;
    }
    if (oldest.length === 0) parked.delete(oldestKey);
  }
  await Promise.all(evicted.map((s) => s.close()));
}

/** Closes every parked sandbox (`releaseSandboxPool()`; a process that exits needs none of this). */
export async function drainPool(): Promise<void> {
  const all = [...parked.values()].flat();
  parked.clear();
  await Promise.all(all.map((s) => s.close()));
}
