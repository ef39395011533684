import { getClient, type Client } from "@azure-rest/core-client";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { createCommunicationAuthPolicy, parseConnectionString } from "@azure/communication-common";
import type { RunningSandbox } from "../../harness/index.js";

/**
 * The resource endpoint an `EntraTokenCredential` is given. On a port, the descriptor's form (with its
 * trailing slash, so the credential sends `//access/…` as it would to Azure). Intercepting, without the
 * slash: msw's Node interceptor resolves a `//access/…` request path as a protocol-relative URL (host
 * `access`), so such a request never reaches its handlers.
 */
export function credentialEndpoint(sb: RunningSandbox): string {
  const endpoint = sb.descriptor.acs[0]!.endpoint;
  return sb.descriptor.mode === "server" ? endpoint : endpoint.replace(/\/+$/, "");
}

/**
 * A REST client for the operations the Identity SDK has no methods for (the `/access/*` assignments):
 * the Azure SDK's own REST-level client, signing with the resource's access key (HMAC), or with an Entra
 * token credential (RBAC), through communication-common's auth policy, as a generated client would.
 */
export function accessClient(sb: RunningSandbox, tokenCredential?: TokenCredential): Client {
  const { endpoint, credential } = parseConnectionString(sb.descriptor.acs[0]!.connectionString);
  const auth = tokenCredential ?? new AzureKeyCredential((credential as AzureKeyCredential).key);
  return getClient(endpoint, {
    additionalPolicies: [{ policy: createCommunicationAuthPolicy(auth), position: "perCall" }],
  });
}

export function decodeToken(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}
