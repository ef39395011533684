import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { AdminApiError, AdminClient } from "../../harness/operator/admin-client.js";

/*
 * The one admin-API client (used by the scenario runner's server control and the testcontainers
 * module) against a sandbox on a port that wants an admin token.
 */

const TOKEN = "admin-client-test-token";

describe("AdminClient", () => {
  let sb: RunningSandbox;
  let admin: AdminClient;
  beforeAll(async () => {
    sb = await startSandbox({ mode: "server", port: 0, adminToken: TOKEN });
    admin = new AdminClient({
      baseUrl: sb.descriptor.baseUrl,
      adminToken: TOKEN,
      ca: async () => sb.caCertPem!,
    });
  });
  afterAll(() => sb.close());

  it("reads the descriptor and world, and moves the clock", async () => {
    expect((await admin.descriptor()).baseUrl).toBe(sb.descriptor.baseUrl);
    expect(Object.keys((await admin.world()).tenants)).toContain("fabrikam");
    const before = await admin.now();
    const after = await admin.advanceClock("2h");
    // The sandbox clock keeps running between the calls, so "at least two hours on".
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
    expect((await admin.now()).getTime()).toBeGreaterThanOrEqual(after.getTime());
  });

  it("adds, lists and removes fault rules, and reads the journal", async () => {
    const rule = await admin.faults.add({ service: "acs", operation: "createIdentity", status: 503 });
    expect((await admin.faults.list()).map((f) => f.id)).toEqual([rule.id]);
    await admin.faults.remove(rule.id);
    expect(await admin.faults.list()).toEqual([]);
    await admin.faults.add({ status: 500 });
    await admin.faults.clear();
    expect(await admin.faults.list()).toEqual([]);
    const entries = await admin.requests({ path: "/_sandbox/faults" });
    expect(entries.length).toBeGreaterThan(0);
    expect(await admin.countRequests({ path: "/_sandbox/faults" })).toBe(entries.length);
  });

  it("turns the admin API's refusals into AdminApiError with its status, error and message", async () => {
    const missing = await admin.faults.remove("fault-404").catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(AdminApiError);
    expect(missing).toMatchObject({
      status: 404,
      error: "not_found",
      detail: 'No fault rule "fault-404"; GET /_sandbox/faults lists them',
      message:
        'DELETE /_sandbox/faults/fault-404: 404 not_found: No fault rule "fault-404"; GET /_sandbox/faults lists them',
    });
    await expect(admin.replaceWorld({ tenants: 3 })).rejects.toMatchObject({
      status: 400,
      error: "invalid_world",
    });
  });

  it("sends the admin token: without it the API refuses", async () => {
    const anonymous = new AdminClient({ baseUrl: sb.descriptor.baseUrl, ca: async () => sb.caCertPem! });
    await expect(anonymous.faults.list()).rejects.toMatchObject({ status: 401 });
    // The descriptor is open to everyone (harness/operator/admin-guard.ts).
    expect((await anonymous.descriptor()).baseUrl).toBe(sb.descriptor.baseUrl);
  });
});
