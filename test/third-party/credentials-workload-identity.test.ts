import { DefaultAzureCredential, WorkloadIdentityCredential } from "@azure/identity";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../core/keyset.js";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, MODES, tenantId, type Mode } from "../support/modes.js";
import { ACS_SCOPE, createAcsIdentity, setCredentialEnv } from "./credentials-support.js";

/*
 * Workload identity federation as AKS sets it up: a projected service account token in a file, the app's
 * client id and tenant in the environment, and a federated credential on the app registration naming the
 * token's issuer and subject. The sandbox-hosted issuer mints the token (POST /_sandbox/workload-issuer/token).
 */

const BACKEND_SUBJECT = "system:serviceaccount:default:contoso-backend";

/** The message a failed getToken surfaces (msal-node's `invalid_request: Error(s): 70021 - … Description: AADSTS…`). */
async function failure(credential: WorkloadIdentityCredential): Promise<{ name: string; message: string }> {
  const err = (await credential.getToken(ACS_SCOPE).then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; message: string } | undefined;
  if (!err) throw new Error("expected getToken to fail");
  return { name: err.name, message: err.message };
}

/** The admin call a test (or a pod's init step) makes to get a projected token. */
async function mintWorkloadToken(sb: RunningSandbox, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${sb.descriptor.baseUrl}/_sandbox/workload-issuer/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const tokenDir = mkdtempSync(join(tmpdir(), "acs-sandbox-workload-"));
let fileCount = 0;
function tokenFile(token: string): string {
  const file = join(tokenDir, `token-${++fileCount}`);
  writeFileSync(file, token);
  return file;
}

/**
 * What AKS's workload identity webhook puts in a pod: the token file, client and tenant ids, and the
 * authority host (on a port: the sandbox, whose instance discovery the SDK is told to skip).
 */
function workloadEnv(sb: RunningSandbox, file: string): Record<string, string> {
  return {
    AZURE_CLIENT_ID: clientId(sb, "contoso-backend"),
    AZURE_TENANT_ID: tenantId(sb, "contoso"),
    AZURE_FEDERATED_TOKEN_FILE: file,
    ...(sb.descriptor.mode === "server" ? { AZURE_AUTHORITY_HOST: sb.descriptor.baseUrl } : {}),
  };
}

/** Server mode only: the one option that skips instance discovery against login.microsoftonline.com. */
function discoveryOption(mode: Mode) {
  return mode === "server" ? { disableInstanceDiscovery: true } : {};
}

for (const mode of MODES) {
  describe(`workload identity federation (${mode} mode)`, () => {
    let sb: RunningSandbox;
    let restoreEnv: (() => void) | undefined;
    beforeAll(async () => {
      sb = await startSandbox({
        mode,
        port: 0,
        world: {
          apps: {
            "contoso-backend": {
              federatedCredentials: [
                { issuer: "sandbox", subject: BACKEND_SUBJECT },
                { issuer: "https://oidc.prod-aks.azure.com/contoso/", subject: BACKEND_SUBJECT },
              ],
            },
          },
        },
      });
    });
    afterEach(() => {
      restoreEnv?.();
      restoreEnv = undefined;
    });
    afterAll(() => sb.close());

    it("DefaultAzureCredential exchanges the projected token and creates an ACS identity", async () => {
      const file = tokenFile(await mintWorkloadToken(sb, { subject: BACKEND_SUBJECT }));
      restoreEnv = setCredentialEnv(workloadEnv(sb, file));
      const { user, claims } = await createAcsIdentity(sb, new DefaultAzureCredential(discoveryOption(mode)));
      expect(user.communicationUserId).toMatch(/^8:acs:/);
      expect(claims).toMatchObject({
        aud: "https://communication.azure.com/",
        appid: clientId(sb, "contoso-backend"),
        appidacr: "2",
        idtyp: "app",
        tid: tenantId(sb, "contoso"),
      });
    });

    it("WorkloadIdentityCredential takes the namespace and service account the token was minted for", async () => {
      const file = tokenFile(
        await mintWorkloadToken(sb, { namespace: "default", serviceAccount: "contoso-backend" }),
      );
      restoreEnv = setCredentialEnv(workloadEnv(sb, file));
      const token = await new WorkloadIdentityCredential(identityOptions(sb)).getToken(ACS_SCOPE);
      expect(token.token.split(".")).toHaveLength(3);
    });

    it("answers a subject no federated credential names with AADSTS70021", async () => {
      const file = tokenFile(
        await mintWorkloadToken(sb, { subject: "system:serviceaccount:default:intruder" }),
      );
      restoreEnv = setCredentialEnv(workloadEnv(sb, file));
      const { name, message } = await failure(new WorkloadIdentityCredential(identityOptions(sb)));
      expect(name).toBe("AuthenticationRequiredError");
      expect(message).toContain("invalid_request: Error(s): 70021");
      expect(message).toContain(
        `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${sb.descriptor.workloadIssuer}'. Assertion Subject: 'system:serviceaccount:default:intruder'. Assertion Audience: 'api://AzureADTokenExchange'.`,
      );
    });

    it("answers a wrong audience with AADSTS70021 too", async () => {
      const file = tokenFile(
        await mintWorkloadToken(sb, { subject: BACKEND_SUBJECT, audience: "api://other" }),
      );
      restoreEnv = setCredentialEnv(workloadEnv(sb, file));
      const { name, message } = await failure(new WorkloadIdentityCredential(identityOptions(sb)));
      expect(name).toBe("AuthenticationRequiredError");
      expect(message).toContain("Assertion Audience: 'api://other'.");
    });

    it("answers an expired projected token with AADSTS700024", async () => {
      const file = tokenFile(await mintWorkloadToken(sb, { subject: BACKEND_SUBJECT, expiresIn: "10m" }));
      restoreEnv = setCredentialEnv(workloadEnv(sb, file));
      sb.clock.advance("2h");
      try {
        const { name, message } = await failure(new WorkloadIdentityCredential(identityOptions(sb)));
        expect(name).toBe("AuthenticationRequiredError");
        expect(message).toContain("AADSTS700024: Client assertion is not within its valid time range.");
      } finally {
        await sb.reset();
      }
    });

    it("answers a token not signed by the issuer's keys with AADSTS700027", async () => {
      const forger = await generateSigningKey("forger");
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({ aud: ["api://AzureADTokenExchange"] })
        .setProtectedHeader({ alg: "RS256", kid: forger.kid })
        .setIssuer(sb.descriptor.workloadIssuer)
        .setSubject(BACKEND_SUBJECT)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(forger.privateKey);
      restoreEnv = setCredentialEnv(workloadEnv(sb, tokenFile(forged)));
      const { name, message } = await failure(new WorkloadIdentityCredential(identityOptions(sb)));
      expect(name).toBe("AuthenticationRequiredError");
      expect(message).toContain("AADSTS700027: Client assertion failed signature validation.");
    });

    it("answers an issuer whose keys Entra cannot fetch with AADSTS501661", async () => {
      const key = await generateSigningKey("aks");
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ aud: ["api://AzureADTokenExchange"] })
        .setProtectedHeader({ alg: "RS256", kid: key.kid })
        .setIssuer("https://oidc.prod-aks.azure.com/contoso/")
        .setSubject(BACKEND_SUBJECT)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(key.privateKey);
      restoreEnv = setCredentialEnv(workloadEnv(sb, tokenFile(token)));
      const { name, message } = await failure(new WorkloadIdentityCredential(identityOptions(sb)));
      expect(name).toBe("AuthenticationRequiredError");
      expect(message).toContain("AADSTS501661: Request to External OIDC endpoint failed.");
    });
  });
}
