import { describe, expect, it } from "vitest";
import { Journal, type JournalEntry } from "../../harness/operator/journal.js";
import { sharedStore } from "../support/gated-store.js";

/*
 * The journal of a replica on a shared store: its entries go to the shared log without holding up the
 * answers, yet a client that has its answer finds the request in the journal (reads wait for this
 * replica's appends), and one replica's entries are kept in the order it answered them, however slowly
 * the store takes each (test/support/gated-store.ts holds an append until the test lets it go).
 */

const entry = (url: string): JournalEntry => ({
  at: "2026-01-01T00:00:00.000Z",
  method: "POST",
  host: "login.microsoftonline.com",
  url,
  status: 200,
  durationMs: 1,
});

describe("a replica's journal on a shared store", () => {
  it("answers a read with an entry whose append the store has not finished", async () => {
    const { store, hold } = sharedStore();
    const journal = new Journal(store);
    const append = hold("append");
    journal.add(entry("/token"));
    let read: JournalEntry[] | undefined;
    const reading = journal.entries().then((entries) => (read = entries));
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toBeUndefined();
    append.open();
    await reading;
    expect(read!.map((e) => e.url)).toEqual(["/token"]);
  });

  it("keeps its entries in the order it answered them when the first append is slow", async () => {
    const { store, hold } = sharedStore();
    const journal = new Journal(store);
    const first = hold("append");
    journal.add(entry("/first"));
    journal.add(entry("/second"));
    await new Promise((resolve) => setImmediate(resolve));
    first.open();
    expect((await journal.entries()).map((e) => e.url)).toEqual(["/first", "/second"]);
    expect((await store.readLog<JournalEntry>("journal")).map((e) => e.url)).toEqual(["/first", "/second"]);
  });

  it("clears after the appends queued before the clear, so none of them comes back", async () => {
    const { store, hold } = sharedStore();
    const journal = new Journal(store);
    const append = hold("append");
    journal.add(entry("/before-reset"));
    const clearing = journal.clear();
    append.open();
    await clearing;
    expect(await journal.entries()).toEqual([]);
    journal.add(entry("/after-reset"));
    expect((await journal.entries()).map((e) => e.url)).toEqual(["/after-reset"]);
  });
});
