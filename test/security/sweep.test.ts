import { describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import { AadState, MAX_TOKENS_PER_SESSION } from "../../mock-aad/state.js";

/*
 * Abandoned sign-ins, codes, device codes, sessions and refresh tokens are forgotten on the sandbox
 * clock, and sign-ins in progress are bounded, so a flood of /authorize cannot grow memory without end.
 */

/** A device code sign-in in progress, from one browser at one client address. */
function startDeviceSignIn(state: AadState, scope: string) {
  return state.interactions.start({
    authority: "common",
    clientId: "c",
    correlationId: "x",
    loginHint: undefined,
    browser: "b",
    clientAddress: "127.0.0.1",
    request: { kind: "device", deviceCode: "d", scope, confirmed: false },
  });
}

describe("transient Entra state is swept on the sandbox clock", () => {
  it("forgets sign-ins after their hour, codes and device codes a day after expiry, sessions after a day", () => {
    const clock = new Clock("2026-01-01T00:00:00Z");
    const state = new AadState(clock);
    const interaction = startDeviceSignIn(state, "s");
    state.authorizationCodes.issue({
      clientId: "c",
      tenantId: "t",
      userObjectId: "u",
      scopes: [],
      redirectUri: "http://localhost",
      platform: "publicClient",
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      nonce: undefined,
      authoritySegment: "common",
    });
    const { deviceCode } = state.deviceCodes.issue({ clientId: "c", scopes: [], authoritySegment: "common" });
    const session = state.sessions.create("t", "u", "c");

    clock.advance("30m");
    state.sweep();
    expect([state.interactions.size, state.authorizationCodes.size, state.deviceCodes.size]).toEqual([
      1, 1, 1,
    ]);
    clock.advance("31m");
    state.sweep();
    expect(state.interactions.get(interaction.id)).toBeUndefined();
    expect(state.interactions.size).toBe(0);
    // An expired device code still answers "expired" for a day, then is forgotten.
    expect(state.deviceCodes.poll(deviceCode).status).toBe("expired");
    clock.advance("25h");
    state.sweep();
    expect([state.authorizationCodes.size, state.deviceCodes.size]).toEqual([0, 0]);
    expect(state.sessions.get(session)).toBeUndefined();
  });
});

describe("sign-ins in progress are bounded", () => {
  it("keeps at most 10 000, forgetting the oldest", () => {
    const state = new AadState(new Clock());
    const start = () => startDeviceSignIn(state, "s".repeat(2048));
    const first = start();
    for (let i = 0; i < 10_200; i++) start();
    const last = start();
    expect(state.interactions.size).toBe(10_000);
    expect(state.interactions.get(first.id)).toBeUndefined();
    expect(state.interactions.get(last.id)).toBe(last);
  });
});

describe("refresh tokens of one session", () => {
  it("keep the newest ones only, so a sign-in loop cannot grow memory; other sessions are untouched", () => {
    const state = new AadState(new Clock("2026-01-01T00:00:00Z"));
    const grant = {
      tenantId: "t",
      userObjectId: "u",
      clientId: "c",
      clientAuthentication: "0" as const,
      spa: false,
      amr: ["pwd"],
      signedInAtMs: 0,
    };
    const other = state.refreshTokens.issue({ ...grant, clientId: "other" }, 0);
    const issued = Array.from({ length: MAX_TOKENS_PER_SESSION + 5 }, (_, i) =>
      state.refreshTokens.issue(grant, i),
    );
    expect(issued.slice(0, 5).map((t) => state.refreshTokens.find(t))).toEqual(Array(5).fill(undefined));
    expect(issued.slice(5).every((t) => state.refreshTokens.find(t)?.clientId === "c")).toBe(true);
    expect(state.refreshTokens.find(other)?.clientId).toBe("other");
  });
});
