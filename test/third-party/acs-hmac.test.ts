import { createHash, createHmac } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { PublicClientApplication } from "@azure/msal-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, MODES, msalAuth, user } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Raw HTTP against the ACS endpoint, signed by hand as reference §2.1 describes, then tampered with:
 * what a client that signs its own requests (any language) sees.
 */

interface SignOptions {
  key?: string;
  body?: string;
  sentBody?: string;
  date?: Date;
  omit?: "authorization" | "x-ms-date" | "x-ms-content-sha256";
}

function endpoint(sb: RunningSandbox): URL {
  return new URL(sb.descriptor.acs[0]!.endpoint);
}

async function signedFetch(sb: RunningSandbox, pathAndQuery: string, options: SignOptions = {}) {
  const url = new URL(pathAndQuery, endpoint(sb));
  const body = options.body ?? "";
  // A client stamps requests with its own clock, as the SDK does.
  const date = (options.date ?? new Date()).toUTCString();
  const hash = createHash("sha256").update(body).digest("base64");
  const key = options.key ?? sb.descriptor.acs[0]!.connectionString.split("accesskey=")[1]!;
  const toSign = `POST\n${url.pathname}${url.search}\n${date};${url.host};${hash}`;
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(toSign).digest("base64");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
  if (options.omit) delete headers[options.omit];
  const res = await fetch(url, { method: "POST", headers, body: options.sentBody ?? body });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : undefined,
  };
}

const DENIED = { error: { code: "Denied", message: "Denied by the resource provider." } };
const CREATE = "/identities?api-version=2023-10-01";

describe.each(MODES)("HMAC and api-version on the wire (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  it("accepts a request signed by hand as §2.1 says", async () => {
    const res = await signedFetch(sb, CREATE, { body: '{"createTokenWithScopes":["chat"]}' });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });

  it.each<[string, SignOptions, string]>([
    ["a wrong key", { key: Buffer.alloc(32, 7).toString("base64") }, "hmac: signature-mismatch"],
    [
      "a tampered body",
      { body: '{"createTokenWithScopes":["chat"]}', sentBody: '{"createTokenWithScopes":["voip"]}' },
      "hmac: content-hash-mismatch",
    ],
    [
      "a date 16 minutes behind the client's clock",
      { date: new Date(Date.now() - 16 * 60_000) },
      "hmac: stale-date",
    ],
    [
      "a date 16 minutes ahead of the client's clock",
      { date: new Date(Date.now() + 16 * 60_000) },
      "hmac: stale-date",
    ],
    ["no Authorization header", { omit: "authorization" }, "hmac: missing-authorization"],
    ["no x-ms-date header", { omit: "x-ms-date" }, "hmac: missing-date"],
    ["no x-ms-content-sha256 header", { omit: "x-ms-content-sha256" }, "hmac: missing-content-hash"],
  ])("refuses %s with 401 Denied, the failed check in the journal only", async (_name, options, reason) => {
    const res = await signedFetch(sb, CREATE, options);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(DENIED);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("api-supported-versions")).toBeNull();
    expect(res.headers.get("x-acs-sandbox-hint")).toBeNull();

    const entry = sb.requests({ operation: "createIdentity", code: "Denied" }).at(-1)!;
    expect(entry).toMatchObject({ status: 401, errorCode: "Denied", reason });
    expect(entry.responseBody).toBe(JSON.stringify(DENIED));
    const traffic = await fetch(`${sb.descriptor.baseUrl}/_sandbox/inspector/traffic?code=Denied`);
    expect(((await traffic.json()) as { entries: { reason?: string }[] }).entries[0]!.reason).toBe(reason);
  });

  it("keeps accepting a client's own clock after the sandbox clock moves, and still refuses a stale stamp", async () => {
    sb.clock.advance("1h");
    try {
      expect((await signedFetch(sb, CREATE)).status).toBe(201);
      expect((await signedFetch(sb, CREATE, { date: new Date(Date.now() - 16 * 60_000) })).status).toBe(401);
    } finally {
      sb.clock.reset();
    }
  });

  it("answers an unsupported api-version with Azure's 400 UnsupportedApiVersion; the supported versions are in a sandbox header", async () => {
    const res = await signedFetch(sb, "/identities?api-version=2020-07-20-preview");
    expect(res.status).toBe(400);
    expect(res.body?.error?.code).toBe("UnsupportedApiVersion");
    expect(res.body?.error?.message).toBe(
      `The HTTP resource that matches the request URI '${endpoint(sb).origin}/identities' does not support the API version '2020-07-20-preview'.`,
    );
    expect(res.headers.get("x-acs-sandbox-hint")).toContain("2023-10-01");
    expect(res.headers.get("x-acs-sandbox-hint")).toContain("--loose");
    expect(res.headers.get("api-supported-versions")).toContain("2023-10-01");
  });

  it("serves the older versions it lists", async () => {
    expect((await signedFetch(sb, "/identities?api-version=2021-03-07")).status).toBe(201);
    expect((await signedFetch(sb, "/identities?api-version=2022-10-01")).status).toBe(201);
    // 2020-07-20-preview2 created with 200 `{id}` (its spec's CreateIdentity example).
    expect((await signedFetch(sb, "/identities?api-version=2020-07-20-preview2")).status).toBe(200);
  });
});

