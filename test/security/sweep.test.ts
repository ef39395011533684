import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Clock } from "../../core/clock.js";
import type { SandboxStore } from "../../core/store.js";
import { MemoryStore } from "../../harness/store/memory.js";
import { SqliteStore } from "../../harness/store/sqlite.js";
import { AadState, MAX_TOKENS_PER_SESSION } from "../../mock-aad/state.js";

/*
 * Abandoned sign-ins, codes, device codes, sessions and refresh tokens are forgotten on the sandbox
 * clock, and sign-ins in progress are bounded, so a flood of /authorize cannot grow the store without
 * end: in memory and in the data dir's database alike.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const stores: [string, () => SandboxStore][] = [
  ["memory", () => new MemoryStore()],
  [
    "SQLite",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "acs-sweep-"));
      dirs.push(dir);
      return SqliteStore.open(dir);
    },
  ],
];

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

/** A public client's authorization code, as /authorize issues one after a sign-in. */
function issueCode(state: AadState): Promise<string> {
  return state.authorizationCodes.issue({
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
}

describe.each(stores)("transient Entra state (%s store)", (_name, openStore) => {
  it("forgets sign-ins after their hour, codes and device codes a day after expiry, sessions after a day", async () => {
    const clock = new Clock("2026-01-01T00:00:00Z");
    const state = new AadState(openStore(), clock);
    const interaction = await startDeviceSignIn(state, "s");
    await issueCode(state);
    const { deviceCode } = await state.deviceCodes.issue({
      clientId: "c",
      scopes: [],
      authoritySegment: "common",
    });
    const session = await state.sessions.create("t", "u", "c");

    clock.advance("30m");
    await state.sweep();
    const sizes = () =>
      Promise.all([state.interactions.size(), state.authorizationCodes.size(), state.deviceCodes.size()]);
    expect(await sizes()).toEqual([1, 1, 1]);
    clock.advance("31m");
    await state.sweep();
    expect(await state.interactions.get(interaction.id)).toBeUndefined();
    expect(await state.interactions.size()).toBe(0);
    // An expired device code still answers "expired" for a day, then is forgotten.
    expect((await state.deviceCodes.poll(deviceCode)).status).toBe("expired");
    clock.advance("25h");
    await state.sweep();
    expect((await sizes()).slice(1)).toEqual([0, 0]);
    expect(await state.sessions.get(session)).toBeUndefined();
  });

  it("keeps the newest refresh tokens of one session only; other sessions are untouched", async () => {
    const state = new AadState(openStore(), new Clock("2026-01-01T00:00:00Z"));
    const grant = {
      tenantId: "t",
      userObjectId: "u",
      clientId: "c",
      clientAuthentication: "0" as const,
      spa: false,
      amr: ["pwd"],
      signedInAtMs: 0,
    };
    const other = await state.refreshTokens.issue({ ...grant, clientId: "other" }, 0);
    const issued: string[] = [];
    for (let i = 0; i < MAX_TOKENS_PER_SESSION + 5; i++)
      issued.push(await state.refreshTokens.issue(grant, i));
    const found = await Promise.all(issued.map((t) => state.refreshTokens.find(t)));
    expect(found.slice(0, 5)).toEqual(Array(5).fill(undefined));
    expect(found.slice(5).every((r) => r?.clientId === "c")).toBe(true);
    expect((await state.refreshTokens.find(other))?.clientId).toBe("other");
  });

  it("redeems an authorization code once, even when two redemptions race", async () => {
    const state = new AadState(openStore(), new Clock());
    const code = await issueCode(state);
    const results = await Promise.all([
      state.authorizationCodes.redeem(code),
      state.authorizationCodes.redeem(code),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "redeemed" });
  });
});

// 10 000 fsynced writes take a minute on SQLite: the bound is the same code over either store.
describe("sign-ins in progress are bounded", () => {
  it("keeps at most 10 000 sign-ins in progress, forgetting the oldest", async () => {
    const state = new AadState(new MemoryStore(), new Clock());
    const start = () => startDeviceSignIn(state, "s".repeat(256));
    const first = await start();
    for (let i = 0; i < 10_200; i++) await start();
    const last = await start();
    expect(await state.interactions.size()).toBe(10_000);
    expect(await state.interactions.get(first.id)).toBeUndefined();
    expect(await state.interactions.get(last.id)).toEqual(last);
  });
});
