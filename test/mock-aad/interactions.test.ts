import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { Interactions } from "../../mock-aad/interactions.js";

const fields = {
  authority: "common",
  clientId: "c",
  correlationId: "corr",
  loginHint: undefined,
  browser: "b",
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
