import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { IdentityStore } from "../../mock-acs/identities.js";
import { DATABASE_FILE, identityFile } from "../../mock-acs/persistence.js";

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

describe("identity persistence", () => {
  it("has every acknowledged change on disk when the call resolves, and a new store reads it back", async () => {
    const dir = await tempDir();
    const clock = new Clock();
    const store = new IdentityStore(clock, identityFile(dir));
    const kept = await store.create(RESOURCE);
    const deleted = await store.create(RESOURCE);
    await store.delete(deleted);
    await store.revoke(kept);

    // Another connection sees the rows while the store is still open: they are committed, not buffered.
    const reader = identityFile(dir);
    expect((await reader.read()).map((r) => r.id)).toEqual([kept.id, deleted.id]);
    reader.close();

    const restarted = new IdentityStore(clock, identityFile(dir));
    await restarted.load();
    expect(restarted.get(kept.id)).toMatchObject({ id: kept.id, revokedAtSeconds: kept.revokedAtSeconds });
    expect(restarted.get(deleted.id)?.deletedAtMs).toBeDefined();
    store.close();
    restarted.close();
  });

  it("keeps every one of many concurrent writes and leaves only the database once closed", async () => {
    const dir = await tempDir();
    const store = new IdentityStore(new Clock(), identityFile(dir));
    const created = await Promise.all(Array.from({ length: 25 }, () => store.create(RESOURCE)));
    store.close();
    expect(await readdir(dir)).toEqual([DATABASE_FILE]);
    const restarted = new IdentityStore(new Clock(), identityFile(dir));
    await restarted.load();
    for (const record of created) expect(restarted.get(record.id)).toBeDefined();
    restarted.close();
  });

  it("clear() forgets identities, on disk too", async () => {
    const dir = await tempDir();
    const store = new IdentityStore(new Clock(), identityFile(dir));
    const record = await store.create(RESOURCE);
    await store.clear();
    expect(store.get(record.id)).toBeUndefined();
    store.close();
    const restarted = new IdentityStore(new Clock(), identityFile(dir));
    await restarted.load();
    expect(restarted.get(record.id)).toBeUndefined();
    restarted.close();
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
    const store = new IdentityStore(new Clock(), identityFile(dir));
    await store.load();
    expect(store.get(legacy.id)).toEqual(legacy);
    store.close();
    expect((await readdir(dir)).sort()).toEqual(["acs-identities.json.migrated", DATABASE_FILE]);
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
    const store = new IdentityStore(new Clock(), identityFile(dir));
    for (let i = 0; i < 300; i++) await store.create(RESOURCE);
    store.close();
    const path = join(dir, DATABASE_FILE);
    await damage(path);
    let error: Error | undefined;
    try {
      identityFile(dir).close();
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(reason);
    expect(error?.message).toContain(`${path} is not a usable acs-sandbox identity database (`);
    expect(error?.message).toContain("Move it away to start with no identities, or restore it from a backup");
  });

  it("mints ids 8:acs:<resourceId>_<36-char suffix> that sort by creation time", async () => {
    const clock = new Clock("2026-01-01T00:00:00Z");
    const store = new IdentityStore(clock, undefined);
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
    const store = new IdentityStore(clock, undefined);
    const record = await store.create(RESOURCE);
    const before = store.issuedAtFor(record);
    await store.revoke(record);
    const sameSecond = store.issuedAtFor(record);
    expect(store.isRevoked(record, before)).toBe(true);
    expect(store.isRevoked(record, sameSecond)).toBe(false);
    clock.advance("1h");
    expect(store.isRevoked(record, store.issuedAtFor(record))).toBe(false);
  });
});
