import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { testStore } from "../support/modes.js";
import { spawnServe, stopServes } from "../support/serve-process.js";
import { afterEach, describe, expect, it } from "vitest";

/*
 * `acs-sandbox serve` as a user runs it: the built CLI in its own process (npm test builds it first).
 */

afterEach(stopServes);

const serve = (...args: string[]) => spawnServe(args);

describe("acs-sandbox serve", () => {
  it("prints exactly one line, the descriptor, with --json; answers on it; exits 0 on SIGTERM", async () => {
    const run = serve("--json");
    const descriptor = JSON.parse(await run.firstLine()) as {
      baseUrl: string;
      tenants: { name: string }[];
      port443: { address: string };
    };
    // No flags: a free port on an address of its own in 127.0.0.0/8, 443 held there too (Linux).
    expect(descriptor.baseUrl).toMatch(/^https:\/\/127\.\d+\.\d+\.\d+:\d+$/);
    expect(descriptor.baseUrl).not.toContain("127.0.0.1");
    expect(new URL(descriptor.baseUrl).hostname).toBe(descriptor.port443.address);
    expect(descriptor.tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
    const health = await fetch(`${descriptor.baseUrl}/_sandbox/health`);
    expect(await health.json()).toEqual({ status: "ok", store: testStore() });
    run.child.kill("SIGTERM");
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(run.output().trimEnd().split("\n")).toHaveLength(1);
  });

  it("publishes both of Entra's keys from its first answer on a fresh --data-dir, and keeps both when stopped at once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-data-"));
    cpSync(process.env.ACS_SANDBOX_CA_DIR!, join(dataDir, "ca"), { recursive: true });
    const run = serve("--port", "0", "--json", "--data-dir", dataDir);
    const { baseUrl } = JSON.parse(await run.firstLine()) as { baseUrl: string };
    // The second key is made after the sandbox answers; the key set waits for it.
    const jwks = (await (await fetch(`${baseUrl}/common/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys).toHaveLength(2);
    run.child.kill("SIGTERM");
    expect((await run.exited).code).toBe(0);
    const kept = JSON.parse(readFileSync(join(dataDir, "keys", "aad.json"), "utf8")) as unknown[];
    expect(kept).toHaveLength(2);
  });

  it("keeps its signing keys in --data-dir: an ACS token from before a restart still verifies after it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-data-"));
    // Sign with the CA the test workers trust (the sandbox keeps its CA in the data dir).
    cpSync(process.env.ACS_SANDBOX_CA_DIR!, join(dataDir, "ca"), { recursive: true });
    const first = serve("--port", "0", "--json", "--data-dir", dataDir);
    const before = JSON.parse(await first.firstLine()) as { acs: { connectionString: string }[] };
    const { token } = await new CommunicationIdentityClient(
      before.acs[0]!.connectionString,
    ).createUserAndToken(["chat"]);
    first.child.kill("SIGTERM");
    await first.exited;

    const second = serve("--port", "0", "--json", "--data-dir", dataDir);
    const after = JSON.parse(await second.firstLine()) as { baseUrl: string };
    const res = await fetch(`${after.baseUrl}/_sandbox/acs/introspect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(await res.json()).toMatchObject({ active: true, state: "active" });
  });

  it("says the port is taken and exits non-zero", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await serve("--host", "127.0.0.1", "--port", String(port)).exited;
      expect(code).toBe(1);
      expect(stderr).toBe(
        `acs-sandbox: Port ${port} on 127.0.0.1 is already in use: stop what holds it, or leave out --port to take a free one\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it("names the file, line and field of a bad world file and exits non-zero", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "acs-sandbox-world-")), "world.yaml");
    writeFileSync(file, "tenants:\n  fabrikam:\n    users:\n      alice: { teamsLicense: maybe }\n");
    const { code, stderr } = await serve("--port", "0", "--world", file).exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:4 tenants.fabrikam.users.alice.teamsLicense`);
    expect(stderr).toContain("expected boolean");
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
