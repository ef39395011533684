import Database from "better-sqlite3";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Durability, KeyedRecord, PutOptions, SandboxStore, Versioned } from "../../core/store.js";
import { deepFreeze } from "./frozen.js";
import { MemoryStore } from "./memory.js";
import { SCHEMA_VERSION, SQLITE_MIGRATIONS } from "./schema.js";

/*
 * The store of `--data-dir`: one SQLite database (`sandbox.sqlite`), written through better-sqlite3 in
 * WAL mode with `synchronous = FULL`, so each change is one small fsynced append to the log and the
 * store answers only after it: a process killed at any point loses no acknowledged change, and SQLite's
 * journal never leaves a torn database. Values are JSON, so a field added later needs no schema change;
 * the schema itself is versioned (`PRAGMA user_version`) and migrated on open (schema.ts).
 *
 * Group commit: the changes of every request arriving in one turn of the event loop go into one
 * transaction, committed (one fsync) on the next turn; each call resolves only after that commit, reads
 * included, so no answer ever shows a change the disk does not hold. Under load this turns one fsync per
 * change into one per batch; alone, a change waits one turn.
 *
 * Transient kinds (declareKind: Entra's codes, sessions, refresh tokens, lockouts…) never reach the
 * database: one process serves them, so they live in its memory as they did before the sandbox had a
 * store, and a restart forgets them as it always did. A token request then writes nothing to disk and
 * pays no fsync; only durable changes (identities, assignments, the world, clock and faults) do.
 */

export const DATABASE_FILE = "sandbox.sqlite";
/** `PRAGMA application_id`: "ACSS", so another program's SQLite file is recognised as not ours. */
const APPLICATION_ID = 0x41435353;
/** The identity database of earlier versions: moved into this one once, then renamed. */
const IDENTITY_DATABASE = "acs-identities.sqlite";
/** The whole-file JSON identity format of still earlier versions. */
const IDENTITY_JSON = "acs-identities.json";
/** Where identities live in the store (mock-acs/identities.ts). */
const IDENTITY_KIND = "acs.identity";
/** How long a transaction gathers changes before its commit (one fsync for all of them). */
const COMMIT_WINDOW_MS = 2;

/** A data file the sandbox cannot use: named, with what to do about it. */
export class DataFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `${path} is not a usable acs-sandbox database (${reason}). Move it away to start afresh, or restore it from a backup; the sandbox will not overwrite it.`,
    );
    this.name = "DataFileError";
  }
}

interface RecordRow {
  value: string;
  version: number;
}

