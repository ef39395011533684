/*
 * The one place a sandbox keeps what it must remember between two requests: the codes, sessions and
 * refresh tokens Entra issued, the identities ACS minted, the world as edited, the clock, fault rules and
 * the journal. The mocks see only this interface (handed in through their context); the harness picks an
 * implementation (harness/store/: memory, SQLite in the data dir, PostgreSQL for replicas sharing one world).
 *
 * Three shapes cover everything:
 * - records: small JSON values by kind and key, with an optional group (a session, a client address, a
 *   resource) to list, count and bound, an expiry to sweep by, and a version for compare-and-set, so a
 *   single-use code is taken exactly once even when two replicas race for it;
 * - documents: a few named, versioned JSON documents (the world, the clock, the fault rules) that every
 *   replica caches and re-reads when `versions()` says one changed;
 * - logs: an append-only, bounded, ordered list (the journal).
 *
 * Each kind of record has a durability (`declareKind`): durable records (identities, assignments) survive
 * a restart, and an acknowledged write is on disk; transient ones (Entra's codes, sessions, sign-ins in
 * progress, refresh tokens, lockouts; ARM's operations under way) are needed only while a process serves
 * them, so a store only one process uses may keep them in that process's memory, as the sandbox always
 * did before it had a store. A shared store keeps every kind alike: another replica may need any record.
 */

/**
 * How long a kind of records must last. `durable`: across restarts (fsynced before the answer).
 * `transient`: while the process that wrote it runs, at least; across replicas when the store is shared.
 */
export type Durability = "durable" | "transient";

/** A value with the version it was read at: `replace` succeeds only while it is still that version. */
export interface Versioned<T> {
  value: T;
  version: number;
}

/** A record as `list` returns it. */
export interface KeyedRecord<T> {
  key: string;
  value: T;
}

export interface PutOptions {
  /** Records of one group can be listed, counted and bounded together. */
  group?: string | undefined;
  /** Sandbox time after which `sweep` may forget the record. */
  expiresAtMs?: number | undefined;
}

/**
 * The store could not be reached (a database down or restarting): the services answer with their own
 * "temporarily unavailable" shape and `GET /_sandbox/health` says why. Never a client's mistake.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`The sandbox's store is unavailable: ${reason}`);
    this.name = "StoreUnavailableError";
  }
}

/** Whether an error means "the store is down" (answer 503) rather than a bug (answer 500). */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

/** Where a sandbox keeps its state. Every method may reject with {@link StoreUnavailableError}. */
export interface SandboxStore {
  /** `memory`, `sqlite` or `postgres`: for the health answer and the banner. */
  readonly kind: "memory" | "sqlite" | "postgres";
  /**
   * True when other processes may change the store (PostgreSQL): cached documents must then be checked
   * against `versions()` before each request. A store only this process uses never changes behind it.
   */
  readonly shared: boolean;

  /**
   * Says how long a kind's records must last, before its first use; kinds never declared are durable.
   * An embedded store keeps a transient kind in this process's memory and forgets what an earlier
   * process left of it on disk.
   */
  declareKind(kind: string, durability: Durability): void;

  /** The record, or undefined. Values come back frozen: change a copy and `put` or `replace` it. */
  get<T>(kind: string, key: string): Promise<Versioned<T> | undefined>;
  /** Creates or overwrites a record. */
  put<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<void>;
  /** Creates a record only if there is none under that key; false when there was. */
  insert<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<boolean>;
  /** Overwrites a record only if it is still at `version`; false when it changed or is gone. */
  replace<T>(kind: string, key: string, version: number, value: T, options?: PutOptions): Promise<boolean>;
  /** Removes a record and returns its value, atomically: of two racing takes, one gets it. */
  take<T>(kind: string, key: string): Promise<T | undefined>;
  delete(kind: string, key: string): Promise<void>;
  /** A group's records, oldest first. */
  list<T>(kind: string, group: string): Promise<KeyedRecord<T>[]>;
  /** How many records a kind (or one of its groups) holds. */
  count(kind: string, group?: string): Promise<number>;
  /** Forgets all but the newest `keep` records of a kind (or one of its groups). */
  trim(kind: string, keep: number, group?: string): Promise<void>;
  /** Forgets the records of a kind whose expiry is before `nowMs`. */
  sweep(kind: string, nowMs: number): Promise<void>;
  /** Forgets every record of these kinds. */
  clear(kinds: readonly string[]): Promise<void>;

  /** A named document, or undefined when none was written. */
  readDocument<T>(name: string): Promise<Versioned<T> | undefined>;
  /**
   * Writes a document. With `expectedVersion` (0: none yet) only if it is still at that version:
   * undefined then means someone else wrote first. Resolves to the new version, durable.
   */
  writeDocument<T>(name: string, value: T, expectedVersion?: number): Promise<number | undefined>;
  /** Every document's version, in one cheap read: what a replica checks before serving a request. */
  versions(): Promise<ReadonlyMap<string, number>>;

  /** Appends to a bounded log (oldest entries beyond `capacity` drop off). */
  append<T>(log: string, entry: T, capacity: number): Promise<void>;
  /** A log's entries, oldest first (across every replica writing it, in the order they were kept). */
  readLog<T>(log: string): Promise<T[]>;
  clearLog(log: string): Promise<void>;

  /** Undefined when the store answers; otherwise why not (for `GET /_sandbox/health`). */
  problem(): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * Reads a record, changes a copy, and writes it back only if nobody changed it meanwhile; retried on a
 * race. `change` returns the next value, or undefined to leave the record as it is. Resolves to the value
 * written (or left), undefined when there was no record and `change` made none.
 */
export async function updateRecord<T>(
  store: SandboxStore,
  kind: string,
  key: string,
  change: (current: T | undefined) => T | undefined,
  options?: PutOptions,
): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    const current = await store.get<T>(kind, key);
    const next = change(current?.value);
    if (next === undefined) return current?.value;
    const written = current
      ? await store.replace(kind, key, current.version, next, options)
      : await store.insert(kind, key, next, options);
    if (written) return next;
    if (attempt > 50) throw new Error(`updateRecord(${kind}): too many concurrent changes to one record`);
  }
}
