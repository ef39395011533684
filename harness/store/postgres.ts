import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  StoreUnavailableError,
  type Durability,
  type KeyedRecord,
  type PutOptions,
  type SandboxStore,
  type Versioned,
} from "../../core/store.js";
import { deepFreeze } from "./frozen.js";
import { POSTGRES_MIGRATIONS } from "./schema.js";
import { redactedUrl } from "./index.js";

/*
 * The store of a team sandbox: PostgreSQL (node-postgres), shared by every replica behind a load
 * balancer. Single-use codes are compare-and-set updates (`UPDATE … WHERE version = $n`) or
 * `DELETE … RETURNING`, so of two replicas racing for one code, one gets it; counts (lockouts) are
 * compare-and-set loops, so they add up across replicas. The schema is created and migrated on start,
 * under an advisory lock so replicas starting together migrate once.
 *
 * The pool reconnects by itself after PostgreSQL restarts; a query that failed for want of a connection
 * is retried once where running it twice is harmless (reads, upserts, deletes). Otherwise the failure is
 * a StoreUnavailableError, which each service answers in its own "unavailable" shape.
 */

/** PostgreSQL error classes and socket errors that mean "no database right now", not "bad query". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(
    e.message ?? "",
  );
}

/** The advisory lock replicas take while migrating ("ACSS" as an integer). */
const MIGRATION_LOCK = 0x41435353;
/** Trim the journal once every this many appends per replica, not on every one. */
const TRIM_EVERY = 50;

