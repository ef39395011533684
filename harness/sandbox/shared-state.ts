import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { StoreUnavailableError, type SandboxStore } from "../../core/store.js";
import type { FaultInjector, FaultSnapshot } from "../operator/faults/injector.js";
import { World, WorldDocumentSchema, type WorldDocument } from "./world.js";

/*
 * What every replica of a sandbox must see alike: the world as edited, the clock, the fault rules. Each
 * is a document in the store; each replica keeps a copy to serve from (they are read on every request and
 * change rarely) and, when the store is shared, checks the documents' versions before each request
 * (`sync`: one small read), re-reading only what another replica changed.
 *
 * A change is applied to the local copy at once (so `sb.editWorld` and `sb.clock.advance` stay
 * synchronous) and written to the store; routes and the admin API wait for the write (`persisted`)
 * before answering, so nothing a client was told succeeded is lost. A world edit that races another
 * replica's is re-applied on top of it (compare-and-set on the document's version), never lost.
 */

const WORLD = "world";
const CLOCK = "clock";
const FAULTS = "faults";

/** The world as stored: the current document, and which loaded world it started from. */
interface StoredWorld {
  /** Hash of the loaded (base) world: a restart with another scenario starts from that one instead. */
  base: string;
  document: WorldDocument;
}

interface StoredClock {
  offsetMs: number;
}

function hashOf(doc: WorldDocument): string {
  return createHash("sha256").update(JSON.stringify(doc)).digest("base64url");
}

export interface SharedStateParts {
  store: SandboxStore;
  world: World;
  /** The world loaded from the YAML/scenario: the base that `reset` returns to. */
  initialWorld: World;
  clock: Clock;
  faults: FaultInjector;
  /** A start time given for this run: it wins over a stored clock. */
  startTime: string | undefined;
}

export class SharedState {
  readonly #parts: SharedStateParts;
  readonly #base: string;
  #versions = new Map<string, number>();
  #pending = new Set<Promise<unknown>>();
  #failure: StoreUnavailableError | undefined;
  /** Set while this replica adopts another's change, so the change listeners do not write it back. */
  #adopting = false;
  /**
   * Counts this replica's own changes. A re-read that began before one of them would replace it with
   * what the store held earlier (a rule added while the versions were being read, then dropped), so a
   * re-read is adopted only when no local change came in while it was under way; the local change's own
   * write brings the store up to date instead.
   */
  #localChanges = 0;
  /**
   * The store holds the loaded world unchanged (this process wrote or read it, and changed nothing
   * since): a reset then has nothing to write, unless another replica may have changed it.
   */
  #storeHoldsBase = false;
  /** This replica's world changes, in order, not yet kept by the store (re-applied after a race). */
  #unkeptWorldChanges: Array<(world: World) => void> = [];
  /** The last write queued per document (#inOrder). */
  #writes = new Map<string, Promise<void>>();

