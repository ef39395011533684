import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe("sandbox core", () => {
  it("serves the admin API and descriptor over HTTPS in server mode, with the default world", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    const { baseUrl } = sb.descriptor;
    expect(baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
    const injected = await sb.sandbox.app.inject({
      url: "/_sandbox/descriptor",
      headers: { host: new URL(baseUrl).host },
    });
    const descriptor = injected.json();
    expect(descriptor.baseUrl).toBe(baseUrl);
    expect(descriptor.users.map((u: { upn: string }) => u.upn)).toContain("alice@fabrikam.onmicrosoft.com");
    expect(descriptor.acs[0].connectionString).toBe(
      `endpoint=${baseUrl}/;accesskey=${sb.sandbox.world.resources[0]!.primaryKey}`,
    );
  });

  it("moves the clock through the admin API", async () => {
    sb = await startSandbox({ mode: "handlers" });
    const before = sb.clock.nowMs();
    const res = await sb.sandbox.app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "25h" },
    });
    expect(res.statusCode).toBe(200);
    expect(sb.clock.nowMs() - before).toBeGreaterThanOrEqual(25 * 3_600_000);
    const bad = await sb.sandbox.app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "soon" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('Invalid duration "soon"');
  });

  it("replaces the world through the admin API, and refuses a body that is no world document", async () => {
    sb = await startSandbox({ mode: "handlers" });
    const put = (payload: string) =>
      sb!.sandbox.app.inject({
        method: "PUT",
        url: "/_sandbox/world",
        headers: { "content-type": "application/json" },
        payload,
      });
    const bad = await put("null");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("Expected a world document");
    const unknownField = await put('{"tenants":{"fabrikam":{"userz":{}}}}');
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().issues[0]).toEqual({
      path: "tenants.fabrikam.userz",
      message: 'Unknown key "userz": did you mean "users"?',
    });
    expect(sb.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);

    const ok = await put('{"tenants":{"northwind":{"users":{"erin":{}}}}}');
    expect(ok.statusCode).toBe(200);
    expect(sb.descriptor.users.map((u) => u.upn)).toContain("erin@northwind.onmicrosoft.com");
  });
});
