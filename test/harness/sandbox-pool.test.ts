import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { CryptoProvider } from "@azure/msal-node";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from "../../harness/index.js";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { defaultWorld } from "../../harness/sandbox/world.js";
import { sandboxHandlers } from "../../harness/transports/msw.js";
import { sandboxOf } from "../../harness/transports/running.js";
import { accessClient } from "../support/acs-access.js";
import { clientId, tenantId, user } from "../support/modes.js";
import { ACS_SCOPES, msalFailure, publicClient, signInWithPassword } from "../third-party/entra-support.js";

/*
 * startSandbox's pool: an intercept or handlers mode sandbox closed by one test is reset and handed to
 * the next test with the same options, under a new handle. Each test here does something in a first
 * sandbox, closes it, checks that the next startSandbox() gave the very same sandbox back (so the pool
 * is what is tested), and that nothing of the first test is left: the real clients see a fresh sandbox.
 */

const CLOSED = /this sandbox was closed/;

/**
 * Runs `first` in a sandbox, closes it, then `second` in the sandbox the next startSandbox() with the
 * same options gives, which must be the same one reused.
 */
async function twoTests<T>(
  first: (sb: RunningSandbox) => Promise<T>,
  second: (sb: RunningSandbox, carried: T) => Promise<void>,
  options: StartSandboxOptions = { mode: "intercept" },
): Promise<void> {
  const one = await startSandbox(options);
  const behind = sandboxOf(one);
  let carried: T;
  try {
    carried = await first(one);
  } finally {
    await one.close();
  }
  const two = await startSandbox(options);
  try {
    expect(sandboxOf(two), "the pool's sandbox, under a new handle").toBe(behind);
    expect(two === one, "a new handle").toBe(false);
    await second(two, carried);
  } finally {
    await two.close();
  }
}

const tokenUrl = (sb: RunningSandbox) =>
  `https://login.microsoftonline.com/${tenantId(sb, "fabrikam")}/oauth2/v2.0/token`;

