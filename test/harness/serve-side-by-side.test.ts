import { once } from "node:events";
import { createServer } from "node:net";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { spawnServe, stopServes } from "../support/serve-process.js";
import { defaultWorldHostLines } from "../support/unmodified.js";
import { afterEach, describe, expect, it } from "vitest";

/*
 * Any number of `serve` processes on one machine, with no flags: none takes a fixed port, and each that
 * needs 443 (MSAL Python's user realm call, unmodified mode) holds it on a loopback address of its own.
 * Each is driven by the real MSAL Node (ROPC) and Identity SDK (Teams token exchange) through its own
 * descriptor. The CA is the one the test workers trust (vitest.config.ts: ACS_SANDBOX_CA_DIR).
 */

const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];
afterEach(stopServes);

interface Descriptor {
  baseUrl: string;
  authority: string;
  tenants: { name: string; id: string; authority: string }[];
  apps: { name: string; clientId: string }[];
  users: { name: string; upn: string; password: string; objectId: string }[];
  acs: { endpoint: string; connectionString: string }[];
  port443?: { listening: boolean; origin?: string; address?: string; port?: number; hosts?: string[] };
}

/** Starts `serve --json …` and resolves with its descriptor, or rejects with what it said on exit. */
async function serve(...args: string[]): Promise<Descriptor> {
  return JSON.parse(await spawnServe(["--json", ...args]).firstLine()) as Descriptor;
}

/** Runs `serve …` to its exit and returns its exit code and what it printed. */
const serveUntilExit = (...args: string[]) => spawnServe(args).exited;

/** The quickstart against one sandbox: alice signs in by ROPC, her token is exchanged for a Teams token. */
async function quickstart(d: Descriptor, authorityOrigin = d.baseUrl, acsEndpoint = d.acs[0]!.endpoint) {
  const app = d.apps.find((a) => a.name === "contoso-teams")!;
  const alice = d.users.find((u) => u.name === "alice")!;
  const fabrikam = d.tenants.find((t) => t.name === "fabrikam")!;
  const msal = new PublicClientApplication({
    auth: {
      clientId: app.clientId,
      authority: `${authorityOrigin}/${fabrikam.id}`,
      knownAuthorities: [new URL(authorityOrigin).host],
    },
  });
  const signedIn = await msal.acquireTokenByUsernamePassword({
    scopes: TEAMS_SCOPES,
    username: alice.upn,
    password: alice.password,
  });
  const accessKey = d.acs[0]!.connectionString.split("accesskey=")[1]!;
  const identity = new CommunicationIdentityClient(`endpoint=${acsEndpoint};accesskey=${accessKey}`);
  const teams = await identity.getTokenForTeamsUser({
    teamsUserAadToken: signedIn!.accessToken,
    clientId: app.clientId,
    userObjectId: alice.objectId,
  });
  const claims = JSON.parse(Buffer.from(teams.token.split(".")[1]!, "base64url").toString()) as {
    skypeid: string;
  };
  return { username: signedIn!.account?.username, skypeid: claims.skypeid, objectId: alice.objectId };
}

describe("sandboxes side by side", () => {
  it("starts three `serve`s at once with no flags, each on an address of its own, each answering the real clients", async () => {
    const descriptors = await Promise.all([serve(), serve(), serve()]);
    const addresses = descriptors.map((d) => new URL(d.baseUrl).hostname);
    expect(new Set(addresses).size).toBe(3);
    for (const [i, d] of descriptors.entries()) {
      expect(addresses[i]).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(addresses[i]).not.toBe("127.0.0.1");
      expect(d.port443).toEqual({
        listening: true,
        origin: `https://${addresses[i]}`,
        address: addresses[i],
        port: 443,
      });
    }
    for (const d of descriptors) {
      const result = await quickstart(d);
      expect(result.username).toBe("alice@fabrikam.onmicrosoft.com");
      expect(result.skypeid).toBe(`orgid:${result.objectId}`);
      // What MSAL Python asks before a password sign-in: the authority's host on 443, here its own.
      const realm = await fetch(
        `https://${new URL(d.baseUrl).hostname}/common/userrealm/alice@fabrikam.onmicrosoft.com?api-version=1.0`,
      );
      expect(await realm.json()).toMatchObject({
        account_type: "Managed",
        domain_name: "fabrikam.onmicrosoft.com",
      });
    }
  });

  it("starts two `serve --unmodified` at once, each on 443 of its own address, with the host file lines for it", async () => {
    const [first, second] = await Promise.all([serve("--unmodified"), serve("--unmodified")]);
    for (const d of [first!, second!]) {
      expect(d.baseUrl).toBe("https://login.microsoftonline.com");
      const address = d.port443!.address!;
      expect(address).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(d.port443).toEqual({
        listening: true,
        origin: "https://login.microsoftonline.com",
        address,
        port: 443,
        hosts: defaultWorldHostLines(address),
      });
      // The host file would send the real names to the address; the clients here name it directly.
      const result = await quickstart(d, `https://${address}`, `https://${address}/`);
      expect(result.skypeid).toBe(`orgid:${result.objectId}`);
    }
    expect(first!.port443!.address).not.toBe(second!.port443!.address);
  });

  it("says in one line, exit code 1, when the port it was told to take is held", async () => {
    const address = "127.0.0.1";
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, address, resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await serveUntilExit("--host", address, "--port", String(port));
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toBe(
        `acs-sandbox: Port ${port} on ${address} is already in use: stop what holds it, or leave out --port to take a free one\n`,
      );
    } finally {
      holder.close();
      await once(holder, "close");
    }
  });
});
