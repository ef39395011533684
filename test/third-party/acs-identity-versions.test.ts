import { CommunicationIdentityClient } from "@azure/communication-identity";
import { describe, expect, it } from "vitest";
import { accessClient } from "../support/acs-access.js";
import { MODES } from "../support/modes.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * The identity operations at the versions the Identity SDK 1.3.1 does not send: `customId` and
 * `GET /identities/{id}` of 2025-03-02-preview (Azure/azure-rest-api-specs
 * specification/communication/data-plane/Identity/preview/2025-03-02-preview), their refusal where the
 * spec lacks them, and the 2020-07-20-preview2 shapes. The Azure SDK's REST-level client signs the
 * requests with the resource's key; the Identity SDK mints the tokens where it can.
 */

const PREVIEW = { "api-version": "2025-03-02-preview" };
const WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.0+)?\+00:00$/;

describe.each(MODES)("identities at the newer and older api-versions (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  it("creates with customId once: a repeated customId answers 201 with the same identity", async () => {
    const identities = accessClient(sb).path("/identities");
    const first = await identities.post({
      queryParameters: PREVIEW,
      body: { customId: "sally@contoso.com" },
    });
    expect(first.status).toBe("201");
    const id = (first.body as { identity: { id: string } }).identity.id;
    expect(first.body).toEqual({ identity: { id, customId: "sally@contoso.com" } });
    const again = await identities.post({
      queryParameters: PREVIEW,
      body: { customId: "sally@contoso.com", createTokenWithScopes: ["chat"] },
    });
    expect(again.status).toBe("201");
    expect((again.body as { identity: { id: string } }).identity.id).toBe(id);
    const other = await identities.post({ queryParameters: PREVIEW, body: { customId: "bob@contoso.com" } });
    expect((other.body as { identity: { id: string } }).identity.id).not.toBe(id);
  });

  it("shows an identity with its customId and the whole second of its last token", async () => {
    const created = await accessClient(sb)
      .path("/identities")
      .post({ queryParameters: PREVIEW, body: { customId: "lastToken" } });
    const id = (created.body as { identity: { id: string } }).identity.id;
    const one = accessClient(sb).path("/identities/{id}", id);
    expect((await one.get({ queryParameters: PREVIEW })).body).toEqual({ id, customId: "lastToken" });

    // The Identity SDK issues the token; the preview shows when.
    await new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString).getToken(
      { communicationUserId: id },
      ["voip"],
    );
    const shown = (await one.get({ queryParameters: PREVIEW })).body as { lastTokenIssuedAt: string };
    expect(shown.lastTokenIssuedAt).toMatch(WHOLE_SECONDS);
    expect(Math.abs(Date.parse(shown.lastTokenIssuedAt) - sb.clock.nowMs())).toBeLessThan(60_000);
  });

  it("refuses customId and GET at 2023-10-01, where the spec has neither", async () => {
    const identities = accessClient(sb).path("/identities");
    const refused = await identities.post({
      queryParameters: { "api-version": "2023-10-01" },
      body: { customId: "sally@contoso.com" },
    });
    expect(refused.status).toBe("400");
    expect(refused.body).toEqual({
      error: {
        code: "ValidationError",
        message: "customId is not supported in api-version 2023-10-01; use 2025-03-02-preview.",
        target: "customId",
      },
    });
    const user = await new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString).createUser();
    const get = await accessClient(sb)
      .path("/identities/{id}", user.communicationUserId)
      .get({ queryParameters: { "api-version": "2023-10-01" } });
    expect(get.status).toBe("400");
    expect(get.body).toMatchObject({ error: { code: "UnsupportedApiVersion" } });
    expect(get.headers["api-supported-versions"]).toContain("2025-03-02-preview");
  });

  it("answers 2020-07-20-preview2 in its own shapes", async () => {
    const created = await accessClient(sb)
      .path("/identities")
      .post({ queryParameters: { "api-version": "2020-07-20-preview2" } });
    expect(created.status).toBe("200");
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id });
    const token = await accessClient(sb)
      .path("/identities/{id}/token", id)
      .post({ queryParameters: { "api-version": "2020-07-20-preview2" }, body: { scopes: ["chat"] } });
    expect(token.status).toBe("200");
    expect(token.body).toMatchObject({ id, token: expect.any(String), expiresOn: expect.any(String) });
  });
});
