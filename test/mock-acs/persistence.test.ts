import Database from "better-sqlite3";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { IdentityStore } from "../../mock-acs/identities.js";
import { AadState } from "../../mock-aad/state.js";
import { MemoryStore } from "../../harness/store/memory.js";
import { DATABASE_FILE, SqliteStore } from "../../harness/store/sqlite.js";

const dirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "acs-persist-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";

describe("identity persistence in the data dir (SQLite store)", () => {
  it("has every acknowledged change on disk when the call resolves, and a new store reads it back", async () => {
    const dir = await tempDir();
    const clock = new Clock();
    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(clock, sqlite);
    const kept = await store.create(RESOURCE);
    const deleted = await store.create(RESOURCE);
    await store.delete(deleted);
    const revoked = await store.revoke(kept);

    // Another connection sees the rows while the store is still open: they are committed, not buffered.
    const reader = SqliteStore.open(dir);
    expect((await new IdentityStore(clock, reader).list(RESOURCE)).map((r) => r.id)).toEqual([
      kept.id,
      deleted.id,
    ]);
    await reader.close();
    await sqlite.close();

    const reopened = SqliteStore.open(dir);
    const restarted = new IdentityStore(clock, reopened);
    expect(await restarted.get(kept.id)).toMatchObject({
      id: kept.id,
      revokedAtSeconds: revoked.revokedAtSeconds,
    });
    expect((await restarted.get(deleted.id))?.deletedAtMs).toBeDefined();
    await reopened.close();
  });

  it("keeps every one of many concurrent writes and leaves only the database once closed", async () => {
    const dir = await tempDir();
    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(new Clock(), sqlite);
    const created = await Promise.all(Array.from({ length: 25 }, () => store.create(RESOURCE)));
    await sqlite.close();
    expect(await readdir(dir)).toEqual([DATABASE_FILE]);
    const reopened = SqliteStore.open(dir);
    const restarted = new IdentityStore(new Clock(), reopened);
    for (const record of created) expect(await restarted.get(record.id)).toBeDefined();
    await reopened.close();
  });

  it("clear() forgets identities, on disk too", async () => {
    const dir = await tempDir();
    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(new Clock(), sqlite);
    const record = await store.create(RESOURCE);
    await store.clear();
    expect(await store.get(record.id)).toBeUndefined();
    await sqlite.close();
    const reopened = SqliteStore.open(dir);
    expect(await new IdentityStore(new Clock(), reopened).get(record.id)).toBeUndefined();
    await reopened.close();
  });

  it("moves an acs-identities.json of an earlier version into the database, once", async () => {
    const dir = await tempDir();
    const legacy = {
      id: `8:acs:${RESOURCE}_0000019a-0000-0000-0000-000000000001`,
      resourceId: RESOURCE,
      createdAtMs: 1,
      revokedAtSeconds: 5,
    };
    await writeFile(join(dir, "acs-identities.json"), JSON.stringify({ version: 1, identities: [legacy] }));
    const sqlite = SqliteStore.open(dir);
    expect(await new IdentityStore(new Clock(), sqlite).get(legacy.id)).toEqual(legacy);
    await sqlite.close();
    expect((await readdir(dir)).sort()).toEqual(["acs-identities.json.migrated", DATABASE_FILE]);
  });

  it("moves the acs-identities.sqlite of the previous version into the one database, once", async () => {
    const dir = await tempDir();
    const legacy = {
      id: `8:acs:${RESOURCE}_0000019a-0000-0000-0000-000000000002`,
      resourceId: RESOURCE,
      createdAtMs: 2,
      deletedAtMs: 3,
    };
    // The previous version's layout: one table of JSON rows, application_id "ACSS", user_version 1.
    const old = new Database(join(dir, "acs-identities.sqlite"));
    old.pragma("application_id = 1094931283");
    old.pragma("user_version = 1");
    old.exec("CREATE TABLE identities (id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT");
    old.prepare("INSERT INTO identities (id, record) VALUES (?, ?)").run(legacy.id, JSON.stringify(legacy));
    old.close();

    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(new Clock(), sqlite);
    expect(await store.get(legacy.id)).toEqual(legacy);
    expect((await store.list(RESOURCE)).map((r) => r.id)).toEqual([legacy.id]);
    await sqlite.close();
    expect((await readdir(dir)).sort()).toEqual(["acs-identities.sqlite.migrated", DATABASE_FILE]);
    // Opened again, nothing is imported twice.
    const again = SqliteStore.open(dir);
    expect(await new IdentityStore(new Clock(), again).list(RESOURCE)).toHaveLength(1);
    await again.close();
  });

  it.each([
    [
      "not a database",
      async (path: string) => writeFile(path, "this is not SQLite, just text\n".repeat(200)),
      /file is not a database/,
    ],
    [
      "truncated",
      async (path: string) => {
        const bytes = await readFile(path);
        await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2) + 100));
      },
      /malformed|integrity|not a database/,
    ],
  ])("refuses a data file that is %s, naming it and saying what to do", async (_what, damage, reason) => {
    const dir = await tempDir();
    const sqlite = SqliteStore.open(dir);
    const store = new IdentityStore(new Clock(), sqlite);
    for (let i = 0; i < 300; i++) await store.create(RESOURCE);
    await sqlite.close();
    const path = join(dir, DATABASE_FILE);
    await damage(path);
    let error: Error | undefined;
    try {
      await SqliteStore.open(dir).close();
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(reason);
    expect(error?.message).toContain(`${path} is not a usable acs-sandbox database (`);
    expect(error?.message).toContain("Move it away to start afresh, or restore it from a backup");
  });
});

