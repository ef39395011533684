import Database from "better-sqlite3";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { IdentityRecord } from "./identity-record.js";

/*
 * Durable identity state for `--data-dir`: one SQLite database, one row per identity, written through
 * better-sqlite3 in WAL mode with `synchronous = FULL`, so each change is one small fsynced append to
 * the log and the store answers only after it: a process killed at any point loses no acknowledged
 * change, and SQLite's journal never leaves a torn database. A record is stored as JSON, so a field
 * added to identities later needs no schema change.
 */

export const DATABASE_FILE = "acs-identities.sqlite";
/** The whole-file JSON format earlier versions wrote; read once and renamed when found. */
const LEGACY_FILE = "acs-identities.json";
/** `PRAGMA application_id`: "ACSS", so another program's SQLite file is recognised as not ours. */
const APPLICATION_ID = 0x41435353;
const SCHEMA_VERSION = 1;

export interface IdentityFile {
  read(): Promise<IdentityRecord[]>;
  /** Inserts or replaces one record; durable when the promise resolves. */
  write(record: IdentityRecord): Promise<void>;
  remove(): Promise<void>;
  close(): void;
}

/** A data file the sandbox cannot use: named, with what to do about it. */
export class DataFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `${path} is not a usable acs-sandbox identity database (${reason}). Move it away to start with no identities, or restore it from a backup; the sandbox will not overwrite it.`,
    );
    this.name = "DataFileError";
  }
}

function open(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    // FULL: the log is fsynced at every commit, so an acknowledged write survives power loss too.
    db.pragma("synchronous = FULL");
    const applicationId = db.pragma("application_id", { simple: true }) as number;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all() as string[];
    if (tables.length === 0 && applicationId === 0) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec("CREATE TABLE identities (id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT");
    } else if (applicationId !== APPLICATION_ID || !tables.includes("identities")) {
      throw new DataFileError(path, "it is an SQLite database of another program");
    }
    const check = db.pragma("quick_check", { simple: true }) as string;
    if (check !== "ok") throw new DataFileError(path, `SQLite integrity check: ${check}`);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(path, (err as Error).message);
  }
}

/** Reads the JSON file of earlier versions, for a one-time move into the database. */
function legacyRecords(path: string): IdentityRecord[] {
  let doc: { version?: number; identities?: unknown };
  try {
    doc = JSON.parse(readFileSync(path, "utf8")) as typeof doc;
  } catch (err) {
    throw new DataFileError(path, `unreadable JSON: ${(err as Error).message}`);
  }
  const records = doc?.identities;
  if (doc?.version !== 1 || !Array.isArray(records)) {
    throw new DataFileError(path, "not an identity file of version 1");
  }
  for (const record of records as Partial<IdentityRecord>[]) {
    if (typeof record?.id !== "string" || typeof record.resourceId !== "string")
      throw new DataFileError(path, "an identity without id or resourceId");
  }
  return records as IdentityRecord[];
}

/**
 * @example
 * const file = identityFile("/var/lib/acs-sandbox");
 * await file.write(record); // durable when this resolves
 */
export function identityFile(dataDir: string): IdentityFile {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  const db = open(path);
  const upsert = db.prepare(
    "INSERT INTO identities (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
  );
  const migrate = db.transaction((records: IdentityRecord[]) => {
    for (const record of records) upsert.run(record.id, JSON.stringify(record));
  });
  const legacy = join(dataDir, LEGACY_FILE);
  if (existsSync(legacy)) {
    migrate(legacyRecords(legacy));
    // Kept beside the database, renamed, so nothing is lost and it is never imported twice.
    renameSync(legacy, `${legacy}.migrated`);
  }
  return {
    async read() {
      const rows = db.prepare("SELECT id, record FROM identities ORDER BY rowid").all() as {
        id: string;
        record: string;
      }[];
      return rows.map(({ id, record }) => {
        try {
          return JSON.parse(record) as IdentityRecord;
        } catch {
          throw new DataFileError(path, `the row of ${id} is not JSON`);
        }
      });
    },
    async write(record) {
      upsert.run(record.id, JSON.stringify(record));
    },
    async remove() {
      db.exec("DELETE FROM identities");
    },
    close() {
      // Closing checkpoints the log into the database and removes the -wal and -shm files.
      if (db.open) db.close();
    },
  };
}
