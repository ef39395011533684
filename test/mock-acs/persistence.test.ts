import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { IdentityStore } from "../../mock-acs/identities.js";
import { identityFile } from "../../mock-acs/persistence.js";

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

    const onDisk = JSON.parse(await readFile(join(dir, "acs-identities.json"), "utf8"));
    expect(onDisk.identities).toHaveLength(2);

    const restarted = new IdentityStore(clock, identityFile(dir));
    await restarted.load();
    expect(restarted.get(kept.id)).toMatchObject({ id: kept.id, revokedAtSeconds: kept.revokedAtSeconds });
    expect(restarted.get(deleted.id)?.deletedAtMs).toBeDefined();
  });

  it("keeps the last of many concurrent writes and leaves no temporary files", async () => {
    const dir = await tempDir();
    const store = new IdentityStore(new Clock(), identityFile(dir));
    const created = await Promise.all(Array.from({ length: 25 }, () => store.create(RESOURCE)));
    const restarted = new IdentityStore(new Clock(), identityFile(dir));
    await restarted.load();
    for (const record of created) expect(restarted.get(record.id)).toBeDefined();
    expect(await readdir(dir)).toEqual(["acs-identities.json"]);
  });

  it("clear() forgets identities and removes the file", async () => {
    const dir = await tempDir();
    const store = new IdentityStore(new Clock(), identityFile(dir));
    const record = await store.create(RESOURCE);
    await store.clear();
    expect(store.get(record.id)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
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
