import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { test as sandboxTest } from "../../harness/transports/vitest.js";
import { rejection } from "../support/rest-error.js";
import { testStore } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The fault and journal admin API as a user calls it over HTTP (here through the intercepted Entra
 * host, which serves /_sandbox/ like any other), and the selection rules: count, probability under a
 * seed, a window on the sandbox clock.
 */

const ADMIN = "https://login.microsoftonline.com/_sandbox";

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${ADMIN}${path}`, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } }
      : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function identityClient(sb: RunningSandbox) {
  return new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString, {
    retryOptions: { maxRetries: 0 },
  });
}

/** Which of `n` createUser calls the faults hit, as a string of x (hit) and . (normal answer). */
async function pattern(sb: RunningSandbox, n: number): Promise<string> {
  let marks = "";
  for (let i = 0; i < n; i++) {
    marks += await identityClient(sb)
      .createUser()
      .then(
        () => ".",
        () => "x",
      );
  }
  return marks;
}

describe("/_sandbox/faults", () => {
  const sb = suiteSandbox({ mode: "intercept" });
  afterEach(() => sb.reset());

  it("adds, lists and removes rules", async () => {
    const added = await admin("POST", "/faults", {
      service: "acs",
      operation: "exchange",
      status: 429,
      times: 2,
    });
    expect(added).toMatchObject({
      status: 201,
      body: { id: "fault-1", kind: "status", hits: 0, remaining: 2 },
    });
    await admin("POST", "/faults", {
      id: "slow-entra",
      service: "entra",
      latency: { min: "10ms", max: "50ms" },
    });
    const listed = await admin("GET", "/faults");
    expect((listed.body.faults as { id: string }[]).map((f) => f.id)).toEqual(["fault-1", "slow-entra"]);
    expect(await admin("DELETE", "/faults/slow-entra")).toEqual({ status: 200, body: { removed: 1 } });
    expect(await admin("DELETE", "/faults/slow-entra")).toMatchObject({
      status: 404,
      body: { error: "not_found" },
    });
    expect(await admin("DELETE", "/faults")).toEqual({ status: 200, body: { removed: 1 } });
    expect((await admin("GET", "/faults")).body.faults).toEqual([]);
  });

  it.each([
    [{ service: "acs" }, "a fault needs one of status, latency, drop or timeout"],
    [{ status: 429, drop: true }, "a fault does one thing: found status and drop"],
    [
      { service: "acs", operation: "token", status: 500 },
      'operation: operation "token" is not a ACS operation',
    ],
    [{ latency: 200 }, "latency"],
    [{ status: 200 }, "status"],
    [{ status: 429, probability: 2 }, "probability"],
    [{ status: 429, colour: "red" }, "colour"],
  ])("refuses %j with a 400 that names the field", async (rule, message) => {
    const answer = await admin("POST", "/faults", rule);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_fault");
    expect(String(answer.body.message)).toContain(message);
  });

  it("fails the next N matching requests, then answers normally", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status: 503, times: 2 });
    expect(await pattern(sb, 4)).toBe("xx..");
    expect(sb.faults.list()[0]).toMatchObject({ hits: 2, remaining: 0 });
  });

  it("hits the same requests under the same seed, and others under another", async () => {
    const run = async (seed: number) => {
      sb.faults.clear();
      sb.faults.add({ service: "acs", operation: "createIdentity", status: 500, probability: 0.5, seed });
      return pattern(sb, 16);
    };
    const first = await run(42);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await run(42)).toBe(first);
    expect(await run(7)).not.toBe(first);
  });

  it("acts only inside its window on the sandbox clock", async () => {
    sb.faults.add({ service: "acs", operation: "createIdentity", status: 503, after: "1h", for: "30m" });
    expect(await pattern(sb, 1)).toBe(".");
    sb.clock.advance("1h");
    expect(await pattern(sb, 1)).toBe("x");
    sb.clock.advance("31m");
    expect(await pattern(sb, 1)).toBe(".");
    const [rule] = sb.faults.list();
    expect(Date.parse(rule!.activeUntil!) - Date.parse(rule!.activeFrom!)).toBe(30 * 60_000);
  });

  it("leaves the admin API alone and is cleared by reset", async () => {
    sb.faults.add({ status: 500 });
    expect((await admin("GET", "/health")).body).toEqual({ status: "ok", store: testStore() });
    await sb.reset();
    expect(sb.faults.list()).toEqual([]);
  });
});

describe("/_sandbox/requests", () => {
  const sb = suiteSandbox({ mode: "intercept" });

  it("filters and counts the journal by service, operation, status, code, fault and body", async () => {
    sb.faults.add({ id: "one-503", service: "acs", operation: "createIdentity", status: 503, times: 1 });
    expect(await rejection(identityClient(sb).createUser())).toMatchObject({ statusCode: 503 });
    await identityClient(sb).createUser();

    // #region journal-count
    const count = async (query: string) => (await admin("GET", `/requests/count?${query}`)).body.count;
    expect(await count("service=acs&operation=createIdentity")).toBe(2);
    expect(await count("service=acs&status=5xx")).toBe(1);
    expect(await count("code=serviceunavailable")).toBe(1);
    expect(await count("fault=one-503")).toBe(1);
    expect(await count("fault=true&status=201")).toBe(0);
    expect(await count("service=entra")).toBe(0);
    expect(await count("body=password")).toBe(0);
    // #endregion journal-count

    const listed = await admin("GET", "/requests?operation=createIdentity&status=201");
    expect(listed.body.requests).toEqual([
      expect.objectContaining({ method: "POST", status: 201, service: "acs", operation: "createIdentity" }),
    ]);
  });

  it("refuses an unknown filter rather than matching everything", async () => {
    const answer = await admin("GET", "/requests/count?opration=exchange");
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_filter" } });
    expect(String(answer.body.message)).toContain('Unknown filter "opration"');
    expect((await admin("GET", "/requests?status=teapot")).status).toBe(400);
  });
});

describe("the vitest fixture", () => {
  const withFaults = sandboxTest.extend({
    sandboxFaults: [
      { service: "acs", operation: "createIdentity", status: 429, retryAfter: false, times: 1 },
    ],
  });

  withFaults("starts the sandbox with the fixture's fault rules", async ({ sandbox }) => {
    const err = await rejection(identityClient(sandbox).createUser());
    expect(err).toMatchObject({ statusCode: 429, code: "TooManyRequests" });
    expect(sandbox.countRequests({ code: "TooManyRequests" })).toBe(1);
  });
});