function open(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    // FULL: the log is fsynced at every commit, so an acknowledged write survives power loss too.
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    const applicationId = db.pragma("application_id", { simple: true }) as number;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    if (tables.length === 0 && applicationId === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    else if (applicationId !== APPLICATION_ID) {
      throw new DataFileError(path, "it is an SQLite database of another program");
    }
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new DataFileError(
        path,
        `its schema version ${version} is newer than this version knows (${SCHEMA_VERSION})`,
      );
    }
    db.transaction(() => {
      for (const migration of SQLITE_MIGRATIONS.slice(version)) db!.exec(migration);
      db!.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    const check = db.pragma("quick_check", { simple: true }) as string;
    if (check !== "ok") throw new DataFileError(path, `SQLite integrity check: ${check}`);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(path, (err as Error).message);
  }
}

/** Identities an earlier version kept in its own database or JSON file, to move into this one. */
function earlierIdentities(
  dataDir: string,
): { records: { id: string; resourceId: string }[]; from: string }[] {
  const found: { records: { id: string; resourceId: string }[]; from: string }[] = [];
  const database = join(dataDir, IDENTITY_DATABASE);
  if (existsSync(database)) {
    let db: Database.Database | undefined;
    try {
      db = new Database(database, { readonly: true, fileMustExist: true });
      const rows = db.prepare("SELECT record FROM identities ORDER BY rowid").pluck().all() as string[];
      found.push({
        records: rows.map((r) => JSON.parse(r) as { id: string; resourceId: string }),
        from: database,
      });
    } catch (err) {
      throw new DataFileError(database, `unreadable identity database: ${(err as Error).message}`);
    } finally {
      db?.close();
    }
  }
  const json = join(dataDir, IDENTITY_JSON);
  if (existsSync(json)) {
    let doc: { version?: number; identities?: unknown };
    try {
      doc = JSON.parse(readFileSync(json, "utf8")) as typeof doc;
    } catch (err) {
      throw new DataFileError(json, `unreadable JSON: ${(err as Error).message}`);
    }
    const records = doc?.identities;
    if (doc?.version !== 1 || !Array.isArray(records))
      throw new DataFileError(json, "not an identity file of version 1");
    for (const record of records as { id?: unknown; resourceId?: unknown }[]) {
      if (typeof record?.id !== "string" || typeof record.resourceId !== "string")
        throw new DataFileError(json, "an identity without id or resourceId");
    }
    found.push({ records: records as { id: string; resourceId: string }[], from: json });
  }
  return found;
}

/**
 * The SQLite store in `dataDir`, created (and migrated) on open; identities of earlier versions'
 * `acs-identities.sqlite` or `.json` are moved in once (the old file is kept, renamed `.migrated`).
 *
 * @example
 * const store = SqliteStore.open("/var/lib/acs-sandbox");
 */
export class SqliteStore implements SandboxStore {
  readonly kind = "sqlite" as const;
  readonly shared = false;
  readonly #db: Database.Database;
  readonly #statements;
  /** The transaction open for this turn's changes, and how its callers hear of its commit. */
  #batch: { committed: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** Where transient kinds live: this process's memory. */
  readonly #transient = new MemoryStore();
  readonly #transientKinds = new Set<string>();

  private constructor(db: Database.Database) {
    this.#db = db;
    const prepare = (sql: string) => db.prepare(sql);
    this.#statements = {
      get: prepare("SELECT value, version FROM records WHERE kind = ? AND key = ?"),
      exists: prepare("SELECT 1 FROM records WHERE kind = ? LIMIT 1").pluck(),
      put: prepare(
        `INSERT INTO records (kind, key, value, version, grp, expires_at) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, version = records.version + 1,
           grp = excluded.grp, expires_at = excluded.expires_at`,
      ),
      insert: prepare(
        "INSERT INTO records (kind, key, value, version, grp, expires_at) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING",
      ),
      replace: prepare(
        "UPDATE records SET value = ?, version = version + 1, grp = ?, expires_at = ? WHERE kind = ? AND key = ? AND version = ?",
      ),
      take: prepare("DELETE FROM records WHERE kind = ? AND key = ? RETURNING value"),
      delete: prepare("DELETE FROM records WHERE kind = ? AND key = ?"),
      list: prepare("SELECT key, value FROM records WHERE kind = ? AND grp = ? ORDER BY seq"),
      count: prepare("SELECT count(*) FROM records WHERE kind = ?").pluck(),
      countGroup: prepare("SELECT count(*) FROM records WHERE kind = ? AND grp = ?").pluck(),
      trim: prepare(
        "DELETE FROM records WHERE kind = ? AND seq IN (SELECT seq FROM records WHERE kind = ? ORDER BY seq DESC LIMIT -1 OFFSET ?)",
      ),
      trimGroup: prepare(
        "DELETE FROM records WHERE kind = ? AND grp = ? AND seq IN (SELECT seq FROM records WHERE kind = ? AND grp = ? ORDER BY seq DESC LIMIT -1 OFFSET ?)",
      ),
      sweep: prepare("DELETE FROM records WHERE kind = ? AND expires_at < ?"),
      clear: prepare("DELETE FROM records WHERE kind = ?"),
      readDocument: prepare("SELECT value, version FROM documents WHERE name = ?"),
      writeDocument: prepare(
        `INSERT INTO documents (name, value, version) VALUES (?, ?, 1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, version = documents.version + 1 RETURNING version`,
      ).pluck(),
      versions: prepare("SELECT name, version FROM documents"),
      append: prepare("INSERT INTO log_entries (log, entry) VALUES (?, ?)"),
      trimLog: prepare(
        "DELETE FROM log_entries WHERE log = ? AND seq <= (SELECT seq FROM log_entries WHERE log = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
      ),
      readLog: prepare("SELECT entry FROM log_entries WHERE log = ? ORDER BY seq").pluck(),
      clearLog: prepare("DELETE FROM log_entries WHERE log = ?"),
    };
  }

  /**
   * Runs `op` inside this turn's transaction (opening it, and scheduling its commit, if none is open);
   * resolves with its result once the transaction is committed.
   */
  #run<T>(op: () => T): Promise<T> {
    if (!this.#batch) {
      this.#db.exec("BEGIN IMMEDIATE");
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const committed = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#batch = { committed, resolve, reject };
      // A short window gathers the changes of concurrent requests into one fsync.
      setTimeout(() => this.#commit(), COMMIT_WINDOW_MS);
    }
    let result: T;
    try {
      result = op();
    } catch (err) {
      // A failed statement is undone by itself; the transaction and the others' changes go on.
      return Promise.reject(err as Error);
    }
    return this.#batch.committed.then(() => result);
  }

  /** A read: at once when nothing is pending, else answered after the pending changes are committed. */
  #read<T>(op: () => T): Promise<T> {
    return this.#batch ? this.#run(op) : Promise.resolve(op());
  }

  #commit(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    try {
      this.#db.exec("COMMIT");
      batch.resolve();
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
      batch.reject(err);
    }
  }

  /** Opens (creating or migrating) the database in `dataDir`. */
  static open(dataDir: string): SqliteStore {
    mkdirSync(dataDir, { recursive: true });
    const store = new SqliteStore(open(join(dataDir, DATABASE_FILE)));
    for (const { records, from } of earlierIdentities(dataDir)) {
      store.#db.transaction(() => {
        for (const record of records) {
          store.#statements.put.run(
            IDENTITY_KIND,
            record.id,
            JSON.stringify(record),
            record.resourceId,
            null,
          );
        }
      })();
      // Kept beside the database, renamed, so nothing is lost and it is never imported twice.
      renameSync(from, `${from}.migrated`);
      for (const suffix of ["-wal", "-shm"]) {
        if (existsSync(`${from}${suffix}`)) renameSync(`${from}${suffix}`, `${from}.migrated${suffix}`);
      }
    }
    return store;
  }

  declareKind(kind: string, durability: Durability): void {
    if (durability === "durable") {
      this.#transientKinds.delete(kind);
      return;
    }
    if (this.#transientKinds.has(kind)) return;
    this.#transientKinds.add(kind);
    // What an earlier process (or an earlier version, which kept every kind on disk) left of a kind now
    // transient is forgotten, as a restart forgets it: it would otherwise lie in the file for ever.
    if (this.#statements.exists.get(kind) !== undefined) {
      if (this.#batch) this.#statements.clear.run(kind);
      else this.#db.transaction(() => this.#statements.clear.run(kind))();
    }
  }

  /** The memory store when `kind` is transient: the record methods hand such kinds to it. */
  #memoryFor(kind: string): MemoryStore | undefined {
    return this.#transientKinds.has(kind) ? this.#transient : undefined;
  }

  async get<T>(kind: string, key: string): Promise<Versioned<T> | undefined> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.get<T>(kind, key);
    const row = await this.#read(() => this.#statements.get.get(kind, key) as RecordRow | undefined);
    return row ? { value: deepFreeze(JSON.parse(row.value) as T), version: row.version } : undefined;
  }

  async put<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<void> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.put(kind, key, value, options);
    const json = JSON.stringify(value);
    await this.#run(() =>
      this.#statements.put.run(kind, key, json, options?.group ?? null, options?.expiresAtMs ?? null),
    );
  }

  async insert<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<boolean> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.insert(kind, key, value, options);
    const json = JSON.stringify(value);
    const result = await this.#run(() =>
      this.#statements.insert.run(kind, key, json, options?.group ?? null, options?.expiresAtMs ?? null),
    );
    return result.changes === 1;
  }

  async replace<T>(
    kind: string,
    key: string,
    version: number,
    value: T,
    options?: PutOptions,
  ): Promise<boolean> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.replace(kind, key, version, value, options);
    const json = JSON.stringify(value);
    const result = await this.#run(() =>
      this.#statements.replace.run(
        json,
        options?.group ?? null,
        options?.expiresAtMs ?? null,
        kind,
        key,
        version,
      ),
    );
    return result.changes === 1;
  }

  async take<T>(kind: string, key: string): Promise<T | undefined> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.take<T>(kind, key);
    const row = await this.#run(() => this.#statements.take.get(kind, key) as { value: string } | undefined);
    return row ? deepFreeze(JSON.parse(row.value) as T) : undefined;
  }

  async delete(kind: string, key: string): Promise<void> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.delete(kind, key);
    await this.#run(() => this.#statements.delete.run(kind, key));
  }

  async list<T>(kind: string, group: string): Promise<KeyedRecord<T>[]> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.list<T>(kind, group);
    const rows = await this.#read(
      () => this.#statements.list.all(kind, group) as { key: string; value: string }[],
    );
    return rows.map((r) => ({ key: r.key, value: deepFreeze(JSON.parse(r.value) as T) }));
  }

  count(kind: string, group?: string): Promise<number> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.count(kind, group);
    return this.#read(
      () =>
        (group === undefined
          ? this.#statements.count.get(kind)
          : this.#statements.countGroup.get(kind, group)) as number,
    );
  }

  async trim(kind: string, keep: number, group?: string): Promise<void> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.trim(kind, keep, group);
    await this.#run(() =>
      group === undefined
        ? this.#statements.trim.run(kind, kind, keep)
        : this.#statements.trimGroup.run(kind, group, kind, group, keep),
    );
  }

  async sweep(kind: string, nowMs: number): Promise<void> {
    const memory = this.#memoryFor(kind);
    if (memory) return memory.sweep(kind, nowMs);
    await this.#run(() => this.#statements.sweep.run(kind, nowMs));
  }

  async clear(kinds: readonly string[]): Promise<void> {
    await this.#transient.clear(kinds.filter((kind) => this.#transientKinds.has(kind)));
    const durable = kinds.filter((kind) => !this.#transientKinds.has(kind));
    if (durable.length === 0) return;
    await this.#run(() => {
      for (const kind of durable) this.#statements.clear.run(kind);
    });
  }

  async readDocument<T>(name: string): Promise<Versioned<T> | undefined> {
    const row = await this.#read(() => this.#statements.readDocument.get(name) as RecordRow | undefined);
    return row ? { value: deepFreeze(JSON.parse(row.value) as T), version: row.version } : undefined;
  }

  writeDocument<T>(name: string, value: T, expectedVersion?: number): Promise<number | undefined> {
    const json = JSON.stringify(value);
    return this.#run(() => {
      if (expectedVersion !== undefined) {
        const current = (this.#statements.readDocument.get(name) as RecordRow | undefined)?.version ?? 0;
        if (current !== expectedVersion) return undefined;
      }
      return this.#statements.writeDocument.get(name, json) as number;
    });
  }

  async versions(): Promise<ReadonlyMap<string, number>> {
    const rows = await this.#read(
      () => this.#statements.versions.all() as { name: string; version: number }[],
    );
    return new Map(rows.map((r) => [r.name, r.version]));
  }

  async append<T>(log: string, entry: T, capacity: number): Promise<void> {
    const json = JSON.stringify(entry);
    await this.#run(() => {
      this.#statements.append.run(log, json);
      this.#statements.trimLog.run(log, log, capacity);
    });
  }

  async readLog<T>(log: string): Promise<T[]> {
    const entries = await this.#read(() => this.#statements.readLog.all(log) as string[]);
    return entries.map((e) => JSON.parse(e) as T);
  }

  async clearLog(log: string): Promise<void> {
    await this.#run(() => this.#statements.clearLog.run(log));
  }

  async problem(): Promise<string | undefined> {
    return this.#db.open ? undefined : "the database is closed";
  }

  async close(): Promise<void> {
    this.#commit();
    // Closing checkpoints the log into the database and removes the -wal and -shm files.
    if (this.#db.open) this.#db.close();
  }
}
