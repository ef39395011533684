import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, type SigningKey } from "../../core/keyset.js";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { setCredentialEnv } from "../third-party/credentials-support.js";

/*
 * The Node recipes of docs/clients.md, one per credential, against a running sandbox (`serve`). The
 * regions between `#region` and `#endregion` are copied into the document by `npm run readme`.
 */

const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-clients-"));
let key: SigningKey;
let sb: RunningSandbox;
let restoreEnv: () => void;

beforeAll(async () => {
  key = await generateSigningKey("contoso-backend");
  writeFileSync(join(dir, "contoso-backend.pem"), `${key.privateKeyPem}\n${key.certificatePem}`);
  sb = await startSandbox({
    mode: "server",
    port: 0,
    world: { apps: { "contoso-backend": { certificates: [key.certificatePem] } } },
  });
});
afterAll(() => sb.close());
afterEach(() => restoreEnv());

describe("docs/clients.md Node recipes", () => {
  it("connection string", async () => {
    restoreEnv = setCredentialEnv({});
    const descriptor = sb.descriptor;
    // #region node-connection-string
    const connectionString = descriptor.acs[0]!.connectionString; // endpoint=https://localhost:8443/;accesskey=…
    const client = new CommunicationIdentityClient(connectionString);
    const user = await client.createUser();
    // #endregion node-connection-string
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("client secret", async () => {
    restoreEnv = setCredentialEnv({});
    const { baseUrl, tenants, apps, acs } = sb.descriptor;
    const contosoId = tenants.find((t) => t.name === "contoso")!.id;
    const backendId = apps.find((a) => a.name === "contoso-backend")!.clientId;
    // #region node-secret
    const credential = new ClientSecretCredential(contosoId, backendId, "contoso-backend-secret", {
      authorityHost: baseUrl, // https://localhost:8443
      disableInstanceDiscovery: true, // else MSAL asks login.microsoftonline.com about this authority
    });
    const client = new CommunicationIdentityClient(acs[0]!.endpoint, credential);
    const user = await client.createUser();
    // #endregion node-secret
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("certificate", async () => {
    restoreEnv = setCredentialEnv({});
    const { baseUrl, tenants, apps, acs } = sb.descriptor;
    const contosoId = tenants.find((t) => t.name === "contoso")!.id;
    const backendId = apps.find((a) => a.name === "contoso-backend")!.clientId;
    const pemPath = join(dir, "contoso-backend.pem");
    // #region node-certificate
    // contoso-backend.pem holds the private key and the certificate the world registers on the app.
    const credential = new ClientCertificateCredential(
      contosoId,
      backendId,
      { certificatePath: pemPath },
      { authorityHost: baseUrl, disableInstanceDiscovery: true, sendCertificateChain: true },
    );
    const client = new CommunicationIdentityClient(acs[0]!.endpoint, credential);
    const user = await client.createUser();
    // #endregion node-certificate
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("managed identity", async () => {
    restoreEnv = setCredentialEnv({});
    const { baseUrl, acs } = sb.descriptor;
    // #region node-managed-identity
    // What a VM or AKS pod identity gives the process; `serve` prints the line for its port.
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = baseUrl; // https://localhost:8443
    const client = new CommunicationIdentityClient(acs[0]!.endpoint, new DefaultAzureCredential());
    const user = await client.createUser(); // as contoso-vm, Contributor on contoso-acs
    // #endregion node-managed-identity
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("workload identity", async () => {
    restoreEnv = setCredentialEnv({});
    const { baseUrl, tenants, apps, acs } = sb.descriptor;
    const tokenFile = join(dir, "azure-identity-token");
    // #region node-workload-identity
    // The projected service account token a pod finds in its volume, minted by the sandbox's issuer.
    const res = await fetch(`${baseUrl}/_sandbox/workload-issuer/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ subject: "system:serviceaccount:default:contoso-backend" }),
    });
    writeFileSync(tokenFile, ((await res.json()) as { token: string }).token);
    // What the AKS workload identity webhook sets.
    process.env.AZURE_FEDERATED_TOKEN_FILE = tokenFile;
    process.env.AZURE_CLIENT_ID = apps.find((a) => a.name === "contoso-backend")!.clientId;
    process.env.AZURE_TENANT_ID = tenants.find((t) => t.name === "contoso")!.id;
    process.env.AZURE_AUTHORITY_HOST = baseUrl;
    const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true });
    const user = await new CommunicationIdentityClient(acs[0]!.endpoint, credential).createUser();
    // #endregion node-workload-identity
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });

  it("unchanged code through the sandbox as HTTPS proxy", async () => {
    restoreEnv = setCredentialEnv({});
    const { proxy, tenants, apps } = sb.descriptor;
    // #region node-proxy
    // Production code, unchanged: the real authority and endpoint. Only the environment differs.
    process.env.HTTPS_PROXY = proxy!; // https://localhost:8443
    process.env.AZURE_TENANT_ID = tenants.find((t) => t.name === "contoso")!.id;
    process.env.AZURE_CLIENT_ID = apps.find((a) => a.name === "contoso-backend")!.clientId;
    process.env.AZURE_CLIENT_SECRET = "contoso-backend-secret";
    const client = new CommunicationIdentityClient(
      "https://contoso-acs.communication.azure.com/",
      new DefaultAzureCredential(),
    );
    const user = await client.createUser();
    // #endregion node-proxy
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });
});
