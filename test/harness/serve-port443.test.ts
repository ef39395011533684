import { once } from "node:events";
import { createServer } from "node:net";
import { spawnServe, stopServes } from "../support/serve-process.js";
import { defaultWorldHostLines } from "../support/unmodified.js";
import { afterEach, describe, expect, it } from "vitest";

/*
 * What `serve` tells clients: the origin of the address it listens on, never a default port, a second
 * listener on 443 of that address (MSAL Python asks it for the user realm), and the CA setting of each
 * ecosystem. Each test takes a loopback address of its own so 443 is not shared with other tests.
 */

afterEach(stopServes);

let next = 0;
function loopbackAddress(): string {
  next += 1;
  return `127.${(process.pid % 200) + 20}.${next}.${Math.floor(Math.random() * 250) + 2}`;
}

/** Runs serve and resolves with its output once `until` matches it. */
const serve = (until: RegExp, ...args: string[]) => spawnServe(args).until(until);

interface Descriptor {
  baseUrl: string;
  acs: { endpoint: string; connectionString: string }[];
  port443?: {
    listening: boolean;
    origin?: string;
    address?: string;
    hosts?: string[];
    reason?: string;
    fix?: string;
  };
}

describe("serve tells the truth", () => {
  it("names the --host address, answers on 443 of it too, and never writes :443", async () => {
    const address = loopbackAddress();
    const line = await serve(/\n/, "--port", "0", "--host", address, "--json");
    const descriptor = JSON.parse(line) as Descriptor;
    expect(descriptor.baseUrl).toMatch(new RegExp(`^https://${address.replace(/\./g, "\\.")}:\\d+$`));
    expect(descriptor.port443).toEqual({
      listening: true,
      origin: `https://${address}`,
      address,
      port: 443,
    });

    const through443 = (await (await fetch(`https://${address}/_sandbox/descriptor`)).json()) as Descriptor;
    expect(through443.baseUrl).toBe(`https://${address}`);
    expect(through443.acs[0]!.connectionString).toMatch(
      new RegExp(`^endpoint=https://${address}/;accesskey=`),
    );
    const realm = await fetch(
      `https://${address}/common/userrealm/alice@fabrikam.onmicrosoft.com?api-version=1.0`,
    );
    expect(await realm.json()).toMatchObject({ account_type: "Managed" });
  });

  it("says when 443 is taken and what to do, and keeps serving its own port", async () => {
    const address = loopbackAddress();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(443, address, resolve));
    try {
      const descriptor = JSON.parse(
        await serve(/\n/, "--port", "0", "--host", address, "--json"),
      ) as Descriptor;
      expect(descriptor.port443).toMatchObject({
        listening: false,
        reason: `Something else holds port 443 on ${address}`,
      });
      expect(descriptor.port443!.fix).toContain("--host 127.0.0.2");
      expect((await fetch(`${descriptor.baseUrl}/_sandbox/health`)).status).toBe(200);

      const banner = await serve(/Ctrl\+C stops/, "--port", "0", "--host", address);
      expect(banner).toContain(`Not on 443     Something else holds port 443 on ${address}.`);
    } finally {
      holder.close();
      await once(holder, "close");
    }
  });

  it("gives the CA setting of each ecosystem in the banner", async () => {
    const banner = await serve(/Ctrl\+C stops/, "--port", "0", "--host", loopbackAddress());
    const ca = /Trust the sandbox CA: (\S+)/.exec(banner)![1]!;
    expect(banner).toContain(`export NODE_EXTRA_CA_CERTS=${ca}`);
    expect(banner).toContain(
      `export REQUESTS_CA_BUNDLE=${ca}   (requests, MSAL, azure-core; they ignore SSL_CERT_FILE)`,
    );
    expect(banner).toMatch(/\.NET, Java +the OS trust store/);
    expect(banner).toContain("a browser used for interactive or device-code sign-in must trust it too");
  });

  it("--unmodified answers as the real hosts on 443", async () => {
    const address = loopbackAddress();
    const descriptor = JSON.parse(
      await serve(/\n/, "--unmodified", "--host", address, "--json"),
    ) as Descriptor;
    expect(descriptor.baseUrl).toBe("https://login.microsoftonline.com");
    expect(descriptor.acs[0]!.endpoint).toBe("https://contoso-acs.communication.azure.com/");
    expect(descriptor.port443).toEqual({
      listening: true,
      origin: "https://login.microsoftonline.com",
      address,
      port: 443,
      hosts: defaultWorldHostLines(address),
    });
    // Reached by address, the same listener describes itself by the Host it was asked for.
    const byAddress = (await (await fetch(`https://${address}/_sandbox/descriptor`)).json()) as Descriptor;
    expect(byAddress.baseUrl).toBe(`https://${address}`);
  });
});
