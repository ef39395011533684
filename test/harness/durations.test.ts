import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { durationMs, explicitDurationMs, parseDuration } from "../../core/duration.js";
import { runScenario } from "../../harness/runner/index.js";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";

/*
 * One rule for durations: a string with units, or a bare number of seconds, wherever a person writes one.
 * Where a bare number once meant milliseconds (clock.advance, POST /_sandbox/clock, parseDuration), it is
 * refused with a sentence rather than silently taken a thousand times longer.
 */

describe("durations", () => {
  it("read a bare number as seconds, and strings by their units", () => {
    expect(durationMs(90)).toBe(90_000);
    expect(durationMs("90")).toBe(90_000);
    expect(durationMs("1h30m")).toBe(5_400_000);
    expect(durationMs("150ms")).toBe(150);
    expect(() => durationMs("soon")).toThrow(/Invalid duration "soon".*or a number of seconds/);
    expect(() => durationMs(Infinity)).toThrow(/finite number of seconds/);
  });

  it("take { seconds } and { ms } where a bare number would be ambiguous", () => {
    expect(explicitDurationMs({ seconds: 2 }, "clock.advance")).toBe(2000);
    expect(explicitDurationMs({ ms: 2 }, "clock.advance")).toBe(2);
    expect(() => explicitDurationMs({ minutes: 2 } as never, "clock.advance")).toThrow(
      /expected e.g. "25h", \{ seconds: 90 \} or \{ ms: 1500 \}/,
    );
  });

  it("refuse a bare number where it once meant milliseconds, saying what to write", () => {
    expect(() => parseDuration(90 as never)).toThrow(
      'parseDuration(90): a bare number is ambiguous here (it once meant milliseconds; a bare number means seconds in scenario and world files). Write "90s", { seconds: 90 } or { ms: 90 }.',
    );
    const clock = new Clock("2030-01-01T00:00:00Z");
    const before = clock.nowMs();
    expect(() => clock.advance(90 as never)).toThrow(/^clock\.advance\(90\): a bare number is ambiguous/);
    expect(clock.nowMs() - before).toBeLessThan(1000);
    clock.advance({ seconds: 3600 });
    expect(clock.nowMs() - before).toBeGreaterThanOrEqual(3_600_000);
    expect(clock.nowMs() - before).toBeLessThan(3_601_000);
  });
});

describe("the admin API's clock", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await buildSandbox();
  });
  afterAll(() => sandbox.close());

  const advance = (advance: unknown) =>
    sandbox.app.inject({ method: "POST", url: "/_sandbox/clock", payload: { advance } });

  it("refuses a bare number with the sentence, and takes { seconds } and { ms }", async () => {
    const before = sandbox.clock.nowMs();
    const bare = await advance(90);
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toEqual({
      error: "invalid_request",
      message:
        'clock.advance(90): a bare number is ambiguous here (it once meant milliseconds; a bare number means seconds in scenario and world files). Write "90s", { seconds: 90 } or { ms: 90 }.',
    });
    expect((await advance({ seconds: 3600 })).statusCode).toBe(200);
    expect((await advance({ ms: 60_000 })).statusCode).toBe(200);
    const moved = sandbox.clock.nowMs() - before;
    expect(moved).toBeGreaterThanOrEqual(3_660_000);
    expect(moved).toBeLessThan(3_661_000 + 60_000);
  });
});

describe("a scenario's advanceClock", () => {
  it("counts a bare number in seconds", async () => {
    const result = await runScenario(
      {
        name: "bare-seconds",
        description:
          "A token issued for 90 minutes is still valid after 90 bare seconds, not after 90 000 s.",
        steps: [
          { signIn: { user: "alice", app: "contoso-teams", flow: "password" } },
          { advanceClock: 90 },
          { exchange: { acs: "contoso-acs" }, expect: { ok: true } },
        ],
      },
      { mode: "intercept" },
    );
    expect(result.steps.map((s) => s.status)).toEqual(["passed", "passed", "passed"]);
  });
});
