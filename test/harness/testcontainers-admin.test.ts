import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { StartedTestContainer } from "testcontainers";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { StartedAcsSandboxContainer } from "../../harness/transports/testcontainers.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The testcontainers module's fault and journal helpers against a real sandbox on a port. Only the
 * Docker side is stood in for (host, mapped port, and the `exec` that reads the CA from the container):
 * the image's own tests (test/container) cover the container itself.
 */

function containerAt(sb: RunningSandbox): StartedAcsSandboxContainer {
  const port = Number(new URL(sb.descriptor.baseUrl).port);
  const docker = {
    getHost: () => "localhost",
    getMappedPort: () => port,
    exec: async () => ({ exitCode: 0, output: sb.caCertPem!, stdout: sb.caCertPem!, stderr: "" }),
  } as unknown as StartedTestContainer;
  return new StartedAcsSandboxContainer(docker);
}

describe("StartedAcsSandboxContainer faults and requests", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });
  let container: StartedAcsSandboxContainer;
  beforeAll(async () => {
    container = containerAt(sb);
  });

  it("adds, lists, counts and clears through the admin API", async () => {
    const rule = await container.faults.add({
      service: "acs",
      operation: "createIdentity",
      status: 503,
      retryAfter: 0,
      times: 1,
    });
    expect(rule).toMatchObject({ id: "fault-1", kind: "status", remaining: 1 });
    expect((await container.faults.list()).map((f) => f.id)).toEqual(["fault-1"]);

    const client = new CommunicationIdentityClient(await container.getConnectionString());
    await client.createUser();
    expect(await container.countRequests({ operation: "createIdentity" })).toBe(2);
    expect(await container.countRequests({ operation: "createIdentity", status: "5xx", fault: true })).toBe(
      1,
    );
    const [throttled] = await container.getRequests({ status: 503 });
    expect(throttled).toMatchObject({ errorCode: "ServiceUnavailable", fault: { id: "fault-1" } });

    await container.faults.remove("fault-1");
    await container.faults.add({ status: 500 });
    await container.faults.clear();
    expect(await container.faults.list()).toEqual([]);
  });

  it("reports a bad rule with the sandbox's message", async () => {
    await expect(container.faults.add({ service: "acs" })).rejects.toThrow(
      "a fault needs one of status, latency, drop or timeout",
    );
  });
});

describe("StartedAcsSandboxContainer world edits", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });

  it("edits the running world with the same patch as sb.editWorld, and names a bad path", async () => {
    const container = containerAt(sb);
    const next = await container.editWorld({ tenants: { fabrikam: { users: { erin: {} } } } });
    expect(Object.keys(next.tenants.fabrikam!.users)).toContain("erin");
    expect((await container.getDescriptor()).users.map((u) => u.upn)).toContain(
      "erin@fabrikam.onmicrosoft.com",
    );
    expect(await container.getWorld()).toEqual(sb.world);
    await expect(container.editWorld({ tenants: { fabrikam: { userz: {} } } } as never)).rejects.toThrow(
      /tenants\.fabrikam\.userz: Unknown key "userz": did you mean "users"\?/,
    );
  });
});
