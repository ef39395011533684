import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminClient } from "../operator/admin-client.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import type { FaultRuleInput } from "../operator/faults/rules.js";
import type { JournalEntry } from "../operator/journal.js";
import { sandboxOf } from "../transports/running.js";
import { startSandbox } from "../transports/start.js";
import type { World, WorldDocument } from "../sandbox/world.js";
import { startServerChild } from "./server-child.js";
import type { RunMode } from "./types.js";

/**
 * What the runner needs from a sandbox besides the SDK traffic: its descriptor, world edits, the clock
 * and the request journal. In intercept mode that is the in-process sandbox; in server mode the sandbox
 * lives in another process, so everything goes through its admin API.
 */
export interface SandboxControl {
  readonly mode: RunMode;
  descriptor(): Promise<Descriptor>;
  world(): Promise<WorldDocument>;
  /** Applies a change to the world; an invalid result changes nothing and throws. */
  editWorld(change: (doc: WorldDocument) => void): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  /** Sandbox time, ms since the epoch. */
  now(): Promise<number>;
  journal(): Promise<JournalEntry[]>;
  /** Adds a fault rule (as `POST /_sandbox/faults`); returns its id. */
  addFault(rule: FaultRuleInput): Promise<string>;
  /** Removes one fault rule, or all of them. */
  clearFaults(id?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `server`: the base URL of an `acs-sandbox serve` that is already running (server mode only). Instead of
 * starting a child, the runner resets that sandbox (`POST /_sandbox/reset`: no codes, sessions, identities,
 * faults or journal, the clock back to now) and gives it the scenario's world, so scenarios played one
 * after another can share one server. Closing leaves the server running.
 */
export async function openSandbox(mode: RunMode, world: World, server?: string): Promise<SandboxControl> {
  if (mode === "intercept") return interceptControl(world);
  return server === undefined ? serverControl(world) : attachedControl(server, world);
}

async function interceptControl(world: World): Promise<SandboxControl> {
  const sb = await startSandbox({ mode: "intercept", world });
  return {
    mode: "intercept",
    descriptor: async () => sb.descriptor,
    world: async () => sb.world,
    // A step's change is a function over the document; the public `editWorld` takes patches instead.
    editWorld: async (change) => sandboxOf(sb)!.world.edit(change),
    advanceClock: async (ms) => void sb.clock.advance({ ms }),
    now: async () => sb.clock.nowMs(),
    journal: async () => sb.requests(),
    addFault: async (rule) => sb.faults.add(rule).id,
    clearFaults: async (id) => {
      if (id === undefined) sb.faults.clear();
      else sb.faults.remove(id);
    },
    close: () => sb.close(),
  };
}

async function serverControl(world: World): Promise<SandboxControl> {
  // The child reads the world from a file; `extends: empty` because the document is already complete.
  const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-scenario-"));
  const worldFile = join(dir, "world.json");
  writeFileSync(worldFile, JSON.stringify({ extends: "empty", ...world.document }));
  let child;
  try {
    child = await startServerChild(["--world", worldFile]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return adminControl(child.descriptor.baseUrl, () => child.stop());
}

async function attachedControl(server: string, world: World): Promise<SandboxControl> {
  const control = adminControl(server.replace(/\/+$/, ""), async () => {});
  await control.reset();
  await control.replaceWorld(world.document);
  return control;
}

function adminControl(
  baseUrl: string,
  close: () => Promise<void>,
): SandboxControl & { reset(): Promise<void>; replaceWorld(doc: WorldDocument): Promise<void> } {
  // A child inherits the environment, so it wants the same admin token this process can read.
  const admin = new AdminClient({ baseUrl, adminToken: process.env.ACS_SANDBOX_ADMIN_TOKEN });
  const replaceWorld = async (doc: WorldDocument) =>
    void (await admin.replaceWorld({ extends: "empty", ...doc }));
  return {
    mode: "server",
    descriptor: () => admin.descriptor(),
    world: () => admin.world(),
    async editWorld(change) {
      const doc = await admin.world();
      change(doc);
      await replaceWorld(doc);
    },
    replaceWorld,
    reset: () => admin.reset(),
    advanceClock: async (ms) => void (await admin.advanceClock({ ms })),
    now: async () => (await admin.now()).getTime(),
    journal: () => admin.requests(),
    addFault: async (rule) => (await admin.faults.add(rule)).id,
    clearFaults: (id) => (id === undefined ? admin.faults.clear() : admin.faults.remove(id)),
    close,
  };
}
