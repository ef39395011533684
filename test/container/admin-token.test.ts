// With withAdminToken(), the container's admin API wants the token; the module's own calls send it.
import { request } from "node:https";
import { afterAll, describe, expect, it } from "vitest";
import {
  AcsSandboxContainer,
  type StartedAcsSandboxContainer,
} from "../../harness/transports/testcontainers.js";
import { removeContainersOfThisProcess, requireSandboxImage } from "./support.js";

function post(url: string, ca: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end("{}");
  });
}

describe("withAdminToken()", { timeout: 120_000 }, () => {
  let sandbox: StartedAcsSandboxContainer | undefined;
  afterAll(async () => {
    await sandbox?.stop();
    await removeContainersOfThisProcess();
  });

  it("refuses a reset without the token, and the module's advanceClock and reset send it", async () => {
    await requireSandboxImage();
    const token = "container-admin-token-0123456789";
    sandbox = await new AcsSandboxContainer().withAdminToken(token).start();
    const ca = await sandbox.getCaCertPem();
    const reset = `${sandbox.getBaseUrl()}/_sandbox/reset`;
    expect(await post(reset, ca, { "content-type": "application/json" })).toBe(401);
    expect(
      await post(reset, ca, { "content-type": "application/json", authorization: `Bearer ${token}` }),
    ).toBe(200);
    const later = await sandbox.advanceClock("25h");
    expect(later.getTime()).toBeGreaterThan(Date.now() + 24 * 3_600_000);
    await sandbox.reset();
    expect((await sandbox.getDescriptor()).tenants.map((t) => t.name)).toEqual(["contoso", "fabrikam"]);
  });

  it("refuses a token too short to be one", () => {
    expect(() => new AcsSandboxContainer().withAdminToken("short")).toThrow(/at least 16 visible ASCII/);
  });
});
