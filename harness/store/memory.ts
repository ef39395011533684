import type { Durability, KeyedRecord, PutOptions, SandboxStore, Versioned } from "../../core/store.js";
import { frozenCopy } from "./frozen.js";

interface Row {
  value: unknown;
  version: number;
  group: string | undefined;
  expiresAtMs: number | undefined;
}

/** One kind's records in creation order, with each group's keys (also in creation order). */
interface Kind {
  rows: Map<string, Row>;
  groups: Map<string, Set<string>>;
}

/**
 * The store of a sandbox without a data dir: everything in this process, gone when it ends. Every
 * method settles at once (a resolved promise), so the in-memory sandbox pays no I/O per request.
 */
export class MemoryStore implements SandboxStore {
  readonly kind = "memory" as const;
  readonly shared = false;
  #kinds = new Map<string, Kind>();
  #documents = new Map<string, Versioned<unknown>>();
  #logs = new Map<string, unknown[]>();

  #kind(kind: string): Kind {
    let found = this.#kinds.get(kind);
    if (!found) this.#kinds.set(kind, (found = { rows: new Map(), groups: new Map() }));
    return found;
  }

  #remove(kind: Kind, key: string): Row | undefined {
    const row = kind.rows.get(key);
    if (!row) return undefined;
    kind.rows.delete(key);
    if (row.group !== undefined) {
      const keys = kind.groups.get(row.group);
      keys?.delete(key);
      if (keys?.size === 0) kind.groups.delete(row.group);
    }
    return row;
  }

  #write(kind: Kind, key: string, value: unknown, version: number, options: PutOptions | undefined): void {
    const previous = kind.rows.get(key);
    if (previous && previous.group !== options?.group) this.#remove(kind, key);
    kind.rows.set(key, {
      value: frozenCopy(value),
      version,
      group: options?.group,
      expiresAtMs: options?.expiresAtMs,
    });
    if (options?.group !== undefined) {
      let keys = kind.groups.get(options.group);
      if (!keys) kind.groups.set(options.group, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Everything here lasts as long as the process: durable and transient kinds alike. */
  declareKind(_kind: string, _durability: Durability): void {}

  async get<T>(kind: string, key: string): Promise<Versioned<T> | undefined> {
    const row = this.#kinds.get(kind)?.rows.get(key);
    return row ? { value: row.value as T, version: row.version } : undefined;
  }

  async put<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<void> {
    const k = this.#kind(kind);
    this.#write(k, key, value, (k.rows.get(key)?.version ?? 0) + 1, options);
  }

  async insert<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<boolean> {
    const k = this.#kind(kind);
    if (k.rows.has(key)) return false;
    this.#write(k, key, value, 1, options);
    return true;
  }

  async replace<T>(
    kind: string,
    key: string,
    version: number,
    value: T,
    options?: PutOptions,
  ): Promise<boolean> {
    const k = this.#kind(kind);
    const row = k.rows.get(key);
    if (row?.version !== version) return false;
    this.#write(k, key, value, version + 1, options ?? { group: row.group, expiresAtMs: row.expiresAtMs });
    return true;
  }

  async take<T>(kind: string, key: string): Promise<T | undefined> {
    const k = this.#kinds.get(kind);
    return k ? (this.#remove(k, key)?.value as T | undefined) : undefined;
  }

  async delete(kind: string, key: string): Promise<void> {
    const k = this.#kinds.get(kind);
    if (k) this.#remove(k, key);
  }

  async list<T>(kind: string, group: string): Promise<KeyedRecord<T>[]> {
    const k = this.#kinds.get(kind);
    const keys = k?.groups.get(group);
    if (!k || !keys) return [];
    return [...keys].map((key) => ({ key, value: k.rows.get(key)!.value as T }));
  }

  async count(kind: string, group?: string): Promise<number> {
    const k = this.#kinds.get(kind);
    if (!k) return 0;
    return group === undefined ? k.rows.size : (k.groups.get(group)?.size ?? 0);
  }

  async trim(kind: string, keep: number, group?: string): Promise<void> {
    const k = this.#kinds.get(kind);
    if (!k) return;
    const keys = group === undefined ? k.rows.keys() : (k.groups.get(group) ?? new Set<string>()).values();
    let excess = (group === undefined ? k.rows.size : (k.groups.get(group)?.size ?? 0)) - keep;
    const doomed: string[] = [];
    for (const key of keys) {
      if (excess-- <= 0) break;
      doomed.push(key);
    }
    for (const key of doomed) this.#remove(k, key);
  }

  async sweep(kind: string, nowMs: number): Promise<void> {
    const k = this.#kinds.get(kind);
    if (!k) return;
    const doomed: string[] = [];
    for (const [key, row] of k.rows)
      if (row.expiresAtMs !== undefined && row.expiresAtMs < nowMs) doomed.push(key);
    for (const key of doomed) this.#remove(k, key);
  }

  async clear(kinds: readonly string[]): Promise<void> {
    for (const kind of kinds) this.#kinds.delete(kind);
  }

  async readDocument<T>(name: string): Promise<Versioned<T> | undefined> {
    return this.#documents.get(name) as Versioned<T> | undefined;
  }

  async writeDocument<T>(name: string, value: T, expectedVersion?: number): Promise<number | undefined> {
    const current = this.#documents.get(name)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) return undefined;
    this.#documents.set(name, { value: frozenCopy(value), version: current + 1 });
    return current + 1;
  }

  async versions(): Promise<ReadonlyMap<string, number>> {
    return new Map([...this.#documents].map(([name, doc]) => [name, doc.version]));
  }

  async append<T>(log: string, entry: T, capacity: number): Promise<void> {
    let entries = this.#logs.get(log);
    if (!entries) this.#logs.set(log, (entries = []));
    entries.push(entry);
    if (entries.length > capacity) entries.splice(0, entries.length - capacity);
  }

  async readLog<T>(log: string): Promise<T[]> {
    return [...((this.#logs.get(log) as T[] | undefined) ?? [])];
  }

  async clearLog(log: string): Promise<void> {
    this.#logs.delete(log);
  }

  async problem(): Promise<string | undefined> {
    return undefined;
  }

  async close(): Promise<void> {}
}
