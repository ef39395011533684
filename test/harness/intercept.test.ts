import http from "node:http";
import { http as mswHttp, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";

/*
 * Intercept mode in one test process: the newest open sandbox answers the real hosts, closing it hands
 * them back, and a closed sandbox never answers again.
 */

const open: RunningSandbox[] = [];
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close();
});

async function tenantsSeen(): Promise<string[]> {
  const res = await fetch("https://login.microsoftonline.com/_sandbox/descriptor");
  const descriptor = (await res.json()) as { tenants: { name: string }[] };
  return descriptor.tenants.map((t) => t.name);
}

describe("intercept mode", () => {
  it("lets the newest sandbox answer and hands the hosts back when it closes", async () => {
    const first = await startSandbox({ mode: "intercept" });
    open.push(first);
    expect(await tenantsSeen()).toEqual(["contoso", "fabrikam"]);

    const second = await startSandbox({ mode: "intercept", world: { tenants: { northwind: {} } } });
    open.push(second);
    expect(await tenantsSeen()).toEqual(["contoso", "fabrikam", "northwind"]);

    await second.close();
    open.pop();
    expect(await tenantsSeen()).toEqual(["contoso", "fabrikam"]);
  });

  it("keeps no state from a sandbox closed before: identities and clocks start fresh", async () => {
    const first = await startSandbox({ mode: "intercept" });
    first.clock.advance("25h");
    await first.close();
    const second = await startSandbox({ mode: "intercept" });
    open.push(second);
    expect(Math.abs(second.clock.nowMs() - Date.now())).toBeLessThan(60_000);
    const res = await fetch("https://login.microsoftonline.com/_sandbox/requests");
    expect(((await res.json()) as { requests: unknown[] }).requests).toHaveLength(0);
  });

  it("takes msw's patches off by the next turn of the event loop after the last one closed", async () => {
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    await nextTurn();
    const unpatched = { request: http.request, fetch: globalThis.fetch };
    const sb = await startSandbox({ mode: "intercept" });
    expect(http.request).not.toBe(unpatched.request);
    expect(globalThis.fetch).not.toBe(unpatched.fetch);
    await sb.close();
    await nextTurn();
    expect(http.request).toBe(unpatched.request);
    expect(globalThis.fetch).toBe(unpatched.fetch);
  });

  it("leaves a suite's own msw server, started as the last sandbox closed, answering after that turn", async () => {
    const sb = await startSandbox({ mode: "intercept" });
    await sb.close();
    const own = setupServer(
      mswHttp.get("https://api.example.test/ping", () => HttpResponse.json({ pong: true })),
    );
    own.listen({ onUnhandledRequest: "bypass" });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      expect(await (await fetch("https://api.example.test/ping")).json()).toEqual({ pong: true });
    } finally {
      own.close();
    }
    // Its close took the interceptors with it; the next sandbox patches them again and answers.
    const next = await startSandbox({ mode: "intercept" });
    open.push(next);
    expect(await tenantsSeen()).toEqual(["contoso", "fabrikam"]);
  });
});
