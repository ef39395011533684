import { request } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, WorldError, type RunningSandbox } from "../../harness/index.js";
import { AdminApiError, AdminClient } from "../../harness/operator/admin-client.js";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";

let sb: RunningSandbox | undefined;
let built: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  await built?.close();
  sb = undefined;
  built = undefined;
});

/** GET over HTTPS, trusting only the sandbox's CA. */
function getJson(url: string, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on("error", reject)
      .end();
  });
}

describe("sandbox core", () => {
  it("serves the admin API and descriptor over HTTPS in server mode, with the default world", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    const { baseUrl } = sb.descriptor;
    expect(baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
    const { status, body: descriptor } = await getJson(`${baseUrl}/_sandbox/descriptor`, sb.caCertPem!);
    expect(status).toBe(200);
    expect(descriptor.baseUrl).toBe(baseUrl);
    const users = descriptor.users as { upn: string }[];
    expect(users.map((u) => u.upn)).toContain("alice@fabrikam.onmicrosoft.com");
    const [acs] = descriptor.acs as { connectionString: string }[];
    expect(acs!.connectionString).toMatch(new RegExp(`^endpoint=${baseUrl}/;accesskey=[A-Za-z0-9+/]+=*$`));
    expect(acs!.connectionString).toBe(sb.descriptor.acs[0]!.connectionString);
  });

  it("moves the clock through the admin API", async () => {
    built = await buildSandbox();
    const before = built.clock.nowMs();
    const res = await built.app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "25h" },
    });
    expect(res.statusCode).toBe(200);
    expect(built.clock.nowMs() - before).toBeGreaterThanOrEqual(25 * 3_600_000);
    const bad = await built.app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "soon" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('Invalid duration "soon"');
  });

  it("replaces the world through the admin API, and refuses a body that is no world document", async () => {
    built = await buildSandbox();
    const put = (payload: string) =>
      built!.app.inject({
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
    expect(built.descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);

    const ok = await put('{"tenants":{"northwind":{"users":{"erin":{}}}}}');
    expect(ok.statusCode).toBe(200);
    expect(built.descriptor.users.map((u) => u.upn)).toContain("erin@northwind.onmicrosoft.com");
  });
});

describe("editing the running world", () => {
  it("merges a patch in-process and answers with the new world", async () => {
    sb = await startSandbox({ mode: "handlers" });
    const next = sb.editWorld({ tenants: { fabrikam: { users: { erin: { teamsLicense: false } } } } });
    expect(Object.keys(next.tenants.fabrikam!.users)).toEqual(expect.arrayContaining(["alice", "erin"]));
    expect(sb.descriptor.users.find((u) => u.name === "erin")).toMatchObject({
      upn: "erin@fabrikam.onmicrosoft.com",
      teamsLicense: false,
    });
    expect(sb.world).toEqual(next);

    // `null` removes a key, as in a scenario's world: section.
    sb.editWorld({ tenants: { fabrikam: { users: { erin: null } } } });
    expect(sb.descriptor.users.map((u) => u.name)).not.toContain("erin");
  });

  it("refuses an invalid patch with the bad path and changes nothing", async () => {
    sb = await startSandbox({ mode: "handlers" });
    const before = sb.world;
    const refusal = (() => {
      try {
        sb.editWorld({ tenants: { fabrikam: { userz: {} } } } as never);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(WorldError);
    expect((refusal as WorldError).issues).toEqual([
      {
        path: "tenants.fabrikam.userz",
        line: undefined,
        message: 'Unknown key "userz": did you mean "users"?',
      },
    ]);
    expect(() => sb!.editWorld({ extends: "default" } as never)).toThrow(/drop extends/);
    expect(() => sb!.editWorld([] as never)).toThrow(/Expected a world patch/);
    expect(sb.world).toEqual(before);
  });

  it("takes the same patch as PATCH /_sandbox/world, through AdminClient.editWorld", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    const admin = new AdminClient({ baseUrl: sb.descriptor.baseUrl, ca: async () => sb!.caCertPem! });
    const next = await admin.editWorld({ apps: { "contoso-teams": { publicClientFlows: false } } });
    expect(next.apps["contoso-teams"]!.publicClientFlows).toBe(false);
    expect(sb.world.apps["contoso-teams"]!.publicClientFlows).toBe(false);

    const refused = await admin
      .editWorld({ apps: { "contoso-teams": { publicClientFlows: "no" } } } as never)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(AdminApiError);
    expect(refused).toMatchObject({ status: 400, error: "invalid_world" });
    expect((refused as AdminApiError).detail).toContain("apps.contoso-teams.publicClientFlows");
    expect(sb.world.apps["contoso-teams"]!.publicClientFlows).toBe(false);
  });

  it("accepts application/merge-patch+json on PATCH /_sandbox/world", async () => {
    built = await buildSandbox();
    const res = await built.app.inject({
      method: "PATCH",
      url: "/_sandbox/world",
      headers: { "content-type": "application/merge-patch+json" },
      payload: JSON.stringify({ tenants: { contoso: { servicePrincipals: [] } } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().tenants.contoso.servicePrincipals).toEqual([]);
    const bad = await built.app.inject({
      method: "PATCH",
      url: "/_sandbox/world",
      headers: { "content-type": "application/json" },
      payload: "null",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: "invalid_world" });
    expect(bad.json().message).toContain("Expected a world patch");
  });
});
