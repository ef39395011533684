import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import type { Sandbox } from "../../harness/sandbox/sandbox.js";
import { buildSandbox } from "../support/sandbox-internals.js";

/*
 * The admin API against what a web page can send without asking: cross-site form posts in the three
 * "simple" content types, a foreign Origin, and, with an admin token, anything without it. Every refusal
 * leaves the sandbox as it was (same clock, same world, same identities).
 */

let sb: RunningSandbox | undefined;
/** For the clock bounds, sent straight to the app: no client would send them. */
let built: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  await built?.close();
  sb = undefined;
  built = undefined;
});

const EVIL = "https://evil.example";

/** A cross-site request over the real HTTPS listener, as a browser would send it (fetch sets no Origin itself). */
async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) {
  const res = await fetch(`${sb!.descriptor.baseUrl}${path}`, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: res.status, body: (await res.json()) as { error: string; message: string } };
}

async function createIdentity(): Promise<void> {
  const { CommunicationIdentityClient } = await import("@azure/communication-identity");
  await new CommunicationIdentityClient(sb!.descriptor.acs[0]!.connectionString).createUser();
}

describe("admin API: no web page can drive it", () => {
  it("refuses the issue's cross-site form posts and leaves clock, world and identities unchanged", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    await createIdentity();
    const before = { world: JSON.stringify(sb.world), clockMs: sb.clock.nowMs() };
    const forms = [
      { path: "/_sandbox/clock", type: "application/x-www-form-urlencoded", body: "advance=100000h" },
      { path: "/_sandbox/clock", type: "text/plain", body: '{"advance":"100000h"}' },
      { path: "/_sandbox/reset", type: "application/x-www-form-urlencoded", body: "" },
      { path: "/_sandbox/reset", type: "multipart/form-data; boundary=x", body: "--x--" },
    ];
    for (const form of forms) {
      // Without an Origin (a form from a file:// page or a stripped referrer) the content type refuses it.
      const plain = await send(form.path, { headers: { "content-type": form.type }, body: form.body });
      expect(plain.status, `${form.path} ${form.type}`).toBe(415);
      expect(plain.body.error).toBe("unsupported_media_type");
      expect(plain.body.message).toContain("application/json");
      const crossSite = await send(form.path, {
        headers: { "content-type": form.type, origin: EVIL },
        body: form.body,
      });
      expect(crossSite.status).toBe(403);
      expect(crossSite.body.error).toBe("foreign_origin");
      expect(crossSite.body.message).toContain('"https://evil.example"');
    }
    // JSON with a foreign Origin (which a browser would only send after a preflight) is refused too.
    const json = await send("/_sandbox/reset", {
      headers: { "content-type": "application/json", origin: EVIL },
      body: "{}",
    });
    expect(json.status).toBe(403);

    expect(JSON.stringify(sb.world)).toBe(before.world);
    expect(Math.abs(sb.clock.nowMs() - before.clockMs)).toBeLessThan(60_000);
    const requests = sb.requests().filter((e) => e.url === "/identities?api-version=2023-10-01");
    expect(requests).toHaveLength(1);
    // Reset was never run: the journal still has the identity's creation.
    expect(requests[0]!.status).toBe(201);
  });

  it("answers JSON from its own origin, and takes a YAML world at PUT /_sandbox/world", async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
    const own = sb.descriptor.baseUrl;
    const clock = await send("/_sandbox/clock", {
      headers: { "content-type": "application/json", origin: own },
      body: '{"advance":"25h"}',
    });
    expect(clock.status).toBe(200);
    const yaml = await fetch(`${own}/_sandbox/world`, {
      method: "PUT",
      headers: { "content-type": "application/yaml" },
      body: "tenants:\n  northwind:\n    users:\n      erin: {}\n",
    });
    expect(yaml.status).toBe(200);
    expect(sb.descriptor.users.map((u) => u.upn)).toContain("erin@northwind.onmicrosoft.com");
    // YAML is a world's format only.
    const yamlClock = await send("/_sandbox/clock", {
      headers: { "content-type": "application/yaml" },
      body: "advance: 1h",
    });
    expect(yamlClock.status).toBe(415);
    const badYaml = await fetch(`${own}/_sandbox/world`, {
      method: "PUT",
      headers: { "content-type": "application/yaml" },
      body: "tenants: [unclosed",
    });
    expect(badYaml.status).toBe(400);
    expect(((await badYaml.json()) as { message: string }).message).toContain(
      "The YAML world could not be read",
    );
  });

  it("with an admin token, wants it everywhere but health, descriptor and the ACS keys", async () => {
    // #region admin-token
    const token = "s3cr3t-admin-token-0123456789"; // e.g. crypto.randomUUID()
    sb = await startSandbox({ mode: "server", port: 0, adminToken: token });
    const base = sb.descriptor.baseUrl;
    const reset = await fetch(`${base}/_sandbox/reset`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    // #endregion admin-token
    expect(reset.status).toBe(200);
    for (const open of ["/_sandbox/health", "/_sandbox/descriptor", "/_sandbox/acs/jwks"]) {
      expect((await fetch(`${base}${open}`)).status, open).toBe(200);
    }
    const missing = await fetch(`${base}/_sandbox/requests`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="acs-sandbox admin API"');
    expect(((await missing.json()) as { error: string }).error).toBe("admin_token_required");
    const wrong = await send("/_sandbox/reset", {
      headers: { "content-type": "application/json", authorization: "Bearer not-the-token" },
      body: "{}",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toContain("is not the one this sandbox was started with");
    const right = await send("/_sandbox/clock", {
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: '{"advance":"1h"}',
    });
    expect(right.status).toBe(200);
    // The mocks themselves are not behind the token: Entra and ACS answer as usual.
    await createIdentity();
  });
});

describe("clock bounds", () => {
  it.each([
    [{ advance: { ms: 1e300 } }],
    [{ advance: "100000000000d" }],
    [{ set: "+275760-09-13T00:00:00.000Z" }],
    [{ advance: { seconds: -1e12 } }],
  ])("refuses %j with a sentence and keeps the clock and the sandbox working", async (body) => {
    const sandbox = await buildSandbox();
    built = sandbox;
    const before = sandbox.clock.nowMs();
    const res = await sandbox.app.inject({ method: "POST", url: "/_sandbox/clock", payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid_request");
    expect(res.json().message).toMatch(
      /would move it outside the instants the sandbox can represent \(1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z\); the clock is unchanged\.$/,
    );
    expect(Math.abs(sandbox.clock.nowMs() - before)).toBeLessThan(60_000);
    const clock = await sandbox.app.inject({ url: "/_sandbox/clock" });
    expect(clock.statusCode).toBe(200);
    const discovery = await sandbox.app.inject({
      url: "/common/v2.0/.well-known/openid-configuration",
      headers: { host: "login.microsoftonline.com" },
    });
    expect(discovery.statusCode).toBe(200);
  });
});
