import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Clock } from "../core/clock.js";
import { IdentityStore } from "../mock-acs/identities.js";
import { SqliteStore } from "../harness/store/sqlite.js";

/*
 * Durable identity creates per second when the store already holds 100, 10 000 and 100 000 identities,
 * beside a bare better-sqlite3 insert loop with the same durability (WAL, synchronous = FULL) into a
 * table of the same size: the ratio is what the store adds over the disk's fsync cost, and it must not
 * grow with the count (the JSON file it replaces rewrote everything on every change).
 */

const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const COUNTS = [100, 10_000, 100_000];
const ROUNDS = 3;
const ROUND_CREATES = 300;

/** A data dir holding `count` identities, filled through the store's one-time import of a legacy file. */
function filledDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-bench-"));
  const identities = Array.from({ length: count }, (_, i) => ({
    id: `8:acs:${RESOURCE}_${String(i).padStart(8, "0")}-0000-0000-0000-${randomUUID().slice(-12)}`,
    resourceId: RESOURCE,
    createdAtMs: i,
  }));
  writeFileSync(join(dir, "acs-identities.json"), JSON.stringify({ version: 1, identities }));
  return dir;
}

function baselineDb(dir: string, count: number): Database.Database {
  const db = new Database(join(dir, "baseline.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT");
  const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`seed-${i}`, `{"i":${i}}`);
  })();
  return db;
}

async function perSecond(ops: number, run: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return ops / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runIdentityBenchmark(): Promise<void> {
  console.log(`\nIdentity creates per second (durable; ${ROUNDS} alternating rounds of ${ROUND_CREATES})`);
  console.log(
    `${"identities".padStart(12)}${"store".padStart(10)}${"bare SQLite".padStart(13)}${"ratio".padStart(8)}`,
  );
  for (const count of COUNTS) {
    const dir = filledDir(count);
    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(new Clock(), sqlite);
    const baseline = baselineDb(dir, count);
    const insert = baseline.prepare("INSERT INTO t VALUES (?, ?)");
    const storeRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      storeRates.push(
        await perSecond(ROUND_CREATES, async () => {
          for (let i = 0; i < ROUND_CREATES; i++) await store.create(RESOURCE);
        }),
      );
      bareRates.push(
        await perSecond(ROUND_CREATES, () => {
          for (let i = 0; i < ROUND_CREATES; i++) insert.run(randomUUID(), `{"resourceId":"${RESOURCE}"}`);
        }),
      );
    }
    await sqlite.close();
    baseline.close();
    rmSync(dir, { recursive: true, force: true });
    const [s, b] = [median(storeRates), median(bareRates)];
    console.log(
      `${count.toLocaleString("en").padStart(12)}${s.toFixed(0).padStart(10)}${b.toFixed(0).padStart(13)}${(s / b).toFixed(2).padStart(8)}`,
    );
  }
}