/** What the token endpoint answers a form, as a device or hand-written client would post it. */
async function postToken(sb: RunningSandbox, form: Record<string, string>) {
  const response = await fetch(tokenUrl(sb), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// The pool serves sandboxes in memory only: a suite run on PostgreSQL (ACS_SANDBOX_TEST_STORE) gives each
// sandbox a store of its own, which bypasses it. These tests are about the pool, so they run without.
const suiteStore = process.env.ACS_SANDBOX_TEST_STORE;
beforeAll(() => {
  delete process.env.ACS_SANDBOX_TEST_STORE;
});
afterAll(() => {
  if (suiteStore !== undefined) process.env.ACS_SANDBOX_TEST_STORE = suiteStore;
});

describe("a pooled sandbox carries nothing over from the test before", () => {
  it("an authorization code issued in one test is unknown in the next", async () => {
    const redirectUri = "http://localhost";
    await twoTests(
      async (sb) => {
        const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
        const url = await publicClient(sb, "fabrikam").getAuthCodeUrl({
          scopes: ACS_SCOPES,
          redirectUri,
          codeChallenge: challenge,
          codeChallengeMethod: "S256",
        });
        const outcome = await new HeadlessUser({
          username: user(sb, "alice").upn,
          password: user(sb, "alice").password,
        }).navigate(url);
        if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
        return { code: outcome.params.get("code")!, verifier };
      },
      async (sb, { code, verifier }) => {
        const failure = await msalFailure(
          publicClient(sb, "fabrikam").acquireTokenByCode({
            code,
            codeVerifier: verifier,
            redirectUri,
            scopes: ACS_SCOPES,
          }),
        );
        // Entra's answer to a code it never issued.
        expect(failure).toMatchObject({ errorCode: "invalid_request", errorNo: "9002313" });
      },
    );
  });

  it("a device code issued in one test is unknown in the next", async () => {
    const form = (sb: RunningSandbox) => ({
      client_id: clientId(sb, "contoso-teams"),
      scope: `${ACS_SCOPES.join(" ")} offline_access`,
    });
    await twoTests(
      async (sb) => {
        const response = await fetch(
          `https://login.microsoftonline.com/${tenantId(sb, "fabrikam")}/oauth2/v2.0/devicecode`,
          {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(form(sb)).toString(),
          },
        );
        const issued = (await response.json()) as { device_code: string };
        const pending = await postToken(sb, {
          ...form(sb),
          grant_type: "urn:ietf:params:oauth:grant-type:device_code",
          device_code: issued.device_code,
        });
        expect(pending.body.error).toBe("authorization_pending");
        return issued.device_code;
      },
      async (sb, deviceCode) => {
        const polled = await postToken(sb, {
          ...form(sb),
          grant_type: "urn:ietf:params:oauth:grant-type:device_code",
          device_code: deviceCode,
        });
        // Entra's answer to a device code it does not know (pending would be 70016).
        expect(polled.status).toBe(400);
        expect(polled.body.error_codes).toEqual([70018]);
      },
    );
  });

  it("a refresh token from one test is dead in the next", async () => {
    await twoTests(
      async (sb) => {
        const pca = publicClient(sb, "fabrikam");
        const alice = user(sb, "alice");
        await pca.acquireTokenByUsernamePassword({
          scopes: ACS_SCOPES,
          username: alice.upn,
          password: alice.password,
        });
        const cache = JSON.parse(pca.getTokenCache().serialize()) as {
          RefreshToken: Record<string, { secret: string }>;
        };
        const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;
        // It works here: the next test's failure is the pool's doing, not a bad token.
        const renewed = await publicClient(sb, "fabrikam").acquireTokenByRefreshToken({
          refreshToken,
          scopes: ACS_SCOPES,
        });
        expect(renewed?.accessToken).toBeTruthy();
        return refreshToken;
      },
      async (sb, refreshToken) => {
        const failure = await msalFailure(
          publicClient(sb, "fabrikam").acquireTokenByRefreshToken({ refreshToken, scopes: ACS_SCOPES }),
        );
        // Entra's answer to a refresh token it never issued.
        expect(failure).toMatchObject({ errorCode: "invalid_request", errorNo: "9002313" });
      },
    );
  });

  it("a sign-in session (the browser's cookie) from one test is unknown in the next", async () => {
    // One browser, its cookie jar kept from the first test to the second.
    let browser: HeadlessUser | undefined;
    const silentSignIn = async (sb: RunningSandbox) =>
      browser!.navigate(
        await publicClient(sb, "fabrikam").getAuthCodeUrl({
          scopes: ACS_SCOPES,
          redirectUri: "http://localhost",
          prompt: "none",
          loginHint: user(sb, "alice").upn,
        }),
      );
    await twoTests(
      async (sb) => {
        browser = new HeadlessUser({ username: user(sb, "alice").upn, password: user(sb, "alice").password });
        const url = await publicClient(sb, "fabrikam").getAuthCodeUrl({
          scopes: ACS_SCOPES,
          redirectUri: "http://localhost",
        });
        expect((await browser.navigate(url)).kind).toBe("redirect");
        const again = await silentSignIn(sb);
        expect(again.kind === "redirect" && again.params.get("code")).toBeTruthy();
      },
      async (sb) => {
        const outcome = await silentSignIn(sb);
        if (outcome.kind !== "redirect") throw new Error(`expected a redirect, got ${outcome.kind}`);
        expect(outcome.params.get("code")).toBeNull();
        expect(outcome.params.get("error")).toBe("login_required");
      },
    );
  });

  it("a smart lockout one test set off is forgotten in the next", async () => {
    const lockout = {
      mode: "intercept" as const,
      world: { tenants: { fabrikam: { lockout: { threshold: 2 } } } },
    };
    await twoTests(
      async (sb) => {
        for (let i = 0; i < 2; i++) {
          await msalFailure(signInWithPassword(sb, { user: "alice", tenant: "fabrikam", password: "wrong" }));
        }
        const locked = await msalFailure(signInWithPassword(sb, { user: "alice", tenant: "fabrikam" }));
        expect(locked).toMatchObject({ errorNo: "50053" });
      },
      async (sb) => {
        const signedIn = await signInWithPassword(sb, { user: "alice", tenant: "fabrikam" });
        expect(signedIn?.accessToken).toBeTruthy();
      },
      lockout,
    );
  });

  it("an ACS identity made in one test is unknown in the next", async () => {
    const client = (sb: RunningSandbox) =>
      new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    await twoTests(
      async (sb) => {
        const made = await client(sb).createUser();
        expect((await client(sb).getToken(made, ["chat"])).token).toBeTruthy();
        return made;
      },
      async (sb, made) => {
        await expect(client(sb).getToken(made, ["chat"])).rejects.toMatchObject({
          statusCode: 404,
          code: "IdentityNotFound",
        });
      },
    );
  });

  it("an ACS access assignment made in one test is gone in the next", async () => {
    const API_VERSION = { "api-version": "2025-03-02-preview" };
    const assigned = async (sb: RunningSandbox) => {
      const listed = await accessClient(sb)
        .path("/access/entra/assignments")
        .get({ queryParameters: API_VERSION });
      return (listed.body as { value: { objectId: string }[] }).value.map((a) => a.objectId);
    };
    await twoTests(
      async (sb) => {
        const contoso = tenantId(sb, "contoso");
        const patched = await accessClient(sb)
          .path("/access/entra/assignments")
          .patch({
            queryParameters: API_VERSION,
            contentType: "application/merge-patch+json",
            body: {
              [contoso]: {
                tenantId: contoso,
                principalType: "tenant",
                clientIds: [clientId(sb, "contoso-calling")],
              },
            },
          });
        expect(patched.status).toBe("200");
        expect(await assigned(sb)).toContain(contoso);
        return contoso;
      },
      async (sb, contoso) => {
        expect(await assigned(sb)).not.toContain(contoso);
      },
    );
  });

  it("a fault rule of one test is gone in the next", async () => {
    await twoTests(
      async (sb) => {
        sb.faults.add({ service: "entra", operation: "token", status: 503 });
        const failure = await msalFailure(signInWithPassword(sb, { user: "alice", tenant: "fabrikam" }));
        expect(failure).toBeTruthy();
      },
      async (sb) => {
        expect(sb.faults.list()).toEqual([]);
        const signedIn = await signInWithPassword(sb, { user: "alice", tenant: "fabrikam" });
        expect(signedIn?.accessToken).toBeTruthy();
      },
    );
  });

  it("the clock one test moved is back at wall time in the next", async () => {
    await twoTests(
      async (sb) => {
        sb.clock.advance("25h");
      },
      async (sb) => {
        expect(Math.abs(sb.clock.nowMs() - Date.now())).toBeLessThan(60_000);
      },
    );
  });

  it("a world edit of one test is gone in the next", async () => {
    await twoTests(
      async (sb) => {
        sb.editWorld({ apps: { "contoso-teams": { publicClientFlows: false } } });
        const refused = await msalFailure(signInWithPassword(sb, { user: "alice", tenant: "fabrikam" }));
        expect(refused).toMatchObject({ errorCode: "invalid_client" });
      },
      async (sb) => {
        expect(sb.world).toEqual(defaultWorld().document);
        const signedIn = await signInWithPassword(sb, { user: "alice", tenant: "fabrikam" });
        expect(signedIn?.accessToken).toBeTruthy();
      },
    );
  });

  it("the journal of one test is empty in the next", async () => {
    await twoTests(
      async (sb) => {
        await signInWithPassword(sb, { user: "alice", tenant: "fabrikam" });
        expect(sb.countRequests({ service: "entra" })).toBeGreaterThan(0);
      },
      async (sb) => {
        expect(sb.requests()).toEqual([]);
      },
    );
  });

  it("a request a test left waiting on a latency fault ends at close and is not in the next test's journal", async () => {
    let left: Promise<unknown> | undefined;
    await twoTests(
      async (sb) => {
        sb.faults.add({ service: "entra", operation: "token", latency: "30s" });
        left = signInWithPassword(sb, { user: "alice", tenant: "fabrikam" }).catch((err: unknown) => err);
        // The request is in the sandbox, held by the fault, when the test ends.
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
      async (sb) => {
        await left;
        expect(sb.requests()).toEqual([]);
        expect(sb.faults.list()).toEqual([]);
      },
    );
  });
});

describe("a closed handle", () => {
  it("refuses every call, though its sandbox answers the next test", async () => {
    const old = await startSandbox({ mode: "intercept" });
    await old.close();
    const next = await startSandbox({ mode: "intercept" });
    try {
      const calls: Record<string, () => unknown> = {
        descriptor: () => old.descriptor,
        world: () => old.world,
        editWorld: () => old.editWorld({ tenants: {} }),
        "clock.now": () => old.clock.now(),
        "clock.advance": () => old.clock.advance("1h"),
        "faults.add": () => old.faults.add({ status: 503 }),
        "faults.list": () => old.faults.list(),
        requests: () => old.requests(),
        countRequests: () => old.countRequests(),
      };
      for (const [name, call] of Object.entries(calls)) expect(call, name).toThrow(CLOSED);
      await expect(old.reset()).rejects.toThrow(CLOSED);
      await expect(old.close()).resolves.toBeUndefined();
      // Nothing the old handle tried reached the sandbox the next test has.
      expect(Math.abs(next.clock.nowMs() - Date.now())).toBeLessThan(60_000);
      expect(next.faults.list()).toEqual([]);
      expect(next.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
    } finally {
      await next.close();
    }
  });

  it("handlers mode: its msw handlers refuse with the closed error, never passing the request on", async () => {
    const sb = await startSandbox({ mode: "handlers" });
    const server = setupServer(...sandboxHandlers(sb));
    server.listen({ onUnhandledRequest: "error" });
    try {
      const open = await fetch("https://login.microsoftonline.com/_sandbox/descriptor");
      expect(open.status).toBe(200);
      await sb.close();
      const closed = await fetch("https://login.microsoftonline.com/_sandbox/descriptor");
      expect(closed.status).toBe(500);
      expect(await closed.text()).toMatch(CLOSED);
    } finally {
      server.close();
      await sb.close();
    }
  });
});

describe("what the pool shares, and with whom", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  /** Whether the second of two sandboxes started one after the other with these options is the first one. */
  async function reused(options: StartSandboxOptions, then: StartSandboxOptions = options): Promise<boolean> {
    const one = await startSandbox(options);
    const behind = sandboxOf(one);
    await one.close();
    const two = await startSandbox(then);
    try {
      return sandboxOf(two) === behind;
    } finally {
      await two.close();
    }
  }

  it("reuses a sandbox for the same mode and world or scenario", async () => {
    expect(await reused({ mode: "intercept" })).toBe(true);
    expect(await reused({ mode: "handlers" })).toBe(true);
    expect(await reused({ mode: "intercept", scenario: "account-locked" })).toBe(true);
    expect(await reused({ mode: "intercept", world: { tenants: { northwind: {} } } })).toBe(true);
  });

  it("never hands a sandbox to other options: another mode, world or scenario", async () => {
    expect(await reused({ mode: "intercept" }, { mode: "handlers" })).toBe(false);
    expect(await reused({ mode: "intercept" }, { mode: "intercept", scenario: "account-locked" })).toBe(
      false,
    );
    expect(
      await reused({ mode: "intercept" }, { mode: "intercept", world: { tenants: { northwind: {} } } }),
    ).toBe(false);
    expect(await reused({ mode: "intercept" }, { mode: "intercept", looseApiVersion: true })).toBe(false);
  });

  it("builds anew what a reset cannot undo: plugins, data dir, debug log, admin token, start time, a World object", async () => {
    const folder = mkdtempSync(join(tmpdir(), "acs-sandbox-pool-"));
    folders.push(folder);
    const bypassing: StartSandboxOptions[] = [
      { mode: "intercept", plugins: [async () => {}] },
      { mode: "intercept", dataDir: join(folder, "data") },
      { mode: "intercept", debugLog: join(folder, "debug.log") },
      { mode: "intercept", adminToken: "secret" },
      { mode: "intercept", startTime: "2030-01-01T00:00:00Z" },
      { mode: "intercept", world: defaultWorld() },
    ];
    for (const options of bypassing) expect(await reused(options), JSON.stringify(options)).toBe(false);
  });

  it("server mode is never pooled", async () => {
    expect(await reused({ mode: "server", port: 0 })).toBe(false);
  });
});

describe("intercept mode beside a suite's own msw server", () => {
  it("answers again after the suite's own server, closed while a sandbox was open, took msw's patches with it", async () => {
    const outer = await startSandbox({ mode: "intercept" });
    try {
      // msw 2 shares its interceptors between servers, and closing one disposes them for all.
      const own = setupServer(
        http.get("https://api.example.test/ping", () => HttpResponse.json({ pong: true })),
      );
      own.listen({ onUnhandledRequest: "bypass" });
      expect(await (await fetch("https://api.example.test/ping")).json()).toEqual({ pong: true });
      own.close();
      const inner = await startSandbox({ mode: "intercept", world: { tenants: { northwind: {} } } });
      try {
        const answer = await fetch("https://login.microsoftonline.com/_sandbox/descriptor");
        expect(answer.status).toBe(200);
        const descriptor = (await answer.json()) as { tenants: { name: string }[] };
        expect(descriptor.tenants.map((t) => t.name)).toContain("northwind");
      } finally {
        await inner.close();
      }
      // The hosts go back to the outer sandbox, through the server set up anew.
      const back = await fetch("https://login.microsoftonline.com/_sandbox/descriptor");
      const descriptor = (await back.json()) as { tenants: { name: string }[] };
      expect(descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
    } finally {
      await outer.close();
    }
  });
});
