import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientCertificateCredential, DefaultAzureCredential, EnvironmentCredential } from "@azure/identity";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, type SigningKey } from "../../core/keyset.js";
import { clientId, identityOptions, MODES, tenantId } from "../support/modes.js";
import { createAcsIdentity, setCredentialEnv } from "./credentials-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * EnvironmentCredential (alone and as DefaultAzureCredential's first link) and ClientCertificateCredential
 * for contoso-backend, which has a secret and a certificate: what a service configured by environment
 * variables does. On a port, the one option `disableInstanceDiscovery` keeps MSAL from asking
 * login.microsoftonline.com about the sandbox's authority (see docs/clients.md).
 */

let key: SigningKey;
let pemPath: string;

beforeAll(async () => {
  key = await generateSigningKey("contoso-backend");
  // The PEM layout the SDKs read: the private key and the certificate in one file.
  pemPath = join(mkdtempSync(join(tmpdir(), "acs-sandbox-cert-")), "contoso-backend.pem");
  writeFileSync(pemPath, `${key.privateKeyPem.trim()}\n${key.certificatePem.trim()}\n`);
});

for (const mode of MODES) {
  describe(`environment and certificate credentials (${mode} mode)`, () => {
    // The certificate is made in the file's beforeAll, so the options are read when the block starts.
    const sb = suiteSandbox(() => ({
      mode,
      port: 0,
      world: { apps: { "contoso-backend": { certificates: [key.certificatePem] } } },
    }));
    let restoreEnv: (() => void) | undefined;
    afterEach(() => {
      restoreEnv?.();
      restoreEnv = undefined;
    });

    /** The service's environment: tenant, client and authority host (on a port) plus its credential. */
    function env(credential: Record<string, string>): Record<string, string> {
      return {
        AZURE_TENANT_ID: tenantId(sb, "contoso"),
        AZURE_CLIENT_ID: clientId(sb, "contoso-backend"),
        ...(mode === "server" ? { AZURE_AUTHORITY_HOST: sb.descriptor.baseUrl } : {}),
        ...credential,
      };
    }
    const discovery = () => (mode === "server" ? { disableInstanceDiscovery: true } : {});

    it("DefaultAzureCredential with AZURE_CLIENT_SECRET creates an ACS identity", async () => {
      restoreEnv = setCredentialEnv(env({ AZURE_CLIENT_SECRET: "contoso-backend-secret" }));
      const { user, claims } = await createAcsIdentity(sb, new DefaultAzureCredential(discovery()));
      expect(user.communicationUserId).toMatch(/^8:acs:/);
      expect(claims).toMatchObject({ appid: clientId(sb, "contoso-backend"), appidacr: "1", idtyp: "app" });
    });

    it("DefaultAzureCredential with AZURE_CLIENT_CERTIFICATE_PATH signs with the certificate", async () => {
      restoreEnv = setCredentialEnv(env({ AZURE_CLIENT_CERTIFICATE_PATH: pemPath }));
      const { user, claims } = await createAcsIdentity(sb, new DefaultAzureCredential(discovery()));
      expect(user.communicationUserId).toMatch(/^8:acs:/);
      expect(claims).toMatchObject({ appid: clientId(sb, "contoso-backend"), appidacr: "2" });
    });

    it("EnvironmentCredential sends the certificate chain (x5c) when AZURE_CLIENT_SEND_CERTIFICATE_CHAIN is set", async () => {
      restoreEnv = setCredentialEnv(
        env({ AZURE_CLIENT_CERTIFICATE_PATH: pemPath, AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "true" }),
      );
      const { claims } = await createAcsIdentity(sb, new EnvironmentCredential(discovery()));
      expect(claims).toMatchObject({ appidacr: "2" });
    });

    for (const sendCertificateChain of [false, true]) {
      it(`ClientCertificateCredential from a PEM string${sendCertificateChain ? " with x5c" : ""}`, async () => {
        restoreEnv = setCredentialEnv({});
        const credential = new ClientCertificateCredential(
          tenantId(sb, "contoso"),
          clientId(sb, "contoso-backend"),
          { certificate: `${key.privateKeyPem}\n${key.certificatePem}` },
          { ...identityOptions(sb), sendCertificateChain },
        );
        const { claims } = await createAcsIdentity(sb, credential);
        expect(claims).toMatchObject({ appid: clientId(sb, "contoso-backend"), appidacr: "2" });
      });
    }

    it("refuses a certificate the app registration does not hold with AADSTS700027", async () => {
      const stranger = await generateSigningKey("stranger");
      restoreEnv = setCredentialEnv({});
      const credential = new ClientCertificateCredential(
        tenantId(sb, "contoso"),
        clientId(sb, "contoso-backend"),
        { certificate: `${stranger.privateKeyPem}\n${stranger.certificatePem}` },
        identityOptions(sb),
      );
      const err = (await credential.getToken("https://communication.azure.com//.default").then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(err?.message).toContain("AADSTS700027: Client assertion failed signature validation.");
    });
  });
}

/*
 * With only AZURE_AUTHORITY_HOST, MSAL still asks https://login.microsoftonline.com/common/discovery/
 * instance about the sandbox's authority (msal-common Authority.getCloudDiscoveryMetadataFromNetwork
 * always uses AAD_INSTANCE_DISCOVERY_ENDPT) and fails with endpoints_resolution_error offline; these tests
 * take the other way, the sandbox as HTTPS proxy, which needs no option in code.
 */
describe("DefaultAzureCredential from the environment alone (server mode)", () => {
  const sb = suiteSandbox({ mode: "server", port: 0 });
  let restoreEnv: (() => void) | undefined;
  afterEach(() => {
    restoreEnv?.();
    restoreEnv = undefined;
  });

  const secretEnv = () => ({
    AZURE_TENANT_ID: tenantId(sb, "contoso"),
    AZURE_CLIENT_ID: clientId(sb, "contoso-backend"),
    AZURE_CLIENT_SECRET: "contoso-backend-secret",
  });

  it("with HTTPS_PROXY naming the sandbox, the real authority and endpoint reach it: no code changes", async () => {
    restoreEnv = setCredentialEnv({ ...secretEnv(), HTTPS_PROXY: sb.descriptor.baseUrl });
    const credential = new DefaultAzureCredential();
    const client = new CommunicationIdentityClient(
      "https://contoso-acs.communication.azure.com/",
      credential,
    );
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    const token = await credential.getToken("https://communication.azure.com//.default");
    expect(decodeJwt(token.token)).toMatchObject({
      appid: clientId(sb, "contoso-backend"),
      iss: `https://sts.windows.net/${tenantId(sb, "contoso")}/`,
    });
  });

  it("with HTTPS_PROXY alone, DefaultAzureCredential reaches IMDS at 169.254.169.254 through it", async () => {
    restoreEnv = setCredentialEnv({ HTTPS_PROXY: sb.descriptor.baseUrl });
    const credential = new DefaultAzureCredential();
    const client = new CommunicationIdentityClient(
      "https://contoso-acs.communication.azure.com/",
      credential,
    );
    expect((await client.createUser()).communicationUserId).toMatch(/^8:acs:/);
    const token = await credential.getToken("https://communication.azure.com//.default");
    const vm = sb.descriptor.managedIdentities.find((mi) => mi.name === "contoso-vm")!;
    expect(decodeJwt(token.token)).toMatchObject({ appid: vm.clientId, oid: vm.objectId, idtyp: "app" });
  });
});
