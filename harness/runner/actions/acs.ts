import { isGuid } from "../../../core/ids.js";
import type { Step } from "../scenario.js";
import { identityClient, type TokenCredential } from "../clients.js";
import type { RunContext } from "../context.js";
import { ScenarioRuntimeError } from "../errors.js";
import { claimsOf } from "../tokens.js";
import type { StepValue } from "../types.js";

type Args<A extends Step["action"]> = Extract<Step, { action: A }>["args"];

/**
 * The quickstart's back end: `getTokenForTeamsUser` with the Entra token, and by default its own `appid`
 * and `oid` as clientId and userObjectId, as the SDK documentation asks.
 */
export async function exchange(ctx: RunContext, args: Args<"exchange">): Promise<StepValue> {
  const entra = args.token ? ctx.savedValue(args.token, "entraToken") : ctx.lastEntraToken;
  if (!entra)
    throw new ScenarioRuntimeError("exchange needs an Entra token: sign in first, or name one with token:");
  const clientId = args.appId
    ? isGuid(args.appId)
      ? args.appId
      : (await ctx.app(args.appId)).clientId
    : String(entra.claims.appid ?? entra.claims.azp ?? "");
  const userObjectId = args.userId
    ? isGuid(args.userId)
      ? args.userId
      : (await ctx.user(args.userId)).objectId
    : String(entra.claims.oid ?? entra.uniqueId);
  const client = identityClient(await ctx.descriptor(), args.acs, args.apiVersion);
  const result = await client.getTokenForTeamsUser({
    teamsUserAadToken: entra.accessToken,
    clientId,
    userObjectId,
  });
  return {
    kind: "acsToken",
    token: result.token,
    claims: claimsOf(result.token),
    expiresOn: result.expiresOn,
    ...(typeof entra.claims.exp === "number" ? { aadExpiresAt: entra.claims.exp } : {}),
  };
}

/** A saved Entra token as the Identity SDK's credential: the token MSAL gave, as it was given. */
function savedCredential(ctx: RunContext, alias: string): TokenCredential {
  const entra = ctx.savedValue(alias, "entraToken");
  const exp = typeof entra.claims.exp === "number" ? entra.claims.exp : 0;
  return { getToken: () => Promise.resolve({ token: entra.accessToken, expiresOnTimestamp: exp * 1000 }) };
}

export async function createUser(ctx: RunContext, args: Args<"createUser">): Promise<StepValue> {
  const credential = args.entraToken ? savedCredential(ctx, args.entraToken) : undefined;
  const client = identityClient(await ctx.descriptor(), args.acs, undefined, credential);
  if (!args.withToken) {
    const user = await client.createUser();
    return { kind: "identity", communicationUserId: user.communicationUserId };
  }
  const created = await client.createUserAndToken(
    args.withToken as Parameters<typeof client.createUserAndToken>[0],
    args.expiresInMinutes !== undefined ? { tokenExpiresInMinutes: args.expiresInMinutes } : {},
  );
  return {
    kind: "identity",
    communicationUserId: created.user.communicationUserId,
    token: created.token,
    claims: claimsOf(created.token),
    expiresOn: created.expiresOn,
  };
}

export async function issueToken(ctx: RunContext, args: Args<"issueToken">): Promise<StepValue> {
  const identity = ctx.savedValue(args.identity, "identity");
  const client = identityClient(await ctx.descriptor(), args.acs);
  const result = await client.getToken(
    { communicationUserId: identity.communicationUserId },
    args.scopes as Parameters<typeof client.getToken>[1],
    args.expiresInMinutes !== undefined ? { tokenExpiresInMinutes: args.expiresInMinutes } : {},
  );
  return {
    kind: "acsToken",
    token: result.token,
    claims: claimsOf(result.token),
    expiresOn: result.expiresOn,
  };
}

export async function revokeTokens(ctx: RunContext, args: Args<"revokeTokens">): Promise<StepValue> {
  const identity = ctx.savedValue(args.identity, "identity");
  await identityClient(await ctx.descriptor(), args.acs).revokeTokens({
    communicationUserId: identity.communicationUserId,
  });
  return { kind: "none" };
}

export async function deleteUser(ctx: RunContext, args: Args<"deleteUser">): Promise<StepValue> {
  const identity = ctx.savedValue(args.identity, "identity");
  await identityClient(await ctx.descriptor(), args.acs).deleteUser({
    communicationUserId: identity.communicationUserId,
  });
  return { kind: "none" };
}
