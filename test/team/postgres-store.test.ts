import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStoreUnavailable } from "../../core/store.js";
import { PostgresStore } from "../../harness/store/postgres.js";
import { startTestPostgres, type TestPostgres } from "../support/postgres.js";

/*
 * The PostgreSQL store as two replicas see it: two stores on one database race for the same code and
 * document, and the database going away and coming back is an "unavailable" answer, then business as usual.
 */

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(() => pg?.destroy());

describe("the PostgreSQL store shared by two replicas", () => {
  it("gives a single-use record to one of two racing takes, and a document to one of two racing writers", async () => {
    const [a, b] = [await PostgresStore.open(pg.url), await PostgresStore.open(pg.url)];
    try {
      await a.put("code", "c1", { user: "alice" });
      const taken = await Promise.all([a.take("code", "c1"), b.take("code", "c1")]);
      expect(taken.filter((t) => t !== undefined)).toEqual([{ user: "alice" }]);

      const found = await a.get("count", "x");
      expect(found).toBeUndefined();
      expect(await Promise.all([a.insert("count", "x", 1), b.insert("count", "x", 1)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      const current = (await b.get<number>("count", "x"))!;
      expect(await a.replace("count", "x", current.version, 2)).toBe(true);
      expect(await b.replace("count", "x", current.version, 3)).toBe(false);

      const written = await Promise.all([
        a.writeDocument("world", { by: "a" }, 0),
        b.writeDocument("world", { by: "b" }, 0),
      ]);
      expect(written.filter((v) => v === 1)).toHaveLength(1);
      expect((await b.versions()).get("world")).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("keeps the journal of both in one order, bounded", async () => {
    const [a, b] = [await PostgresStore.open(pg.url), await PostgresStore.open(pg.url)];
    try {
      for (let i = 0; i < 6; i++) await (i % 2 === 0 ? a : b).append("journal-test", { i }, 4);
      expect(await a.readLog("journal-test")).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }, { i: 5 }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("answers 'unavailable' while PostgreSQL is down, with the reason, and carries on once it is back", async () => {
    const store = await PostgresStore.open(pg.url);
    try {
      await store.put("session", "s1", { user: "alice" });
      pg.stop();
      expect(await store.problem()).toMatch(
        /^PostgreSQL at postgres:\/\/sandbox@127\.0\.0\.1:\d+\/postgres is unreachable/,
      );
      const failure = await store.get("session", "s1").catch((err: unknown) => err);
      expect(isStoreUnavailable(failure)).toBe(true);
      pg.start();
      // The pool reconnects by itself: the acknowledged write is there.
      expect((await store.get("session", "s1"))?.value).toEqual({ user: "alice" });
      expect(await store.problem()).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
