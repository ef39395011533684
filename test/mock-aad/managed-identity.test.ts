import { beforeAll, describe, expect, it } from "vitest";
import { MODES } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The managed identity endpoints on the wire, as a script on a VM calls them (Microsoft Learn,
 * how-to-use-vm-token: `curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=
 * 2018-02-01&resource=…' -H Metadata:true`), in both transports.
 */

const RESOURCE = encodeURIComponent("https://communication.azure.com/");

for (const mode of MODES) {
  describe(`IMDS and App Service endpoints (${mode} mode)`, () => {
    const sb = suiteSandbox({ mode, port: 0 });
    let imds: string;
    let appService: string;
    let identityHeader: string;
    beforeAll(async () => {
      imds = mode === "server" ? sb.descriptor.baseUrl : "http://169.254.169.254";
      const env = Object.fromEntries(sb.descriptor.managedIdentityEnv.appService.map((l) => l.split("=")));
      appService = env.IDENTITY_ENDPOINT!;
      identityHeader = env.IDENTITY_HEADER!;
    });

    it("answers a request without `Metadata: true` with 400 bad_request_102", async () => {
      const res = await fetch(
        `${imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`,
      );
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: "bad_request_102",
        error_description: "Required metadata header not specified",
      });
    });

    it("gives IMDS's token response, every value a string", async () => {
      const res = await fetch(
        `${imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`,
        {
          headers: { Metadata: "true" },
        },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      const vm = sb.descriptor.managedIdentities.find((mi) => mi.name === "contoso-vm")!;
      expect(body).toMatchObject({
        client_id: vm.clientId,
        expires_in: "86399",
        ext_expires_in: "86399",
        resource: "https://communication.azure.com/",
        token_type: "Bearer",
      });
      expect(Number(body.expires_on) - Number(body.not_before)).toBe(86_399);
      expect(Object.values(body).every((v) => typeof v === "string")).toBe(true);
    });

    it("asks for the resource parameter", async () => {
      const res = await fetch(`${imds}/metadata/identity/oauth2/token?api-version=2018-02-01`, {
        headers: { Metadata: "true" },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: "invalid_request",
        error_description: "Required audience parameter not specified",
      });
    });

    it("asks for the api-version", async () => {
      const res = await fetch(`${imds}/metadata/identity/oauth2/token?resource=${RESOURCE}`, {
        headers: { Metadata: "true" },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_request" });
    });

    it("answers App Service requests only with the identity header", async () => {
      const url = `${appService}?api-version=2019-08-01&resource=${RESOURCE}`;
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ statusCode: 401 });
      const res = await fetch(url, { headers: { "X-IDENTITY-HEADER": identityHeader } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual([
        "access_token",
        "client_id",
        "expires_on",
        "resource",
        "token_type",
      ]);
      expect(body.expires_on).toMatch(/^\d+$/);
    });
  });
}
