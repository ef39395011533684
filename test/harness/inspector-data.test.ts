import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../core/keyset.js";
import { scenarioWorld } from "../../harness/transports/start.js";
import { buildSandbox } from "../support/sandbox-internals.js";
import { displayBody, validityAt } from "../../harness/operator/inspector/tokens.js";
import { worldView } from "../../harness/operator/inspector/world-view.js";

/* What the inspector shows of a journaled body: no live credential, every JWT decoded. */

const KEYS = { entra: ["entra-kid"], acs: ["acs-kid"] };
const NOW = Date.parse("2030-01-01T00:00:00Z");

describe("inspector bodies", () => {
  it("replaces JWTs by [jwt redacted] and decodes them, naming the signing key", async () => {
    const key = await generateSigningKey("inspector-test");
    const jwt = await new SignJWT({ aud: "https://auth.msft.communication.azure.com", oid: "u1" })
      .setProtectedHeader({ alg: "RS256", kid: "entra-kid" })
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 3600)
      .sign(key.privateKey);
    const body = JSON.stringify({
      access_token: jwt,
      refresh_token: "0.AXoA1234567890",
      token_type: "Bearer",
    });
    const shown = displayBody(body, "response", NOW, KEYS);
    expect(JSON.parse(shown.text!)).toEqual({
      access_token: "[jwt redacted]",
      refresh_token: "0.AXoA…",
      token_type: "Bearer",
    });
    expect(shown.text).not.toContain(jwt.split(".")[2]);
    expect(shown.tokens).toEqual([
      {
        field: "response.access_token",
        header: { alg: "RS256", kid: "entra-kid" },
        claims: expect.objectContaining({ oid: "u1" }),
        validity: { state: "valid", detail: "expires in 60 min" },
        signer: "Entra ID signing key entra-kid",
      },
    ]);
  });

  it("keeps the journal's own masks and cuts, and masks short secrets entirely", () => {
    const shown = displayBody('{"password":"***","code":"abc","scope":"openid"}', "request", NOW, KEYS);
    expect(JSON.parse(shown.text!)).toEqual({ password: "***", code: "[redacted]", scope: "openid" });
  });

  it("says whether a token is valid on the sandbox clock", () => {
    const exp = NOW / 1000;
    expect(validityAt({ exp }, NOW + 5 * 60_000)).toEqual({ state: "expired", detail: "expired 5 min ago" });
    expect(validityAt({ nbf: exp + 3 * 3600, exp: exp + 4 * 3600 }, NOW)).toEqual({
      state: "not yet valid",
      detail: "valid in 3 h",
    });
  });
});

describe("inspector world picture", () => {
  it("shows which app is blocked where and the admin step that fixes it", async () => {
    const sb = await buildSandbox({ world: scenarioWorld("missing-service-principal") });
    try {
      const view = worldView(sb.world, sb.descriptor);
      expect(view.matrix.find((c) => c.app === "contoso-teams" && c.tenant === "fabrikam")).toMatchObject({
        state: "blocked",
        step: expect.stringContaining("Admin step 7"),
      });
      expect(view.tenants.find((t) => t.name === "fabrikam")?.missingAcsServicePrincipal).toContain(
        "New-MgServicePrincipal",
      );
      expect(view.apps.find((a) => a.name === "contoso-backend")?.steps).toEqual([
        expect.stringContaining("Admin step 1"),
      ]);
    } finally {
      await sb.close();
    }
  });
});
