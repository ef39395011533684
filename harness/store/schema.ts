/*
 * The store's tables, as numbered migrations: a database at schema version N runs migrations N+1… on
 * open (SQLite: `PRAGMA user_version`; PostgreSQL: the `sandbox_schema` table), so an upgrade never
 * needs a manual step. Add a migration at the end; never edit one that shipped.
 */

/** SQLite: records (codes, sessions, identities…), documents (world, clock, faults), logs (journal). */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE records (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     version INTEGER NOT NULL,
     grp TEXT,
     expires_at INTEGER,
     UNIQUE (kind, key)
   ) STRICT;
   CREATE INDEX records_group ON records (kind, grp, seq);
   CREATE INDEX records_expiry ON records (kind, expires_at);
   CREATE TABLE documents (name TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL) STRICT;
   CREATE TABLE log_entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, log TEXT NOT NULL, entry TEXT NOT NULL) STRICT;
   CREATE INDEX log_entries_log ON log_entries (log, seq);`,
];

/** PostgreSQL: the same tables; the version is kept in `sandbox_schema`. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE sandbox_records (
     seq BIGSERIAL PRIMARY KEY,
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     version BIGINT NOT NULL,
     grp TEXT,
     expires_at BIGINT,
     UNIQUE (kind, key)
   );
   CREATE INDEX sandbox_records_group ON sandbox_records (kind, grp, seq);
   CREATE INDEX sandbox_records_expiry ON sandbox_records (kind, expires_at);
   CREATE TABLE sandbox_documents (name TEXT PRIMARY KEY, value TEXT NOT NULL, version BIGINT NOT NULL);
   CREATE TABLE sandbox_log_entries (seq BIGSERIAL PRIMARY KEY, log TEXT NOT NULL, entry TEXT NOT NULL);
   CREATE INDEX sandbox_log_entries_log ON sandbox_log_entries (log, seq);`,
];

/** The newest schema version this release writes. */
export const SCHEMA_VERSION = SQLITE_MIGRATIONS.length;
