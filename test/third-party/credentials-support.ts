import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenCredential } from "@azure/identity";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { decodeJwt, type JWTPayload } from "jose";
import type { RunningSandbox } from "../../harness/index.js";

/*
 * Shared by the credential tests: environment variables set the way a deployment sets them (and put
 * back afterwards), and the one thing every credential is for here: the real CommunicationIdentityClient
 * creating an identity with an Entra token (RBAC).
 */

/** Every variable the Azure SDKs' credentials (and their HTTP pipeline) read; a test starts from none. */
const AZURE_CREDENTIAL_ENV = [
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
  "AZURE_AUTHORITY_HOST",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "AZURE_TOKEN_CREDENTIALS",
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "IDENTITY_SERVER_THUMBPRINT",
  "IMDS_ENDPOINT",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "ALL_PROXY",
  "NO_PROXY",
];

/** Sets exactly `vars` among the credential variables; returns the function that restores the old ones. */
export function setCredentialEnv(vars: Record<string, string>): () => void {
  const saved = new Map(AZURE_CREDENTIAL_ENV.map((k) => [k, process.env[k]]));
  for (const key of AZURE_CREDENTIAL_ENV) delete process.env[key];
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    for (const key of Object.keys(vars)) if (!saved.has(key)) delete process.env[key];
  };
}

/** `KEY=value` lines (as the descriptor prints them) as an environment object. */
export function envLines(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

export const ACS_SCOPE = "https://communication.azure.com//.default";

/** The contoso-acs endpoint of the sandbox. */
export function acsEndpoint(sb: RunningSandbox): string {
  return sb.descriptor.acs.find((r) => r.name === "contoso-acs")!.endpoint;
}

/**
 * What an app does with the credential: create an ACS identity with it. Returns the new identity and
 * the claims of the token the credential produced (the token is fetched once more to read them).
 */
export async function createAcsIdentity(
  sb: RunningSandbox,
  credential: TokenCredential,
): Promise<{ user: CommunicationUserIdentifier; claims: JWTPayload }> {
  const client = new CommunicationIdentityClient(acsEndpoint(sb), credential);
  const user = await client.createUser();
  const token = await credential.getToken(ACS_SCOPE);
  return { user, claims: decodeJwt(token!.token) };
}
