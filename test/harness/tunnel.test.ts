import { request } from "node:https";
import { describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The listener as an HTTPS proxy: CONNECT tunnels to the hosts it plays, a 403 for any other host (it
 * forwards nothing to the network).
 */

function connect(sb: RunningSandbox, target: string): Promise<{ status: number; body: string }> {
  const base = new URL(sb.descriptor.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method: "CONNECT", path: target });
    req.on("connect", (res, socket) => {
      let body = "";
      socket.on("data", (d: Buffer) => (body += d.toString()));
      socket.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      if (res.statusCode === 200) {
        socket.destroy();
        resolve({ status: 200, body: "" });
      }
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the listener as HTTPS proxy", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });

  it("advertises itself as the proxy", () => {
    expect(sb.descriptor.proxy).toBe(sb.descriptor.baseUrl);
  });

  it("opens a tunnel to login.microsoftonline.com and to a resource host", async () => {
    expect((await connect(sb, "login.microsoftonline.com:443")).status).toBe(200);
    expect((await connect(sb, "contoso-acs.communication.azure.com:443")).status).toBe(200);
  });

  it("refuses a host it does not play with 403", async () => {
    const { status } = await connect(sb, "example.com:443");
    expect(status).toBe(403);
  });
});
