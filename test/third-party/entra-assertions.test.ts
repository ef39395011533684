import { middleTierWorld } from "../support/worlds.js";
import { ClientAssertionCredential } from "@azure/identity";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, importPKCS8, SignJWT, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey, type SigningKey } from "../../core/keyset.js";
import { defaultCaDir } from "../../harness/sandbox/ca.js";
import { clientId, identityOptions, MODES, msalAuth, tenantId } from "../support/modes.js";
import {
  ACS_DATA_PLANE_SCOPE,
  ACS_SCOPES,
  confidentialClient,
  msalFailure,
  signInWithPassword,
} from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * JWTs a client hands to the token endpoint: the client_assertion that authenticates a confidential
 * client, and the user's access token a middle tier passes on (on-behalf-of). Each must carry what makes
 * it bounded and attributable (exp; iss and tid for the user's token), judged on the sandbox clock.
 */

/** A multitenant middle-tier API Fabrikam consented to; contoso-backend signs assertions with a certificate. */
function world(certificate: string) {
  return middleTierWorld({}, { "contoso-backend": { certificates: [certificate] } });
}

/** The sandbox's Entra signing key as `--data-dir` keeps it on disk (`keys/aad.json`). */
async function entraKeyOnDisk(dataDir: string) {
  const [stored] = JSON.parse(readFileSync(join(dataDir, "keys", "aad.json"), "utf8")) as {
    privateKeyPem: string;
    certificatePem: string;
  }[];
  const kid = createHash("sha1").update(new X509Certificate(stored!.certificatePem).raw).digest("base64url");
  return { kid, privateKey: await importPKCS8(stored!.privateKeyPem, "RS256") };
}

describe.each(MODES)("assertions at the token endpoint (%s mode)", (mode) => {
  let certificate: SigningKey;
  let dataDir: string;
  const sb = suiteSandbox(async () => {
    certificate = await generateSigningKey("contoso-backend");
    dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-assertions-"));
    // A data dir keeps its own CA; this one starts from the CA the test run already trusts.
    cpSync(defaultCaDir(), join(dataDir, "ca"), { recursive: true });
    return { mode, port: 0, dataDir, world: world(certificate.certificatePem) };
  });

  const base = () => (mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com");

  /** ClientAssertionCredential with an assertion built by `claims` (times on the sandbox clock). */
  function assertionCredential(claims: (now: number) => JWTPayload) {
    const backend = clientId(sb, "contoso-backend");
    const contoso = tenantId(sb, "contoso");
    return new ClientAssertionCredential(
      contoso,
      backend,
      () =>
        new SignJWT({
          iss: backend,
          sub: backend,
          aud: `${base()}/${contoso}/oauth2/v2.0/token`,
          ...claims(sb.clock.nowSeconds()),
        })
          .setProtectedHeader({ alg: "RS256", x5t: certificate.x5t })
          .sign(certificate.privateKey),
      identityOptions(sb),
    );
  }

  it("a client assertion with exp on the sandbox clock authenticates the client", async () => {
    const token = await assertionCredential((now) => ({ iat: now, exp: now + 600 })).getToken(
      ACS_DATA_PLANE_SCOPE,
    );
    expect(decodeJwt(token!.token)).toMatchObject({ appid: clientId(sb, "contoso-backend"), appidacr: "2" });
  });

  it("a client assertion without exp is refused with 700024", async () => {
    const failure = await msalFailure(
      assertionCredential((now) => ({ iat: now })).getToken(ACS_DATA_PLANE_SCOPE),
    );
    expect(failure.message).toContain(
      "AADSTS700024: Client assertion is not within its valid time range. Current time: ",
    );
    expect(failure.message).toContain(
      "assertion valid from 1970-01-01T00:00:00.0000000Z, expiry time of assertion 1970-01-01T00:00:00.0000000Z.",
    );
  });

  it("a client assertion past its exp on the sandbox clock is refused with 700024", async () => {
    const failure = await msalFailure(
      assertionCredential((now) => ({ nbf: now - 7200, exp: now - 3600 })).getToken(ACS_DATA_PLANE_SCOPE),
    );
    expect(failure.message).toMatch(
      /AADSTS700024: .* Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from \d{4}-.*\.\d{7}Z, expiry time of assertion \d{4}-.*\.\d{7}Z\. Review the documentation at https:\/\/learn\.microsoft\.com\/entra\/identity-platform\/certificate-credentials \./,
    );
  });

  // The algorithm-confusion attack: an HMAC keyed with the certificate's public key, which anyone can read
  // from the app registration. A verifier that trusted the header's `alg` would accept it.
  it.each(["spki", "pkcs1"] as const)(
    "an HS256 assertion keyed with the certificate's public key (%s PEM) is refused with 700027",
    async (type) => {
      const backend = clientId(sb, "contoso-backend");
      const contoso = tenantId(sb, "contoso");
      const now = sb.clock.nowSeconds();
      const publicPem = createPublicKey(certificate.certificatePem).export({ type, format: "pem" }) as string;
      const clientAssertion = await new SignJWT({
        iss: backend,
        sub: backend,
        aud: `${base()}/${contoso}/oauth2/v2.0/token`,
        iat: now,
        exp: now + 600,
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT", x5t: certificate.x5t })
        .sign(new TextEncoder().encode(publicPem));
      const client = new ConfidentialClientApplication({
        auth: { clientId: backend, clientAssertion, ...msalAuth(sb, "contoso") },
      });
      const failure = await msalFailure(
        client.acquireTokenByClientCredential({ scopes: [ACS_DATA_PLANE_SCOPE] }),
      );
      expect(failure).toMatchObject({ errorCode: "invalid_client", errorNo: "700027", status: 401 });
      expect(failure.message).toContain(
        "AADSTS700027: Client assertion failed signature validation. The key used to sign the assertion is not registered on the application.",
      );
    },
  );

  describe("on-behalf-of", () => {
    const onBehalfOf = (assertion: string) =>
      msalFailure(
        confidentialClient(sb, "fabrikam", "contoso-api", "contoso-api-secret").acquireTokenOnBehalfOf({
          oboAssertion: assertion,
          scopes: ACS_SCOPES,
        }),
      );
    /** Alice's real token for the middle tier, re-signed with Entra's key after `change`. */
    async function forgedFromAlice(change: (claims: JWTPayload) => void): Promise<string> {
      const forApi = await signInWithPassword(sb, {
        user: "alice",
        scopes: [`api://${clientId(sb, "contoso-api")}/access_as_user`],
      });
      const claims = decodeJwt(forApi!.accessToken);
      change(claims);
      const key = await entraKeyOnDisk(dataDir);
      return new SignJWT(claims)
        .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid })
        .sign(key.privateKey);
    }

    it("a well-formed assertion is exchanged (control)", async () => {
      const assertion = await forgedFromAlice(() => {});
      const result = await confidentialClient(
        sb,
        "fabrikam",
        "contoso-api",
        "contoso-api-secret",
      ).acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: ACS_SCOPES });
      expect(decodeJwt(result!.accessToken)).toMatchObject({ tid: tenantId(sb, "fabrikam") });
    });

    it("without exp: 500133, the assertion is not within its valid time range", async () => {
      const failure = await onBehalfOf(await forgedFromAlice((c) => delete c.exp));
      expect(failure).toMatchObject({ errorNo: "500133", errorCode: "invalid_grant" });
      expect(failure.message).toContain("AADSTS500133: Assertion is not within its valid time range.");
    });

    it("without iss or tid: 50013", async () => {
      for (const claim of ["iss", "tid"]) {
        const failure = await onBehalfOf(await forgedFromAlice((c) => delete c[claim]));
        expect(failure, claim).toMatchObject({ errorNo: "50013", errorCode: "invalid_grant" });
        expect(failure.message).toContain(`AADSTS50013: Assertion failed signature validation. [Reason - `);
      }
    });

    it("with an issuer that is not its tenant's: 50013", async () => {
      const failure = await onBehalfOf(
        await forgedFromAlice((c) => {
          c.iss = `https://sts.windows.net/${tenantId(sb, "contoso")}/`;
        }),
      );
      expect(failure).toMatchObject({ errorNo: "50013", errorCode: "invalid_grant" });
    });

    it("past its exp on the sandbox clock: 500133", async () => {
      const assertion = await forgedFromAlice(() => {});
      sb.clock.advance("2h");
      try {
        expect(await onBehalfOf(assertion)).toMatchObject({ errorNo: "500133", errorCode: "invalid_grant" });
      } finally {
        sb.clock.reset();
      }
    });

    it("a token for another API: 500131 naming both audiences", async () => {
      const forAcs = await signInWithPassword(sb, { user: "alice" });
      const failure = await onBehalfOf(forAcs!.accessToken);
      const api = clientId(sb, "contoso-api");
      expect(failure).toMatchObject({ errorNo: "500131", errorCode: "invalid_grant" });
      expect(failure.message).toContain(
        `AADSTS500131: Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${decodeJwt(forAcs!.accessToken).aud as string}' and the expected audience is '${api}' or one of the Application Uris of this application with App ID '${api}'(contoso-api).`,
      );
    });
  });
});
