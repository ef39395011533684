import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { FaultInjector, type FaultTarget } from "../../harness/operator/faults/injector.js";
import { StoredFaultCounts } from "../../harness/operator/faults/stored-counts.js";
import { MemoryStore } from "../../harness/store/memory.js";

/*
 * A fault rule limited to `times` counts its hits in the store the replicas share: `times: 1` fires
 * once across all of them, however the requests are spread.
 */

const EXCHANGE: FaultTarget = {
  service: "acs",
  operation: "exchange",
  method: "POST",
  path: "/teamsUser/:exchangeAccessToken",
  clientId: undefined,
};

/** Two replicas' injectors on one store, holding the same rules (as the faults document gives them). */
function twoReplicas() {
  const store = new MemoryStore();
  const clock = new Clock();
  const a = new FaultInjector(clock, new StoredFaultCounts(store));
  const b = new FaultInjector(clock, new StoredFaultCounts(store));
  a.onChange(() => b.restore(a.snapshot()));
  return { a, b };
}

describe("fault rule counts shared by replicas", () => {
  it("fires a times: 1 rule once, at whichever replica takes the first matching request", async () => {
    const { a, b } = twoReplicas();
    a.add({ id: "once", service: "acs", operation: "exchange", status: 429, times: 1 });
    const decisions = await Promise.all([b.decide(EXCHANGE), a.decide(EXCHANGE), b.decide(EXCHANGE)]);
    expect(decisions.filter((d) => d !== undefined).map((d) => d!.rule.id)).toEqual(["once"]);
    expect((await a.listCounted())[0]).toMatchObject({ id: "once", times: 1, remaining: 0 });
    expect((await b.listCounted())[0]).toMatchObject({ id: "once", remaining: 0 });
  });

  it("spends times: 3 across both and then lets the next rule take the request", async () => {
    const { a, b } = twoReplicas();
    a.add({ id: "thrice", service: "acs", operation: "exchange", status: 503, times: 3 });
    a.add({ id: "after", service: "acs", operation: "exchange", status: 500 });
    const ids: string[] = [];
    for (const replica of [a, b, a, b, a]) ids.push((await replica.decide(EXCHANGE))!.rule.id);
    expect(ids).toEqual(["thrice", "thrice", "thrice", "after", "after"]);
  });

  it("counts a rule added again under its id afresh", async () => {
    const { a, b } = twoReplicas();
    a.add({ id: "again", service: "acs", status: 429, times: 1 });
    expect((await b.decide(EXCHANGE))?.rule.id).toBe("again");
    expect(await a.decide(EXCHANGE)).toBeUndefined();
    a.add({ id: "again", service: "acs", status: 429, times: 1 });
    expect((await a.decide(EXCHANGE))?.rule.id).toBe("again");
  });
});
