import { ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, tenantId, user } from "../support/modes.js";

/** The Azure CLI's client id: `az login -u … -p …` signs in with it. */
export const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const ACS_APP_ID = "1fd5118e-2576-4263-8130-9503064c837a";
export const GRAPH_DEFAULT = "https://graph.microsoft.com/.default";

/** A Microsoft Graph SDK client signed in with a credential, as an admin script builds one. */
export function graphClient(credential: TokenCredential): Client {
  // #region graph-client
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    }),
  });
  // #endregion graph-client
}

/** Graph as a world user signed in through the Azure CLI's client id (ROPC, like `az login -u -p`). */
export function graphAsUser(sb: RunningSandbox, name: string): Client {
  const u = user(sb, name);
  return graphClient(
    new UsernamePasswordCredential(tenantId(sb, u.tenant), AZURE_CLI, u.upn, u.password, identityOptions(sb)),
  );
}

/** Graph as an app with its client secret (app-only, like `az login --service-principal`). */
export function graphAsApp(sb: RunningSandbox, tenant: string, app: string, secret: string): Client {
  return graphClient(
    new ClientSecretCredential(tenantId(sb, tenant), clientId(sb, app), secret, identityOptions(sb)),
  );
}

/** What the Graph SDK throws for an error answer: status, Graph's code and message. */
export async function graphFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const e = err as { statusCode: number; code: string; message: string; body?: string };
    return { statusCode: e.statusCode, code: e.code, message: e.message };
  }
  throw new Error("Expected the Graph call to fail");
}