  constructor(parts: SharedStateParts) {
    this.#parts = parts;
    this.#base = hashOf(parts.initialWorld.document);
    parts.clock.onChange(() => {
      if (this.#adopting) return;
      this.#localChanges++;
      this.#track(this.#inOrder(CLOCK, () => this.#writeClock(this.#parts.clock.offsetMs)));
    });
    parts.faults.onChange(() => {
      if (this.#adopting) return;
      this.#localChanges++;
      this.#track(this.#inOrder(FAULTS, () => this.#writeFaults()));
    });
  }

  /**
   * Takes what the store holds: the world edits of an earlier run from the same loaded world (a restart
   * with the same data dir or database), the clock, the fault rules; stores the loaded world otherwise.
   */
  async start(): Promise<void> {
    const { store, world, clock, faults, startTime } = this.#parts;
    const stored = await store.readDocument<StoredWorld>(WORLD);
    if (stored && stored.value.base === this.#base) {
      // Unedited (the loaded world as it was stored): nothing to validate and rebuild.
      if (hashOf(stored.value.document) !== this.#base) {
        world.replace(new World(WorldDocumentSchema.parse(structuredClone(stored.value.document))));
      } else {
        this.#storeHoldsBase = true;
      }
      this.#versions.set(WORLD, stored.version);
    } else {
      await this.#writeWorldDocument(stored?.version ?? 0);
      this.#storeHoldsBase = true;
    }
    const storedClock = await store.readDocument<StoredClock>(CLOCK);
    if (storedClock && startTime === undefined) {
      this.#adopt(() => clock.adopt(storedClock.value.offsetMs));
      this.#versions.set(CLOCK, storedClock.version);
    } else if (startTime !== undefined || !storedClock) {
      await this.#writeClock(clock.offsetMs);
    }
    const storedFaults = await store.readDocument<FaultSnapshot>(FAULTS);
    if (storedFaults) {
      this.#adopt(() => faults.restore(storedFaults.value));
      this.#versions.set(FAULTS, storedFaults.version);
    }
  }

  #adopt(change: () => void): void {
    this.#adopting = true;
    try {
      change();
    } finally {
      this.#adopting = false;
    }
  }

  /**
   * Runs one document's writes one after another, each writing the copy as it is when it runs: two
   * writes racing on separate connections could otherwise commit out of order and leave the store with
   * the older copy under the newer version.
   */
  #inOrder(name: string, write: () => Promise<void>): Promise<void> {
    const next = (this.#writes.get(name) ?? Promise.resolve()).catch(() => {}).then(write);
    this.#writes.set(name, next);
    return next;
  }

  #track<T>(write: Promise<T>): Promise<T> {
    const tracked = write.catch((err: unknown) => {
      // A write the store refused: the next sync re-reads what the store holds, and whoever waits on
      // `persisted` hears why.
      this.#versions.clear();
      this.#failure =
        err instanceof StoreUnavailableError ? err : new StoreUnavailableError((err as Error).message);
      throw this.#failure;
    });
    this.#pending.add(tracked);
    void tracked.catch(() => {}).finally(() => this.#pending.delete(tracked));
    return tracked;
  }

  /** Resolves once every change made so far is in the store; rejects when one could not be kept. */
  async persisted(): Promise<void> {
    await Promise.all([...this.#pending]);
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure;
  }

  /**
   * Before a request: waits for this replica's own writes, then (shared store) re-reads what another
   * replica changed. When the store cannot be reached, the copies stay as they are: the request is
   * served from them, and whatever it must write answers "unavailable" in its service's shape.
   */
  sync(): Promise<void> | undefined {
    // The common case, a store only this process uses with nothing being written: nothing to wait for.
    if (this.#pending.size === 0 && !this.#parts.store.shared && this.#versions.size > 0) return undefined;
    return this.#sync();
  }

  async #sync(): Promise<void> {
    if (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    if (!this.#parts.store.shared && this.#versions.size > 0) return;
    const changesBefore = this.#localChanges;
    let versions: ReadonlyMap<string, number>;
    try {
      versions = await this.#parts.store.versions();
    } catch {
      return;
    }
    for (const [name, version] of versions) {
      if (this.#versions.get(name) === version) continue;
      try {
        if (name === WORLD || name === CLOCK || name === FAULTS) await this.#reload(name, changesBefore);
        // Other documents (signing keys) are read once, at start.
        else this.#versions.set(name, version);
      } catch {
        return;
      }
    }
  }

  /**
   * Adopts the stored copy of one document. `changesBefore`, from a sync: the count of local changes when
   * it began; a local change since then wins over what was read (see #localChanges).
   */
  async #reload(name: string, changesBefore?: number): Promise<void> {
    const { store, world, clock, faults } = this.#parts;
    const superseded = () => changesBefore !== undefined && this.#localChanges !== changesBefore;
    if (name === WORLD) {
      const stored = await store.readDocument<StoredWorld>(WORLD);
      if (!stored || superseded()) return;
      world.replace(new World(WorldDocumentSchema.parse(structuredClone(stored.value.document))));
      this.#versions.set(WORLD, stored.version);
    } else if (name === CLOCK) {
      const stored = await store.readDocument<StoredClock>(CLOCK);
      if (!stored || superseded()) return;
      this.#adopt(() => clock.adopt(stored.value.offsetMs));
      this.#versions.set(CLOCK, stored.version);
    } else if (name === FAULTS) {
      const stored = await store.readDocument<FaultSnapshot>(FAULTS);
      if (!stored || superseded()) return;
      this.#adopt(() => faults.restore(stored.value));
      this.#versions.set(FAULTS, stored.version);
    }
  }

  /**
   * Changes the world: `apply` runs on the local copy at once (throwing, with nothing changed, when the
   * result does not validate); the returned promise resolves once the store keeps it. When another
   * replica changed the world meanwhile, every change of this replica not yet kept runs again, in order,
   * on top of that replica's world.
   */
  change(apply: (world: World) => void): Promise<void> {
    apply(this.#parts.world);
    this.#localChanges++;
    this.#storeHoldsBase = false;
    this.#unkeptWorldChanges.push(apply);
    return this.#track(this.#inOrder(WORLD, () => this.#keepWorld()));
  }

  /** Writes the local world; on a race, re-reads the stored one and applies the unkept changes again. */
  async #keepWorld(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const writing = this.#unkeptWorldChanges.length;
      if (await this.#writeWorldDocument(this.#versions.get(WORLD) ?? 0)) {
        this.#unkeptWorldChanges.splice(0, writing);
        return;
      }
      await this.#reload(WORLD);
      for (const apply of this.#unkeptWorldChanges) apply(this.#parts.world);
    }
    throw new Error("The world changed at another replica on every attempt to keep this change");
  }

  /** Writes the local world if the store is still at `expected`; false when another replica wrote first. */
  async #writeWorldDocument(expected: number): Promise<boolean> {
    const value: StoredWorld = { base: this.#base, document: this.#parts.world.document };
    const version = await this.#parts.store.writeDocument(WORLD, value, expected);
    if (version === undefined) return false;
    this.#versions.set(WORLD, version);
    return true;
  }

  async #writeClock(offsetMs: number): Promise<void> {
    const version = await this.#parts.store.writeDocument<StoredClock>(CLOCK, { offsetMs });
    if (version !== undefined) this.#versions.set(CLOCK, version);
  }

  async #writeFaults(): Promise<void> {
    const version = await this.#parts.store.writeDocument(FAULTS, this.#parts.faults.snapshot());
    if (version !== undefined) this.#versions.set(FAULTS, version);
  }

  /** Back to the loaded world (reset): written whatever another replica holds. */
  resetWorld(): Promise<void> {
    this.#parts.world.replace(this.#parts.initialWorld);
    this.#localChanges++;
    this.#unkeptWorldChanges = [];
    if (this.#storeHoldsBase && !this.#parts.store.shared) return Promise.resolve();
    const changes = this.#localChanges;
    return this.#track(
      this.#inOrder(WORLD, async () => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const stored = await this.#parts.store.readDocument<StoredWorld>(WORLD);
          if (await this.#writeWorldDocument(stored?.version ?? 0)) {
            if (this.#localChanges === changes) this.#storeHoldsBase = true;
            return;
          }
        }
        throw new Error("The world changed at another replica on every attempt to reset it");
      }),
    );
  }
}
