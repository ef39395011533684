import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { Interactions, MAX_PENDING_PER_ADDRESS } from "../../mock-aad/interactions.js";

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
  it("are found by their opaque id until finished", () => {
    const interactions = new Interactions(new Clock());
    const started = interactions.start(fields);
    expect(interactions.get(started.id)).toBe(started);
    interactions.finish(started.id);
    expect(interactions.get(started.id)).toBeUndefined();
  });

  it("lapse after an hour on the sandbox clock", () => {
    const clock = new Clock();
    const interactions = new Interactions(clock);
    const started = interactions.start(fields);
    clock.advance("61m");
    expect(interactions.get(started.id)).toBeUndefined();
  });

  it("ignore ids they never issued", () => {
    expect(new Interactions(new Clock()).get("forged")).toBeUndefined();
    expect(new Interactions(new Clock()).get(undefined)).toBeUndefined();
  });
});

describe("the bound on sign-ins in progress per client address", () => {
  it("refuses one address past the bound with AADSTS50196, serves the others, and frees it as sign-ins lapse", () => {
    const clock = new Clock();
    const interactions = new Interactions(clock);
    for (let i = 0; i < MAX_PENDING_PER_ADDRESS; i++) {
      expect(interactions.throttle("10.0.0.1")).toBeUndefined();
      interactions.start({ ...fields, clientAddress: "10.0.0.1" });
    }
    expect(interactions.throttle("10.0.0.1")?.code).toBe("AADSTS50196");
    expect(interactions.throttle("10.0.0.2")).toBeUndefined();
    clock.advance("61m");
    expect(interactions.throttle("10.0.0.1")).toBeUndefined();
    expect(interactions.size).toBe(0);
  });

  it("counts a finished sign-in out", () => {
    const interactions = new Interactions(new Clock());
    const started = Array.from({ length: MAX_PENDING_PER_ADDRESS }, () => interactions.start(fields));
    expect(interactions.throttle(fields.clientAddress)?.code).toBe("AADSTS50196");
    interactions.finish(started[0]!.id);
    expect(interactions.throttle(fields.clientAddress)).toBeUndefined();
  });
});