describe("what the SQLite store keeps on disk", () => {
  /** The kinds of record the database file holds, read with a connection of its own. */
  function kindsOnDisk(dir: string): string[] {
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare("SELECT DISTINCT kind FROM records ORDER BY kind").pluck().all() as string[];
    } finally {
      db.close();
    }
  }

  it("keeps identities on disk and Entra's codes, sessions and refresh tokens in this process only", async () => {
    const dir = await tempDir();
    const clock = new Clock();
    const sqlite = SqliteStore.open(dir);
    const identities = new IdentityStore(clock, sqlite);
    const aad = new AadState(sqlite, clock);
    const identity = await identities.create(RESOURCE);
    const grant = {
      tenantId: "t",
      userObjectId: "u",
      clientId: "c",
      clientAuthentication: "0" as const,
      spa: false,
      amr: ["pwd"],
      signedInAtMs: clock.nowMs(),
    };
    const refreshToken = await aad.refreshTokens.issue(grant, clock.nowMs());
    const session = await aad.sessions.create("t", "u", "c");
    await aad.lockouts.failed("u", { threshold: 1, durationMs: 60_000 });

    // This process still finds them…
    expect((await aad.refreshTokens.find(refreshToken))?.userObjectId).toBe("u");
    expect(await aad.sessions.get(session)).toBeDefined();
    expect(await aad.lockouts.locked("u")).toBe(true);
    // …but only the identity is in the file.
    expect(kindsOnDisk(dir)).toEqual(["acs.identity"]);
    await sqlite.close();

    const reopened = SqliteStore.open(dir);
    const restarted = new AadState(reopened, clock);
    expect((await new IdentityStore(clock, reopened).get(identity.id))?.id).toBe(identity.id);
    expect(await restarted.refreshTokens.find(refreshToken)).toBeUndefined();
    await reopened.close();
  });

  it("forgets the transient records an earlier version kept in the file", async () => {
    const dir = await tempDir();
    const earlier = SqliteStore.open(dir);
    // An earlier version declared no kind transient: its refresh tokens went to disk.
    await earlier.put("aad.refresh-token", "0.Aold", { userObjectId: "u" });
    await earlier.close();
    expect(kindsOnDisk(dir)).toEqual(["aad.refresh-token"]);

    const reopened = SqliteStore.open(dir);
    const aad = new AadState(reopened, new Clock());
    expect(await aad.refreshTokens.find("0.Aold")).toBeUndefined();
    await reopened.close();
    expect(kindsOnDisk(dir)).toEqual([]);
  });
});

describe("identities", () => {
  it("mints ids 8:acs:<resourceId>_<36-char suffix> that sort by creation time", async () => {
    const clock = new Clock("2026-01-01T00:00:00Z");
    const store = new IdentityStore(clock, new MemoryStore());
    const first = await store.create(RESOURCE);
    const second = await store.create(RESOURCE);
    clock.advance("1s");
    const third = await store.create(RESOURCE);
    for (const r of [first, second, third]) {
      expect(r.id).toMatch(
        new RegExp(`^8:acs:${RESOURCE}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
      );
    }
    expect([third.id, first.id, second.id].sort()).toEqual([first.id, second.id, third.id]);
  });

  it("revokes tokens issued at or before the revocation, never later ones", async () => {
    const clock = new Clock("2026-01-01T00:00:00.100Z");
    const store = new IdentityStore(clock, new MemoryStore());
    const record = await store.create(RESOURCE);
    const before = store.issuedAtFor(record);
    const revoked = await store.revoke(record);
    const sameSecond = store.issuedAtFor(revoked);
    expect(store.isRevoked(revoked, before)).toBe(true);
    expect(store.isRevoked(revoked, sameSecond)).toBe(false);
    clock.advance("1h");
    expect(store.isRevoked(revoked, store.issuedAtFor(revoked))).toBe(false);
  });
});
