import Fastify from "fastify";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";
import { Clock } from "../../core/clock.js";
import { installErrorHandler } from "../../mock-aad/routes/fallback.js";
import { installWire } from "../../mock-acs/wire.js";
import type { AadContext } from "../../mock-aad/context.js";

/*
 * A bug must be visible: an unexpected exception is a 500 in the owning service's shape, journaled with
 * its stack and written to the --debug log, never a 400 that a "never 500" sweep would take for a
 * client error. The failure is provoked through public hooks (an extra plugin, the mocks' own error
 * handlers on a bare app), not through a code path of the product.
 */

// Built from its parts: the failing plugins are reached through the app directly.
let sb: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function failingRoute(path: string) {
  return async (app: import("fastify").FastifyInstance) => {
    app.get(path, async () => {
      const world = undefined as unknown as { tenants: unknown[] };
      return world.tenants.length; // a TypeError, as a real bug would throw
    });
  };
}

describe("unexpected errors are visible 500s", () => {
  it("a TypeError in an endpoint is a 500 with a sentence, journaled with its stack and written to the debug log", async () => {
    dir = mkdtempSync(join(tmpdir(), "acs-sandbox-debug-"));
    const debugLog = join(dir, "debug.log");
    sb = await buildSandbox({ debugLogPath: debugLog, plugins: [failingRoute("/team/double")] });
    const res = await sb.app.inject({ url: "/team/double" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: "internal_error",
      message: expect.stringMatching(
        /^The sandbox failed while answering GET \/team\/double: Cannot read properties of undefined \(reading 'tenants'\)\. This is a bug in acs-sandbox; the stack is in GET \/_sandbox\/requests and in the --debug log\.$/,
      ),
    });
    expect(res.body).not.toMatch(/\n\s+at /);

    const entry = sb.journal.list().find((e) => e.url === "/team/double")!;
    expect(entry.status).toBe(500);
    expect(entry.error?.message).toBe("Cannot read properties of undefined (reading 'tenants')");
    expect(entry.error?.stack).toContain("TypeError");
    expect(entry.error?.stack).toContain("server-errors.test.ts");

    const lines = readFileSync(debugLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.url === "/team/double")?.error.stack).toContain("TypeError");
    // The sandbox goes on serving.
    expect((await sb.app.inject({ url: "/_sandbox/health" })).json()).toEqual({
      status: "ok",
      store: "memory",
    });
  });

  it("a failure after the answer left (a hook that throws) is on stderr and in the debug log", async () => {
    dir = mkdtempSync(join(tmpdir(), "acs-sandbox-debug-"));
    const debugLog = join(dir, "debug.log");
    const afterAnswer = async (app: import("fastify").FastifyInstance) => {
      app.get("/team/after", async () => ({ ok: true }));
      app.addHook("onResponse", async (request) => {
        if (request.url === "/team/after") throw new RangeError("bookkeeping after the answer failed");
      });
    };
    sb = await buildSandbox({ debugLogPath: debugLog, plugins: [afterAnswer] });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let printed: string;
    try {
      const res = await sb.app.inject({ url: "/team/after" });
      expect(res.json()).toEqual({ ok: true });
      await vi.waitFor(() => expect(stderr).toHaveBeenCalled());
      printed = String(stderr.mock.calls[0]![0]);
    } finally {
      stderr.mockRestore();
    }
    expect(printed).toMatch(
      /^acs-sandbox: internal error: request errored\nRangeError: bookkeeping after the answer failed\n/,
    );
    const failures = readFileSync(debugLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { failure?: { message: string; stack?: string } })
      .filter((l) => l.failure);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.failure!.message).toBe("request errored");
    expect(failures[0]!.failure!.stack).toContain("RangeError: bookkeeping after the answer failed");
  });

  it("Entra's endpoints answer a bug with Entra's 500 (AADSTS50000), not 400 AADSTS9002313", async () => {
    const app = Fastify();
    installErrorHandler(app, { clock: new Clock() } as unknown as AadContext);
    app.post("/fabrikam/oauth2/v2.0/token", async () => {
      throw new TypeError("boom");
    });
    // What the framework refuses before a handler runs stays the client's error.
    app.post("/fabrikam/oauth2/v2.0/other", async () => ({}));
    const res = await app.inject({ method: "POST", url: "/fabrikam/oauth2/v2.0/token" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({
      error: "server_error",
      error_codes: [50000],
      error_description: expect.stringMatching(
        /^AADSTS50000: There was an error issuing a token or an issue with our sign-in service\.\r\nTrace ID: /,
      ),
    });
    const unreadable = await app.inject({
      method: "POST",
      url: "/fabrikam/oauth2/v2.0/other",
      headers: { "content-type": "application/json" },
      payload: "{bad",
    });
    expect(unreadable.statusCode).toBe(400);
    expect(unreadable.json().error_codes).toEqual([9002313]);
    await app.close();
  });

  it("ACS's endpoints answer a bug with ACS's 500 body", async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      installWire(scope);
      scope.get("/identities", async () => {
        throw new TypeError("boom");
      });
    });
    const res = await app.inject({ url: "/identities?api-version=2023-10-01" });
    expect(res.statusCode).toBe(500);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json()).toEqual({
      error: { code: "InternalServerError", message: "An internal error occurred." },
    });
    await app.close();
  });
});
