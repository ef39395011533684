import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { Step } from "../scenario.js";
import type { RunContext } from "../context.js";
import { ScenarioRuntimeError, ServiceFailure } from "../errors.js";
import { claimsOf } from "../tokens.js";
import type { StepValue } from "../types.js";

type Args = Extract<Step, { action: "exchangeEntraToken" }>["args"];

/** The credential's failure text: `Service request failed. Status: 403, Body: {"error":{…}}`. */
const FAILURE = /^Service request failed\. Status: (\d+), Body: (.*)$/s;

/**
 * A failed exchange as the service answered it. The credential reports the status and body only in its
 * message, so the step reads them from there, as a user reading the error would.
 */
function observedFailure(err: unknown): ServiceFailure | undefined {
  const match = err instanceof Error ? FAILURE.exec(err.message) : null;
  if (!match) return undefined;
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = JSON.parse(match[2]!) as typeof body;
  } catch {
    // An empty or non-JSON body: the status alone says what happened.
  }
  return new ServiceFailure({
    code: body.error?.code ?? `HTTP${match[1]}`,
    status: Number(match[1]),
    message: body.error?.message ?? match[2]!,
  });
}

/**
 * Teams Phone extensibility or Entra ID users: `AzureCommunicationTokenCredential` with Entra options,
 * handed the signed-in user's Entra token, exchanges it at `/access/*`. The scopes it is configured
 * with choose the endpoint, as in an app; by default the token's own audience.
 */
export async function exchangeEntraToken(ctx: RunContext, args: Args): Promise<StepValue> {
  const entra = args.token ? ctx.savedValue(args.token, "entraToken") : ctx.lastEntraToken;
  if (!entra) {
    throw new ScenarioRuntimeError(
      "exchangeEntraToken needs an Entra token: sign in first, or name one with token:",
    );
  }
  const descriptor = await ctx.descriptor();
  const resource = descriptor.acs.find((r) => r.name === args.acs);
  if (!resource) {
    throw new ScenarioRuntimeError(
      `Unknown ACS resource "${args.acs}": the world has ${descriptor.acs.map((r) => r.name).join(", ")}`,
    );
  }
  const audience = String(entra.claims.aud ?? "").replace(/\/+$/, "");
  const exp = typeof entra.claims.exp === "number" ? entra.claims.exp : undefined;
  const credential = new AzureCommunicationTokenCredential({
    // Intercepting, msw's Node interceptor would read the `//access/…` of a trailing-slash endpoint as a
    // protocol-relative URL; on a port the descriptor's form goes out as it would to Azure.
    resourceEndpoint:
      descriptor.mode === "server" ? resource.endpoint : resource.endpoint.replace(/\/+$/, ""),
    tokenCredential: {
      getToken: async () => ({ token: entra.accessToken, expiresOnTimestamp: (exp ?? 0) * 1000 }),
    },
    scopes: args.scopes ?? [`${audience}/.default`],
  });
  try {
    const result = await credential.getToken();
    return {
      kind: "acsToken",
      token: result.token,
      claims: claimsOf(result.token),
      expiresOn: new Date(result.expiresOnTimestamp),
      ...(exp !== undefined ? { aadExpiresAt: exp } : {}),
    };
  } catch (err) {
    throw observedFailure(err) ?? err;
  } finally {
    credential.dispose();
  }
}
