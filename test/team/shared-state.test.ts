import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import type { SandboxStore } from "../../core/store.js";
import { FaultInjector } from "../../harness/operator/faults/injector.js";
import { StoredFaultCounts } from "../../harness/operator/faults/stored-counts.js";
import { SharedState } from "../../harness/sandbox/shared-state.js";
import { World, defaultWorld } from "../../harness/sandbox/world.js";
import { sharedStore } from "../support/gated-store.js";

/*
 * The documents every replica shares (world, clock, fault rules) under the interleavings a shared store
 * allows: a re-read racing a local change, two writes of one document racing each other, two local
 * world edits racing another replica's. The store (test/support/gated-store.ts) holds a read or a
 * write until the test lets it go, so each interleaving is forced rather than hoped for.
 */

async function replica(store: SandboxStore) {
  const clock = new Clock("2026-01-01T00:00:00Z");
  const initialWorld = defaultWorld();
  const world = new World(initialWorld.document);
  const faults = new FaultInjector(clock, new StoredFaultCounts(store));
  const shared = new SharedState({ store, world, initialWorld, clock, faults, startTime: undefined });
  await shared.start();
  return { clock, world, faults, shared };
}

const redirectUris = (world: World) => world.document.apps["contoso-teams"]!.redirectUris!.publicClient ?? [];

const addRedirectUri = (uri: string) => (world: World) =>
  world.edit((doc) => {
    doc.apps["contoso-teams"]!.redirectUris!.publicClient!.push(uri);
  });

describe("the documents replicas share", () => {
  it("keeps a fault rule added while a re-read of the rules was under way", async () => {
    const { store, hold } = sharedStore();
    const a = await replica(store);
    const b = await replica(store);
    b.faults.add({ id: "from-b", status: 503 });
    await b.shared.persisted();

    // The re-read of the rules reads b's, then answers only after a has replaced them with its own.
    const rulesRead = hold("readDocument");
    const sync = a.shared.sync();
    await new Promise((resolve) => setImmediate(resolve));
    a.faults.clear();
    a.faults.add({ id: "mine", status: 500 });
    rulesRead.open();
    await sync;
    // What the next request at a is served with:
    expect(a.faults.list().map((r) => r.id)).toEqual(["mine"]);
    await a.shared.persisted();
    await a.shared.sync();
    expect(a.faults.list().map((r) => r.id)).toEqual(["mine"]);

    await b.shared.sync();
    expect(b.faults.list().map((r) => r.id)).toEqual(["mine"]);
  });

  it("writes one document's changes in order, so the store ends with the last", async () => {
    const { store, hold } = sharedStore();
    const a = await replica(store);
    const b = await replica(store);
    const firstWrite = hold("writeDocument");
    a.faults.add({ id: "first", status: 500 });
    a.faults.add({ id: "second", status: 503 });
    // The first write waits; the second must not overtake it and be overwritten by the older copy.
    await new Promise((resolve) => setImmediate(resolve));
    firstWrite.open();
    await a.shared.persisted();

    await b.shared.sync();
    expect(b.faults.list().map((r) => r.id)).toEqual(["first", "second"]);
  });

  it("keeps the clock a replica set last, across replicas", async () => {
    const { store, hold } = sharedStore();
    const a = await replica(store);
    const b = await replica(store);
    const startOffset = a.clock.offsetMs;
    const firstWrite = hold("writeDocument");
    a.clock.advance("1h");
    a.clock.advance("1h");
    await new Promise((resolve) => setImmediate(resolve));
    firstWrite.open();
    await a.shared.persisted();
    await b.shared.sync();
    expect(b.clock.offsetMs - startOffset).toBe(2 * 3_600_000);
  });

  it("applies each of two local world edits once, on top of another replica's edit that came first", async () => {
    const { store, hold } = sharedStore();
    const a = await replica(store);
    const b = await replica(store);
    const before = redirectUris(a.world).length;

    const aWrites = hold("writeDocument");
    const first = a.shared.change(addRedirectUri("http://localhost:1001"));
    const second = a.shared.change(addRedirectUri("http://localhost:1002"));
    await b.shared.change(addRedirectUri("http://localhost:2001"));
    aWrites.open();
    await Promise.all([first, second]);

    await a.shared.sync();
    await b.shared.sync();
    for (const world of [a.world, b.world]) {
      const uris = redirectUris(world);
      expect(uris).toHaveLength(before + 3);
      expect(uris.slice(before).sort()).toEqual([
        "http://localhost:1001",
        "http://localhost:1002",
        "http://localhost:2001",
      ]);
    }
  });
});
