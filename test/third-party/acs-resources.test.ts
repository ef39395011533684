import { CommunicationIdentityClient } from "@azure/communication-identity";
import { createHash, createHmac } from "node:crypto";
import { request } from "node:https";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * Two Communication Services resources in one world: each answers at its own endpoint with its own
 * keys, and an identity of one is not the other's.
 */

const WORLD = { acs: { "northwind-acs": { tenant: "contoso" } } };

describe("several ACS resources (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept", world: WORLD });

  it("gives each resource its own host and keys, and refuses another resource's identity", async () => {
    const [contoso, northwind] = sb.descriptor.acs;
    expect(northwind!.endpoint).toBe("https://northwind-acs.communication.azure.com/");
    const contosoClient = new CommunicationIdentityClient(contoso!.connectionString);
    const northwindClient = new CommunicationIdentityClient(northwind!.connectionString);
    const user = await northwindClient.createUser();
    expect(user.communicationUserId).toContain(`8:acs:${northwind!.resourceId}_`);
    await expect(contosoClient.getToken(user, ["chat"])).rejects.toMatchObject({
      statusCode: 401,
      code: "IdentityNotOwned",
      message: "Provided identity doesn't belong to the resource.",
    });
    // The other resource's key does not sign for this one.
    const wrongKey = new CommunicationIdentityClient(
      `endpoint=${contoso!.endpoint};accesskey=${northwind!.connectionString.split("accesskey=")[1]}`,
    );
    await expect(wrongKey.createUser()).rejects.toMatchObject({ statusCode: 401, code: "Denied" });
  });
});

describe("several ACS resources (server mode)", () => {
  const sb = suiteSandbox({ mode: "server", port: 0, world: WORLD });

  it("serves the second resource at <name>.localhost on the same port, with a certificate naming it", async () => {
    const northwind = sb.descriptor.acs[1]!;
    const endpoint = new URL(northwind.endpoint);
    expect(endpoint.hostname).toBe("northwind-acs.localhost");
    expect(endpoint.port).toBe(new URL(sb.descriptor.baseUrl).port);
    // Node's resolver does not map *.localhost to loopback (a hosts entry would): resolve it here, and
    // sign as the SDK does (learn.microsoft.com/rest/api/communication/authentication) with northwind's own key.
    const path = "/identities?api-version=2023-10-01";
    const date = new Date().toUTCString();
    const hash = createHash("sha256").update("").digest("base64");
    const key = Buffer.from(northwind.connectionString.split("accesskey=")[1]!, "base64");
    const signature = createHmac("sha256", key)
      .update(`POST\n${path}\n${date};${endpoint.host};${hash}`)
      .digest("base64");
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          method: "POST",
          path,
          headers: {
            "x-ms-date": date,
            "x-ms-content-sha256": hash,
            authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
          },
          lookup: (_host, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]),
        },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    // TLS verified the certificate for northwind-acs.localhost, and the identity is northwind's.
    expect(status).toBe(201);
    expect(JSON.parse(body).identity.id).toContain(`8:acs:${northwind.resourceId}_`);
  });
});