describe("loose api-version mode", () => {
  const sb = suiteSandbox({ mode: "intercept", looseApiVersion: true });

  it("accepts any api-version as the newest", async () => {
    const res = await signedFetch(sb, "/identities?api-version=2099-01-01", {
      body: '{"createTokenWithScopes":["chat.join"]}',
    });
    expect(res.status).toBe(201);
  });
});

describe("persistence across a restart (server mode, --data-dir)", () => {
  let dataDir: string;
  let sb: RunningSandbox | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "acs-sandbox-data-"));
    // The sandbox keeps its CA in the data dir; start it with the CA the test workers already trust.
    await cp(process.env.ACS_SANDBOX_CA_DIR!, join(dataDir, "ca"), { recursive: true });
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("keeps identities and deletions acknowledged before the restart", async () => {
    sb = await startSandbox({ mode: "server", port: 0, dataDir });
    let client = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const kept = await client.createUser();
    const deleted = await client.createUser();
    await client.deleteUser(deleted);
    await sb.close();

    sb = await startSandbox({ mode: "server", port: 0, dataDir });
    client = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const token = await client.getToken(kept, ["chat"]);
    expect(token.token.split(".")).toHaveLength(3);
    await expect(client.getToken(deleted, ["chat"])).rejects.toMatchObject({
      statusCode: 404,
      code: "IdentityNotFound",
    });
  });

  it("keeps revocations: tokens issued before the restart verify and answer as before", async () => {
    sb = await startSandbox({ mode: "server", port: 0, dataDir });
    const client = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const revoked = await client.createUserAndToken(["chat"]);
    await client.revokeTokens(revoked.user);
    const active = await client.createUserAndToken(["voip"]);
    const alice = user(sb, "alice");
    const msal = new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    });
    const aad = await msal.acquireTokenByUsernamePassword({
      scopes: [
        "https://auth.msft.communication.azure.com/Teams.ManageCalls",
        "https://auth.msft.communication.azure.com/Teams.ManageChats",
      ],
      username: alice.upn,
      password: alice.password,
    });
    await sb.close();

    sb = await startSandbox({ mode: "server", port: 0, dataDir });
    const introspect = async (token: string) => {
      const res = await fetch(`${sb!.descriptor.baseUrl}/_sandbox/acs/introspect`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      return ((await res.json()) as { state: string }).state;
    };
    expect(await introspect(active.token)).toBe("active");
    expect(await introspect(revoked.token)).toBe("revoked");
    // The Entra token signed before the restart is still exchangeable.
    const teams = await new CommunicationIdentityClient(
      sb.descriptor.acs[0]!.connectionString,
    ).getTokenForTeamsUser({
      teamsUserAadToken: aad!.accessToken,
      clientId: clientId(sb, "contoso-teams"),
      userObjectId: alice.objectId,
    });
    expect(teams.token.split(".")).toHaveLength(3);
  });
});