/** Splits a `?schema=NAME` parameter off the URL: the store's tables then live in that schema. */
function schemaOf(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema "${schema}" in the store URL: lower-case letters, digits and _ only`);
  }
  return { connectionString: parsed.toString(), schema };
}

interface Row {
  value: string;
  version: string;
}

export class PostgresStore implements SandboxStore {
  readonly kind = "postgres" as const;
  readonly shared = true;
  readonly #pool: pg.Pool;
  readonly #where: string;
  /** The schema to drop on close (a throwaway store). */
  #dropOnClose: string | undefined;
  #appends = 0;
  #capacities = new Map<string, number>();

  private constructor(pool: pg.Pool, where: string) {
    this.#pool = pool;
    this.#where = where;
  }

  /** Connects, creates the schema's tables (or migrates them) and answers once the store is usable. */
  static async open(url: string, options: { throwaway?: boolean } = {}): Promise<PostgresStore> {
    const given = schemaOf(url);
    const { connectionString } = given;
    const schema = options.throwaway ? `sandbox_${randomBytes(8).toString("hex")}` : given.schema;
    const pool = new pg.Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection dropped by a restarting server: the pool replaces it on the next query.
    pool.on("error", () => {});
    const where = redactedUrl(url);
    const store = new PostgresStore(pool, where);
    if (options.throwaway) store.#dropOnClose = schema;
    try {
      await store.#migrate(schema);
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`Could not open the PostgreSQL store at ${where}: ${(err as Error).message}`);
    }
    return store;
  }

  async #migrate(schema: string | undefined): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query("CREATE TABLE IF NOT EXISTS sandbox_schema (version INTEGER NOT NULL)");
      const found = await client.query<{ version: number }>("SELECT version FROM sandbox_schema");
      const version = found.rows[0]?.version ?? 0;
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new Error(
          `its schema version ${version} is newer than this version knows (${POSTGRES_MIGRATIONS.length}): upgrade every replica`,
        );
      }
      for (const migration of POSTGRES_MIGRATIONS.slice(version)) await client.query(migration);
      if (found.rows.length === 0) {
        await client.query("INSERT INTO sandbox_schema (version) VALUES ($1)", [POSTGRES_MIGRATIONS.length]);
      } else await client.query("UPDATE sandbox_schema SET version = $1", [POSTGRES_MIGRATIONS.length]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** One query; `retry` when running it twice is harmless. */
  async #query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    retry: boolean,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(sql, params);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      if (retry) {
        // A restart drops every pooled connection at once: the retry gets a new one.
        try {
          return await this.#pool.query<R>(sql, params);
        } catch (again) {
          if (!isUnavailable(again)) throw again;
          throw new StoreUnavailableError(`PostgreSQL at ${this.#where}: ${(again as Error).message}`);
        }
      }
      throw new StoreUnavailableError(`PostgreSQL at ${this.#where}: ${(err as Error).message}`);
    }
  }

  /** Replicas share every kind: a code issued at one is redeemed at another, so all are kept here. */
  declareKind(_kind: string, _durability: Durability): void {}

  async get<T>(kind: string, key: string): Promise<Versioned<T> | undefined> {
    const { rows } = await this.#query<Row>(
      "SELECT value, version FROM sandbox_records WHERE kind = $1 AND key = $2",
      [kind, key],
      true,
    );
    const row = rows[0];
    return row ? { value: deepFreeze(JSON.parse(row.value) as T), version: Number(row.version) } : undefined;
  }

  async put<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<void> {
    await this.#query(
      `INSERT INTO sandbox_records (kind, key, value, version, grp, expires_at) VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, version = sandbox_records.version + 1,
         grp = excluded.grp, expires_at = excluded.expires_at`,
      [kind, key, JSON.stringify(value), options?.group ?? null, options?.expiresAtMs ?? null],
      true,
    );
  }

  async insert<T>(kind: string, key: string, value: T, options?: PutOptions): Promise<boolean> {
    const result = await this.#query(
      `INSERT INTO sandbox_records (kind, key, value, version, grp, expires_at) VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT DO NOTHING`,
      [kind, key, JSON.stringify(value), options?.group ?? null, options?.expiresAtMs ?? null],
      false,
    );
    return result.rowCount === 1;
  }

  async replace<T>(
    kind: string,
    key: string,
    version: number,
    value: T,
    options?: PutOptions,
  ): Promise<boolean> {
    const result = await this.#query(
      `UPDATE sandbox_records SET value = $1, version = version + 1, grp = $2, expires_at = $3
       WHERE kind = $4 AND key = $5 AND version = $6`,
      [JSON.stringify(value), options?.group ?? null, options?.expiresAtMs ?? null, kind, key, version],
      false,
    );
    return result.rowCount === 1;
  }

  async take<T>(kind: string, key: string): Promise<T | undefined> {
    const { rows } = await this.#query<{ value: string }>(
      "DELETE FROM sandbox_records WHERE kind = $1 AND key = $2 RETURNING value",
      [kind, key],
      false,
    );
    return rows[0] ? deepFreeze(JSON.parse(rows[0].value) as T) : undefined;
  }

  async delete(kind: string, key: string): Promise<void> {
    await this.#query("DELETE FROM sandbox_records WHERE kind = $1 AND key = $2", [kind, key], true);
  }

  async list<T>(kind: string, group: string): Promise<KeyedRecord<T>[]> {
    const { rows } = await this.#query<{ key: string; value: string }>(
      "SELECT key, value FROM sandbox_records WHERE kind = $1 AND grp = $2 ORDER BY seq",
      [kind, group],
      true,
    );
    return rows.map((r) => ({ key: r.key, value: deepFreeze(JSON.parse(r.value) as T) }));
  }

  async count(kind: string, group?: string): Promise<number> {
    const { rows } =
      group === undefined
        ? await this.#query<{ n: string }>(
            "SELECT count(*) AS n FROM sandbox_records WHERE kind = $1",
            [kind],
            true,
          )
        : await this.#query<{ n: string }>(
            "SELECT count(*) AS n FROM sandbox_records WHERE kind = $1 AND grp = $2",
            [kind, group],
            true,
          );
    return Number(rows[0]!.n);
  }

  async trim(kind: string, keep: number, group?: string): Promise<void> {
    if (group === undefined) {
      await this.#query(
        `DELETE FROM sandbox_records WHERE kind = $1 AND seq <=
           (SELECT seq FROM sandbox_records WHERE kind = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)`,
        [kind, keep],
        true,
      );
    } else {
      await this.#query(
        `DELETE FROM sandbox_records WHERE kind = $1 AND grp = $2 AND seq <=
           (SELECT seq FROM sandbox_records WHERE kind = $1 AND grp = $2 ORDER BY seq DESC OFFSET $3 LIMIT 1)`,
        [kind, group, keep],
        true,
      );
    }
  }

  async sweep(kind: string, nowMs: number): Promise<void> {
    await this.#query("DELETE FROM sandbox_records WHERE kind = $1 AND expires_at < $2", [kind, nowMs], true);
  }

  async clear(kinds: readonly string[]): Promise<void> {
    await this.#query("DELETE FROM sandbox_records WHERE kind = ANY($1)", [kinds], true);
  }

  async readDocument<T>(name: string): Promise<Versioned<T> | undefined> {
    const { rows } = await this.#query<Row>(
      "SELECT value, version FROM sandbox_documents WHERE name = $1",
      [name],
      true,
    );
    const row = rows[0];
    return row ? { value: deepFreeze(JSON.parse(row.value) as T), version: Number(row.version) } : undefined;
  }

  async writeDocument<T>(name: string, value: T, expectedVersion?: number): Promise<number | undefined> {
    const json = JSON.stringify(value);
    const { rows } =
      expectedVersion === undefined
        ? await this.#query<{ version: string }>(
            `INSERT INTO sandbox_documents (name, value, version) VALUES ($1, $2, 1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, version = sandbox_documents.version + 1
             RETURNING version`,
            [name, json],
            false,
          )
        : expectedVersion === 0
          ? await this.#query<{ version: string }>(
              "INSERT INTO sandbox_documents (name, value, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING RETURNING version",
              [name, json],
              false,
            )
          : await this.#query<{ version: string }>(
              "UPDATE sandbox_documents SET value = $2, version = version + 1 WHERE name = $1 AND version = $3 RETURNING version",
              [name, json, expectedVersion],
              false,
            );
    return rows[0] ? Number(rows[0].version) : undefined;
  }

  async versions(): Promise<ReadonlyMap<string, number>> {
    const { rows } = await this.#query<{ name: string; version: string }>(
      "SELECT name, version FROM sandbox_documents",
      [],
      true,
    );
    return new Map(rows.map((r) => [r.name, Number(r.version)]));
  }

  async append<T>(log: string, entry: T, capacity: number): Promise<void> {
    this.#capacities.set(log, capacity);
    await this.#query(
      "INSERT INTO sandbox_log_entries (log, entry) VALUES ($1, $2)",
      [log, JSON.stringify(entry)],
      false,
    );
    if (++this.#appends % TRIM_EVERY === 0) {
      await this.#query(
        `DELETE FROM sandbox_log_entries WHERE log = $1 AND seq <=
           (SELECT seq FROM sandbox_log_entries WHERE log = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)`,
        [log, capacity],
        true,
      );
    }
  }

  async readLog<T>(log: string): Promise<T[]> {
    const capacity = this.#capacities.get(log) ?? 500;
    const { rows } = await this.#query<{ entry: string }>(
      `SELECT entry FROM (SELECT seq, entry FROM sandbox_log_entries WHERE log = $1 ORDER BY seq DESC LIMIT $2) newest
       ORDER BY seq`,
      [log, capacity],
      true,
    );
    return rows.map((r) => JSON.parse(r.entry) as T);
  }

  async clearLog(log: string): Promise<void> {
    await this.#query("DELETE FROM sandbox_log_entries WHERE log = $1", [log], true);
  }

  async problem(): Promise<string | undefined> {
    try {
      await this.#pool.query("SELECT 1");
      return undefined;
    } catch (err) {
      return `PostgreSQL at ${this.#where} is unreachable: ${(err as Error).message}`;
    }
  }

  async close(): Promise<void> {
    if (this.#dropOnClose)
      await this.#pool.query(`DROP SCHEMA IF EXISTS ${this.#dropOnClose} CASCADE`).catch(() => {});
    await this.#pool.end();
  }
}
