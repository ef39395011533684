import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { Interactions, MAX_PENDING_PER_ADDRESS } from "../../mock-aad/interactions.js";
import { MemoryStore } from "../../harness/store/memory.js";

const interactionsOn = (clock: Clock) => new Interactions(new MemoryStore(), clock);

const fields = {
  authority: "common",
  clientId: "c",
  correlationId: "corr",
  loginHint: undefined,
  browser: "b",
  clientAddress: "127.0.0.1",
  request: { kind: "device" as const, deviceCode: "d", scope: "openid", confirmed: false },
};

describe("sign-ins in progress", () => {
  it("are found by their opaque id until finished", async () => {
    const interactions = interactionsOn(new Clock());
    const started = await interactions.start(fields);
    expect(await interactions.get(started.id)).toEqual(started);
    await interactions.finish(started);
    expect(await interactions.get(started.id)).toBeUndefined();
  });

  it("lapse after an hour on the sandbox clock", async () => {
    const clock = new Clock();
    const interactions = interactionsOn(clock);
    const started = await interactions.start(fields);
    clock.advance("61m");
    expect(await interactions.get(started.id)).toBeUndefined();
  });

  it("ignore ids they never issued", async () => {
    expect(await interactionsOn(new Clock()).get("forged")).toBeUndefined();
    expect(await interactionsOn(new Clock()).get(undefined)).toBeUndefined();
  });
});

describe("the bound on sign-ins in progress per client address", () => {
  it("refuses one address past the bound with AADSTS50196, serves the others, and frees it as sign-ins lapse", async () => {
    const clock = new Clock();
    const interactions = interactionsOn(clock);
    for (let i = 0; i < MAX_PENDING_PER_ADDRESS; i++) {
      expect(await interactions.throttle("10.0.0.1")).toBeUndefined();
      await interactions.start({ ...fields, clientAddress: "10.0.0.1" });
    }
    expect((await interactions.throttle("10.0.0.1"))?.code).toBe("AADSTS50196");
    expect(await interactions.throttle("10.0.0.2")).toBeUndefined();
    clock.advance("61m");
    expect(await interactions.throttle("10.0.0.1")).toBeUndefined();
    expect(await interactions.size()).toBe(0);
  });

  it("counts a finished sign-in out", async () => {
    const interactions = interactionsOn(new Clock());
    const started = await Promise.all(
      Array.from({ length: MAX_PENDING_PER_ADDRESS }, () => interactions.start(fields)),
    );
    expect((await interactions.throttle(fields.clientAddress))?.code).toBe("AADSTS50196");
    await interactions.finish(started[0]!);
    expect(await interactions.throttle(fields.clientAddress)).toBeUndefined();
  });
});
